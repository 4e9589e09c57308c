#include "io/hdf5/hdf5_dataset.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <vector>

#include "io/error.h"
#include "io/hdf5/element_type_check.h"
#include "io/hdf5/embedded_file_driver.h"
#include "io/hdf5/hdf5_attributes.h"

namespace graft::hdf5 {
namespace {

constexpr int kMaxRank = 32;  // H5S_MAX_RANK

std::optional<DType> integerDType(std::size_t size, bool isSigned) {
  switch (size) {
    case 1: return isSigned ? DType::Int8 : DType::UInt8;
    case 2: return isSigned ? DType::Int16 : DType::UInt16;
    case 4: return isSigned ? DType::Int32 : DType::UInt32;
    case 8: return isSigned ? DType::Int64 : DType::UInt64;
    default: return std::nullopt;
  }
}

// How h5py and Keras store each dtype (checkpoint-formats.md §1.5, §7.3).
DType dtypeOf(hid_t dataset, hid_t type) {
  const std::size_t size = H5Tget_size(type);
  switch (H5Tget_class(type)) {
    case H5T_INTEGER:
      if (auto t = integerDType(size, H5Tget_sign(type) == H5T_SGN_2)) return *t;
      break;
    case H5T_FLOAT:
      if (size == 2) return DType::Float16;
      if (size == 4) return DType::Float32;
      if (size == 8) return DType::Float64;
      break;
    case H5T_ENUM:
      // h5py writes numpy bool as an enum {FALSE, TRUE} over int8.
      if (size == 1 && H5Tget_nmembers(type) == 2) return DType::Bool;
      {
        Id base = typeId(H5Tget_super(type));
        if (base && H5Tget_class(base.get()) == H5T_INTEGER)
          if (auto t = integerDType(size, H5Tget_sign(base.get()) == H5T_SGN_2)) return *t;
      }
      break;
    case H5T_COMPOUND:
      // numpy complex: compound {r, i} of two floats.
      if (H5Tget_nmembers(type) == 2) {
        Id re = typeId(H5Tget_member_type(type, 0));
        Id im = typeId(H5Tget_member_type(type, 1));
        if (re && im && H5Tget_class(re.get()) == H5T_FLOAT && H5Tget_class(im.get()) == H5T_FLOAT &&
            H5Tget_size(re.get()) == H5Tget_size(im.get())) {
          if (H5Tget_size(re.get()) == 4) return DType::Complex64;
          if (H5Tget_size(re.get()) == 8) return DType::Complex128;
        }
      }
      break;
    case H5T_OPAQUE:
      // Keras 3 stores bfloat16 / float8 as opaque bytes plus a "dtype" attribute.
      if (auto name = readStringAttribute(dataset, "dtype"))
        if (auto t = dtypeFromName(*name); t && dtypeSize(*t) == size) return *t;
      break;
    default:
      break;
  }
  throw Error("unsupported HDF5 element type (class " + std::to_string(H5Tget_class(type)) + ", " +
              std::to_string(size) + " bytes)");
}

// The in-memory type that makes HDF5 hand out little-endian bytes of the canonical dtype.
Id memoryTypeFor(hid_t fileType, DType dtype) {
  if (dtype == DType::Complex64 || dtype == DType::Complex128) {
    const std::size_t half = dtype == DType::Complex64 ? 4 : 8;
    Id t = typeId(H5Tcreate(H5T_COMPOUND, 2 * half));
    const hid_t part = dtype == DType::Complex64 ? H5T_IEEE_F32LE : H5T_IEEE_F64LE;
    char* reName = H5Tget_member_name(fileType, 0);
    char* imName = H5Tget_member_name(fileType, 1);
    H5Tinsert(t.get(), reName, 0, part);
    H5Tinsert(t.get(), imName, half, part);
    H5free_memory(reName);
    H5free_memory(imName);
    return t;
  }
  Id t = typeId(H5Tcopy(fileType));
  const H5T_class_t cls = H5Tget_class(fileType);
  if (cls == H5T_INTEGER || cls == H5T_FLOAT) H5Tset_order(t.get(), H5T_ORDER_LE);
  return t;
}

// Bytes on disk are already what we hand out: no conversion needed.
bool storedAsCanonical(hid_t fileType) {
  const H5T_class_t cls = H5Tget_class(fileType);
  const std::size_t size = H5Tget_size(fileType);
  if (cls == H5T_OPAQUE) return true;
  if (cls == H5T_ENUM) return size == 1;
  if (cls == H5T_INTEGER || cls == H5T_FLOAT) return size == 1 || H5Tget_order(fileType) == H5T_ORDER_LE;
  return false;
}

std::vector<hsize_t> dimsOf(hid_t space) {
  const int rank = H5Sget_simple_extent_ndims(space);
  if (rank < 0 || rank > kMaxRank) throw Error("dataset has an invalid rank");
  std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
  if (rank > 0) H5Sget_simple_extent_dims(space, dims.data(), nullptr);
  return dims;
}

class DatasetStream final : public TensorStream {
 public:
  DatasetStream(std::shared_ptr<const OpenFile> file, const std::string& path, const TensorInfo& info)
      : file_(std::move(file)), key_(info.key), size_(info.byteSize), elementSize_(dtypeSize(info.dtype)) {
    auto l = lock();
    dataset_ = datasetId(H5Dopen2(file_->id(), path.c_str(), H5P_DEFAULT));
    if (!dataset_) throw failure("cannot open dataset: " + takeErrorMessage());
    Id fileType = typeId(H5Dget_type(dataset_.get()));
    Id space = spaceId(H5Dget_space(dataset_.get()));
    if (!fileType || !space) throw failure("cannot read dataset header: " + takeErrorMessage());
    if (const std::string problem = elementTypeProblem(fileType.get()); !problem.empty())
      throw failure("its element type is impossible, " + problem +
                    " (damaged or crafted: libhdf5 would write outside its buffers converting it)");
    memType_ = memoryTypeFor(fileType.get(), info.dtype);
    dims_ = dimsOf(space.get());
    if (size_ > 0) {
      Id dcpl = plistId(H5Dget_create_plist(dataset_.get()));
      if (!dcpl) throw failure("cannot read its storage properties: " + takeErrorMessage());
      checkStoredBytes(dcpl.get());
      if (storedAsCanonical(fileType.get())) rawOffset_ = contiguousOffset(dcpl.get());
    }
  }

