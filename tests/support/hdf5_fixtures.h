#pragma once
// Small HDF5 files written with the C API, for cases no real file in the test set shows:
// chunked name attributes, compressed and big-endian datasets, HDF5 that is not Keras.

#include <hdf5.h>

#include <filesystem>
#include <string>
#include <vector>

namespace graft::test {

class H5Writer {
 public:
  explicit H5Writer(const std::filesystem::path& path);
  ~H5Writer();
  H5Writer(const H5Writer&) = delete;
  H5Writer& operator=(const H5Writer&) = delete;

  hid_t root() const { return file_; }
  hid_t group(const std::string& path);  // created with intermediates; closed by the writer
  // Fixed-length NULLPAD string list (h5py 2 / chunked Keras attributes).
  void fixedStrings(hid_t obj, const std::string& name, const std::vector<std::string>& values);
  // Variable-length strings; cset H5T_CSET_UTF8 or H5T_CSET_ASCII; scalar if `scalar`.
  void varStrings(hid_t obj, const std::string& name, const std::vector<std::string>& values, H5T_cset_t cset,
                  bool scalar = false);
  void emptyFloatList(hid_t obj, const std::string& name);  // how h5py writes []
  // float32 dataset with values 0, 1, 2, ...; chunk dims empty = contiguous; deflate if compress.
  void floatDataset(hid_t loc, const std::string& path, const std::vector<hsize_t>& dims,
                    const std::vector<hsize_t>& chunk = {}, bool compress = false, bool bigEndian = false);

 private:
  hid_t file_;
  std::vector<hid_t> groups_;
};

}  // namespace graft::test
