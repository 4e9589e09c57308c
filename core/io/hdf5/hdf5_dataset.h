#pragma once
// HDF5 datasets as tensors: their dtype and shape, and their elements streamed as
// little-endian row-major bytes in any chunks.

#include <filesystem>
#include <memory>
#include <string>
#include <unordered_map>

#include "checkpoint/tensor_storage.h"
#include "io/hdf5/hdf5_library.h"
#include "io/read_only_file.h"
#include "types/tensor_info.h"

namespace graft::hdf5 {

// An HDF5 file opened read-only, with a plain descriptor beside it for direct reads of
// contiguous datasets (which need no HDF5 call and so no lock).
class OpenFile {
 public:
  // Throws graft::Error naming the file, with HDF5's most specific reason.
  explicit OpenFile(const std::filesystem::path& path);
  // The HDF5 file lying verbatim at bytes [offset, offset + size) of `path` (a stored zip member).
  OpenFile(const std::filesystem::path& path, std::uint64_t offset, std::uint64_t size);
  const std::filesystem::path& path() const { return raw_.path(); }
  hid_t id() const { return file_.get(); }
  const ReadOnlyFile& raw() const { return raw_; }
  // Where the HDF5 file starts in raw() and how long it is: HDF5 addresses are relative to it.
  std::uint64_t base() const { return base_; }
  std::uint64_t size() const { return size_; }

 private:
  void open(hid_t fapl);

  ReadOnlyFile raw_;
  std::uint64_t base_ = 0;
  std::uint64_t size_ = 0;
  Id file_;
};

// dtype, shape, sizes of the dataset at loc/path. `key` becomes TensorInfo::key. Throws
// graft::Error (without the file name) for a missing dataset or an unsupported type.
TensorInfo describeDataset(hid_t loc, const std::string& path, std::string key);

// Tensor bytes of datasets in one HDF5 file, found by key.
class DatasetStorage : public TensorStorage {
 public:
  DatasetStorage(std::shared_ptr<const OpenFile> file, std::unordered_map<std::string, std::string> datasetPathByKey);
  std::unique_ptr<TensorStream> open(const TensorInfo& tensor) const override;

 private:
  std::shared_ptr<const OpenFile> file_;
  std::unordered_map<std::string, std::string> datasetPathByKey_;
};

}  // namespace graft::hdf5
