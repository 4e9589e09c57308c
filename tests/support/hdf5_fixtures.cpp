#include "hdf5_fixtures.h"

#include <cstring>
#include <numeric>
#include <stdexcept>

namespace graft::test {

H5Writer::H5Writer(const std::filesystem::path& path) {
  file_ = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  if (file_ < 0) throw std::runtime_error("cannot create " + path.string());
}

H5Writer::~H5Writer() {
  for (hid_t g : groups_) H5Gclose(g);
  H5Fclose(file_);
}

hid_t H5Writer::group(const std::string& path) {
  hid_t lcpl = H5Pcreate(H5P_LINK_CREATE);
  H5Pset_create_intermediate_group(lcpl, 1);
  hid_t g = H5Gcreate2(file_, path.c_str(), lcpl, H5P_DEFAULT, H5P_DEFAULT);
  H5Pclose(lcpl);
  if (g < 0) throw std::runtime_error("cannot create group " + path);
  groups_.push_back(g);
  return g;
}

void H5Writer::fixedStrings(hid_t obj, const std::string& name, const std::vector<std::string>& values) {
  std::size_t width = 1;
  for (const auto& v : values) width = std::max(width, v.size());
  std::vector<char> buf(values.size() * width, '\0');
  for (std::size_t i = 0; i < values.size(); ++i) std::memcpy(buf.data() + i * width, values[i].data(), values[i].size());
  hid_t type = H5Tcopy(H5T_C_S1);
  H5Tset_size(type, width);
  H5Tset_strpad(type, H5T_STR_NULLPAD);
  const hsize_t n = values.size();
  hid_t space = H5Screate_simple(1, &n, nullptr);
  hid_t attr = H5Acreate2(obj, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT);
  H5Awrite(attr, type, buf.data());
  H5Aclose(attr);
  H5Sclose(space);
  H5Tclose(type);
}

void H5Writer::varStrings(hid_t obj, const std::string& name, const std::vector<std::string>& values, H5T_cset_t cset,
                          bool scalar) {
  std::vector<const char*> ptrs;
  for (const auto& v : values) ptrs.push_back(v.c_str());
  hid_t type = H5Tcopy(H5T_C_S1);
  H5Tset_size(type, H5T_VARIABLE);
  H5Tset_cset(type, cset);
  const hsize_t n = values.size();
  hid_t space = scalar ? H5Screate(H5S_SCALAR) : H5Screate_simple(1, &n, nullptr);
  hid_t attr = H5Acreate2(obj, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT);
  H5Awrite(attr, type, ptrs.data());
  H5Aclose(attr);
  H5Sclose(space);
  H5Tclose(type);
}

void H5Writer::emptyFloatList(hid_t obj, const std::string& name) {
  const hsize_t n = 0;
  hid_t space = H5Screate_simple(1, &n, nullptr);
  hid_t attr = H5Acreate2(obj, name.c_str(), H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT);
  H5Aclose(attr);
  H5Sclose(space);
}

void H5Writer::floatDataset(hid_t loc, const std::string& path, const std::vector<hsize_t>& dims,
                            const std::vector<hsize_t>& chunk, bool compress, bool bigEndian) {
  hsize_t count = 1;
  for (hsize_t d : dims) count *= d;
  std::vector<float> values(count);
  std::iota(values.begin(), values.end(), 0.0f);
  hid_t space = dims.empty() ? H5Screate(H5S_SCALAR) : H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr);
  hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
  if (!chunk.empty()) H5Pset_chunk(dcpl, static_cast<int>(chunk.size()), chunk.data());
  if (compress) H5Pset_deflate(dcpl, 4);
  hid_t lcpl = H5Pcreate(H5P_LINK_CREATE);
  H5Pset_create_intermediate_group(lcpl, 1);
  hid_t ds = H5Dcreate2(loc, path.c_str(), bigEndian ? H5T_IEEE_F32BE : H5T_IEEE_F32LE, space, lcpl, dcpl, H5P_DEFAULT);
  if (ds < 0) throw std::runtime_error("cannot create dataset " + path);
  H5Dwrite(ds, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data());
  H5Dclose(ds);
  H5Pclose(lcpl);
  H5Pclose(dcpl);
  H5Sclose(space);
}

}  // namespace graft::test