  std::uint64_t size() const override { return size_; }

  std::optional<FileExtent> extent() const override {
    if (!rawOffset_) return std::nullopt;
    return FileExtent{file_->raw().fd(), *rawOffset_, std::nullopt, std::nullopt};
  }

  void read(std::uint64_t offset, std::span<std::byte> out) override {
    if (offset > size_ || out.size() > size_ - offset) throw failure("read past the end of the tensor");
    if (out.empty()) return;
    if (rawOffset_) {
      file_->raw().readExactAt(*rawOffset_ + offset, out);
      return;
    }
    const std::uint64_t first = offset / elementSize_;
    const std::uint64_t last = (offset + out.size() + elementSize_ - 1) / elementSize_;
    if (offset % elementSize_ == 0 && out.size() % elementSize_ == 0) {
      readElements(first, last, out.data());
      return;
    }
    std::vector<std::byte> tmp((last - first) * elementSize_);
    readElements(first, last, tmp.data());
    std::memcpy(out.data(), tmp.data() + (offset - first * elementSize_), out.size());
  }

 private:
  Error failure(const std::string& what) const {
    return fileError(file_->path(), "tensor '" + key_ + "': " + what);
  }

  // Refuses what no checkpoint writer produces: bytes in an external file (it may lie anywhere),
  // or fewer bytes stored than the tensor has. libhdf5 reads bytes that were never stored as
  // the fill value, so a 300 KB file could declare terabytes, and every checksum, statistic and
  // export would stream them. Compression stores less, but deflate never shrinks data more
  // than about 1032:1.
  void checkStoredBytes(hid_t dcpl) const {
    constexpr std::uint64_t kMostCompression = 1100;
    if (H5Pget_external_count(dcpl) != 0) throw failure("stored in an external file, which Graft refuses to follow");
    const bool compressed = H5Pget_nfilters(dcpl) > 0;
    const std::uint64_t stored = H5Dget_storage_size(dataset_.get());
    if (stored == 0 || stored < (compressed ? size_ / kMostCompression : size_))
      throw failure("the file stores " + std::to_string(stored) + " of its " + std::to_string(size_) +
                    " bytes (damaged or crafted: libhdf5 would make up the rest)");
  }

