#pragma once
// An HDF5 file being written whose tensors are contiguous datasets allocated up front and
// filled straight through a plain descriptor: no libhdf5 call per chunk, and kernel-side
// copies land on page boundaries. The Keras 2 and Keras 3 writers build their files with it.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "formats/checkpoint_writer.h"
#include "io/hdf5/hdf5_library.h"

namespace graft::hdf5 {

class TensorFileWriter {
 public:
  TensorFileWriter() = default;
  ~TensorFileWriter();
  TensorFileWriter(const TensorFileWriter&) = delete;
  TensorFileWriter& operator=(const TensorFileWriter&) = delete;

  // Creates `file` with `reserveBytes` reserved first: a full disk shows here, before libhdf5
  // writes anything (a failed flush inside libhdf5 1.10 leaves an id that crashes at exit).
  void create(const std::filesystem::path& file, std::uint64_t reserveBytes);
  hid_t id() const { return file_.get(); }
  const std::filesystem::path& path() const { return path_; }

  // A contiguous dataset at `path` (missing groups created) whose space is allocated now;
  // returns its file offset, nullopt for an empty one. Throws graft::Error (no file name).
  std::optional<std::uint64_t> addDataset(const std::string& path, hid_t fileType, const Shape& shape, std::uint64_t byteSize);
  // Where a tensor's bytes go; a skipped one swallows them (the format has no place for it).
  std::unique_ptr<TensorSink> sink(std::optional<std::uint64_t> offset, std::uint64_t size, bool skipped = false) const;
  // Writes the structure out; call once every dataset and attribute exists.
  void flush();
  // Closes the file and gives back the space reserved in create() that it did not use.
  void finish();

 private:
  std::filesystem::path path_;
  Id file_;
  Id linkCreation_;
  Id datasetCreation_;
  int fd_ = -1;
};

// The HDF5 type h5py gives each numpy dtype; bfloat16 (no numpy dtype) is Keras 3's 2-byte
// opaque type. Throws graft::Error naming `format` for dtypes it cannot hold.
Id h5pyFileType(DType dtype, const std::string& format);

}  // namespace graft::hdf5