  // File offset of a contiguous, unfiltered, internally stored dataset whose bytes are all
  // inside the file; nullopt otherwise (then HDF5 reads it).
  std::optional<std::uint64_t> contiguousOffset(hid_t dcpl) const {
    if (H5Pget_layout(dcpl) != H5D_CONTIGUOUS || H5Pget_nfilters(dcpl) != 0) return std::nullopt;
    const haddr_t addr = H5Dget_offset(dataset_.get());
    if (addr == HADDR_UNDEF) {
      takeErrorMessage();
      return std::nullopt;
    }
    if (addr > file_->size() || size_ > file_->size() - addr) throw failure("data lies beyond the end of the file (truncated?)");
    return file_->base() + addr;
  }

  // Elements [first, last) in row-major order, as a few hyperslabs of whole rows.
  void readElements(std::uint64_t first, std::uint64_t last, std::byte* dst) {
    auto l = lock();
    if (dims_.empty()) {
      if (H5Dread(dataset_.get(), memType_.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, dst) < 0)
        throw failure("read failed: " + takeErrorMessage());
      return;
    }
    const std::size_t rank = dims_.size();
    std::vector<std::uint64_t> stride(rank, 1);
    for (std::size_t d = rank - 1; d > 0; --d) stride[d - 1] = stride[d] * dims_[d];
    Id fileSpace = spaceId(H5Dget_space(dataset_.get()));
    for (std::uint64_t at = first; at < last;) {
      std::size_t d = 0;
      while (d + 1 < rank && (at % stride[d] != 0 || at + stride[d] > last)) ++d;
      std::vector<hsize_t> start(rank, 0), count(rank, 1);
      std::uint64_t rest = at;
      for (std::size_t k = 0; k < rank; ++k) {
        start[k] = rest / stride[k];
        rest %= stride[k];
      }
      const std::uint64_t blocks = std::min<std::uint64_t>((last - at) / stride[d], dims_[d] - start[d]);
      count[d] = blocks;
      for (std::size_t k = d + 1; k < rank; ++k) count[k] = dims_[k];
      const hsize_t n = blocks * stride[d];
      Id memSpace = spaceId(H5Screate_simple(1, &n, nullptr));
      if (H5Sselect_hyperslab(fileSpace.get(), H5S_SELECT_SET, start.data(), nullptr, count.data(), nullptr) < 0 ||
          H5Dread(dataset_.get(), memType_.get(), memSpace.get(), fileSpace.get(), H5P_DEFAULT,
                  dst + (at - first) * elementSize_) < 0)
        throw failure("read failed: " + takeErrorMessage());
      at += n;
    }
  }

  std::shared_ptr<const OpenFile> file_;
  std::string key_;
  std::uint64_t size_;
  std::size_t elementSize_;
  Id dataset_;
  Id memType_;
  std::vector<hsize_t> dims_;
  std::optional<std::uint64_t> rawOffset_;
};

}  // namespace

OpenFile::OpenFile(const std::filesystem::path& path) : raw_(path), size_(raw_.size()) {
  auto l = lock();
  const Id fapl = embeddedFileAccess(0, size_);
  open(fapl.get());
}

OpenFile::OpenFile(const std::filesystem::path& path, std::uint64_t offset, std::uint64_t size)
    : raw_(path), base_(offset), size_(size) {
  if (offset > raw_.size() || size > raw_.size() - offset) throw fileError(path, "embedded HDF5 file lies outside the file");
  auto l = lock();
  const Id fapl = embeddedFileAccess(offset, size);
  open(fapl.get());
}

void OpenFile::open(hid_t fapl) {
  const std::filesystem::path& path = raw_.path();
  auto l = lock();
  file_ = fileId(H5Fopen(path.c_str(), H5F_ACC_RDONLY, fapl));
  if (!file_) {
    const std::string why = takeErrorMessage();
    // HDF5 says "truncated file: eof = 700000, sblock->base_addr = 0, stored_eof = 1377088".
    unsigned long long have = 0, want = 0, base = 0;
    if (std::sscanf(why.c_str(), "truncated file: eof = %llu, sblock->base_addr = %llu, stored_eof = %llu", &have,
                    &base, &want) == 3)
      throw fileError(path, "truncated HDF5 file: " + std::to_string(have) + " of " + std::to_string(want) +
                                " bytes present");
    throw fileError(path, "cannot open as HDF5" + (why.empty() ? std::string() : ": " + why));
  }
}

TensorInfo describeDataset(hid_t loc, const std::string& path, std::string key) {
  auto l = lock();
  H5L_info_t link{};
  if (H5Lget_info(loc, path.c_str(), &link, H5P_DEFAULT) >= 0 && link.type == H5L_TYPE_EXTERNAL)
    throw Error("dataset '" + path + "' is an external link into another file, which Graft refuses to follow");
  H5Eclear2(H5E_DEFAULT);
  Id dataset = datasetId(H5Dopen2(loc, path.c_str(), H5P_DEFAULT));
  if (!dataset) throw Error("dataset '" + path + "' is missing or unreadable: " + takeErrorMessage());
  Id type = typeId(H5Dget_type(dataset.get()));
  Id space = spaceId(H5Dget_space(dataset.get()));
  if (!type || !space) throw Error("dataset '" + path + "' has an unreadable header: " + takeErrorMessage());
  TensorInfo info;
  info.key = std::move(key);
  try {
    info.dtype = dtypeOf(dataset.get(), type.get());
  } catch (const Error& e) {
    throw Error("dataset '" + path + "': " + e.what());
  }
  std::vector<std::int64_t> dims;
  for (hsize_t d : dimsOf(space.get())) {
    if (d > static_cast<hsize_t>(INT64_MAX)) throw Error("dataset '" + path + "' has an absurd dimension");
    dims.push_back(static_cast<std::int64_t>(d));
  }
  info.shape = Shape(std::move(dims));
  const auto count = info.shape.elementCount();
  const std::size_t es = dtypeSize(info.dtype);
  if (!count || (es && *count > UINT64_MAX / es))
    throw Error("dataset '" + path + "' has an element count that overflows " + info.shape.toString());
  info.elementCount = *count;
  info.byteSize = *count * es;
  return info;
}

DatasetStorage::DatasetStorage(std::shared_ptr<const OpenFile> file,
                               std::unordered_map<std::string, std::string> datasetPathByKey)
    : file_(std::move(file)), datasetPathByKey_(std::move(datasetPathByKey)) {}

std::unique_ptr<TensorStream> DatasetStorage::open(const TensorInfo& tensor) const {
  const auto it = datasetPathByKey_.find(tensor.key);
  if (it == datasetPathByKey_.end()) throw fileError(file_->path(), "no tensor '" + tensor.key + "'");
  return std::make_unique<DatasetStream>(file_, it->second, tensor);
}

}  // namespace graft::hdf5
