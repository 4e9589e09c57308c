#include "io/hdf5/tensor_file_writer.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "io/error.h"
#include "io/write_at.h"

namespace graft::hdf5 {

namespace {

// Pure file writes at a fixed offset; the dataset's space was allocated when it was created.
class RawSink final : public TensorSink {
 public:
  RawSink(const std::filesystem::path& path, int fd, std::optional<std::uint64_t> offset, std::uint64_t size, bool skipped)
      : path_(path), fd_(fd), offset_(offset), size_(size), skipped_(skipped) {}
  void write(std::span<const std::byte> bytes) override {
    if (skipped_) return;
    if (bytes.size() > size_ - written_) throw fileError(path_, "more bytes than the tensor holds");
    writeAt(path_, fd_, bytes, *offset_ + written_);
    written_ += bytes.size();
  }
  std::optional<FileExtent> extent() const override {
    if (!offset_ || skipped_) return std::nullopt;
    return FileExtent{fd_, *offset_, std::nullopt, std::nullopt};
  }

 private:
  std::filesystem::path path_;
  int fd_;
  std::optional<std::uint64_t> offset_;
  std::uint64_t size_;
  bool skipped_;
  std::uint64_t written_ = 0;
};

}  // namespace

TensorFileWriter::~TensorFileWriter() {
  if (fd_ >= 0) ::close(fd_);
}

void TensorFileWriter::create(const std::filesystem::path& file, std::uint64_t reserveBytes) {
  path_ = file;
  auto l = lock();
  Id fapl = plistId(H5Pcreate(H5P_FILE_ACCESS));
  // Tensor data on page boundaries: kernel-side copies into the file then move whole pages.
  H5Pset_alignment(fapl.get(), 64 * 1024, 4096);
  file_ = fileId(H5Fcreate(file.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl.get()));
  if (!file_) throw fileError(file, "cannot create HDF5 file: " + takeErrorMessage());
  fd_ = ::open(file.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd_ < 0) throw fileError(file, std::string("cannot open for writing: ") + std::strerror(errno));
  if (::fallocate(fd_, 0, 0, static_cast<off_t>(reserveBytes)) != 0 && errno != EOPNOTSUPP)
    throw fileError(file, "not enough space for the result (" + std::to_string(reserveBytes >> 20) + " MiB needed): " +
                              std::strerror(errno));
  linkCreation_ = plistId(H5Pcreate(H5P_LINK_CREATE));
  H5Pset_create_intermediate_group(linkCreation_.get(), 1);
  datasetCreation_ = plistId(H5Pcreate(H5P_DATASET_CREATE));
  H5Pset_layout(datasetCreation_.get(), H5D_CONTIGUOUS);
  // Space reserved now and never filled by HDF5: the bytes are written straight to the file.
  H5Pset_alloc_time(datasetCreation_.get(), H5D_ALLOC_TIME_EARLY);
  H5Pset_fill_time(datasetCreation_.get(), H5D_FILL_TIME_NEVER);
}

std::optional<std::uint64_t> TensorFileWriter::addDataset(const std::string& path, hid_t fileType, const Shape& shape,
                                                          std::uint64_t byteSize) {
  auto l = lock();
  std::vector<hsize_t> dims(shape.dims().begin(), shape.dims().end());
  Id space = spaceId(dims.empty() ? H5Screate(H5S_SCALAR) : H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr));
  Id ds = datasetId(H5Dcreate2(file_.get(), path.c_str(), fileType, space.get(), linkCreation_.get(), datasetCreation_.get(), H5P_DEFAULT));
  if (!ds) throw Error("cannot create dataset '" + path + "': " + takeErrorMessage());
  const haddr_t addr = H5Dget_offset(ds.get());
  if (addr != HADDR_UNDEF) return addr;
  takeErrorMessage();
  if (byteSize != 0) throw Error("no storage was allocated for '" + path + "'");
  return std::nullopt;
}

std::unique_ptr<TensorSink> TensorFileWriter::sink(std::optional<std::uint64_t> offset, std::uint64_t size, bool skipped) const {
  return std::make_unique<RawSink>(path_, fd_, offset, size, skipped);
}

void TensorFileWriter::flush() {
  auto l = lock();
  if (H5Fflush(file_.get(), H5F_SCOPE_GLOBAL) < 0) throw Error("cannot write file structure: " + takeErrorMessage());
}

void TensorFileWriter::finish() {
  if (fd_ >= 0) {
    const int rc = ::close(fd_);
    fd_ = -1;
    if (rc != 0) throw fileError(path_, std::string("write failed: ") + std::strerror(errno));
  }
  auto l = lock();
  linkCreation_.reset();
  datasetCreation_.reset();
  if (file_) {
    // libhdf5 trims a file to its end only when its own writes stopped short of it, so the
    // space reserved in create() can outlive the close; the end is known before it.
    haddr_t end = HADDR_UNDEF;
    if (H5Fflush(file_.get(), H5F_SCOPE_GLOBAL) < 0 || H5Fget_eoa(file_.get(), &end) < 0) end = HADDR_UNDEF;
    const herr_t rc = H5Fclose(file_.release());
    if (rc < 0) throw fileError(path_, "cannot complete the HDF5 file: " + takeErrorMessage());
    std::error_code ec;
    if (end != HADDR_UNDEF && std::filesystem::file_size(path_, ec) > end && !ec) std::filesystem::resize_file(path_, end, ec);
    if (ec) throw fileError(path_, "cannot release the space reserved for writing: " + ec.message());
  }
}

Id h5pyFileType(DType dtype, const std::string& format) {
  switch (dtype) {
    case DType::Float32: return typeId(H5Tcopy(H5T_IEEE_F32LE));
    case DType::Float64: return typeId(H5Tcopy(H5T_IEEE_F64LE));
    case DType::Float16: {
      Id t = typeId(H5Tcopy(H5T_IEEE_F32LE));
      H5Tset_fields(t.get(), 15, 10, 5, 0, 10);
      H5Tset_size(t.get(), 2);
      H5Tset_ebias(t.get(), 15);
      return t;
    }
    case DType::BFloat16: {
      if (format != "Keras 3") break;
      Id t = typeId(H5Tcreate(H5T_OPAQUE, 2));
      return t;
    }
    case DType::Int8: return typeId(H5Tcopy(H5T_STD_I8LE));
    case DType::Int16: return typeId(H5Tcopy(H5T_STD_I16LE));
    case DType::Int32: return typeId(H5Tcopy(H5T_STD_I32LE));
    case DType::Int64: return typeId(H5Tcopy(H5T_STD_I64LE));
    case DType::UInt8: return typeId(H5Tcopy(H5T_STD_U8LE));
    case DType::UInt16: return typeId(H5Tcopy(H5T_STD_U16LE));
    case DType::UInt32: return typeId(H5Tcopy(H5T_STD_U32LE));
    case DType::UInt64: return typeId(H5Tcopy(H5T_STD_U64LE));
    case DType::Bool: {
      Id t = typeId(H5Tenum_create(H5T_STD_I8LE));
      const std::int8_t f = 0, tr = 1;
      H5Tenum_insert(t.get(), "FALSE", &f);
      H5Tenum_insert(t.get(), "TRUE", &tr);
      return t;
    }
    case DType::Complex64:
    case DType::Complex128: {
      const std::size_t half = dtype == DType::Complex64 ? 4 : 8;
      Id t = typeId(H5Tcreate(H5T_COMPOUND, 2 * half));
      const hid_t part = half == 4 ? H5T_IEEE_F32LE : H5T_IEEE_F64LE;
      H5Tinsert(t.get(), "r", 0, part);
      H5Tinsert(t.get(), "i", half, part);
      return t;
    }
    default: break;
  }
  throw Error(format + " HDF5 cannot hold " + std::string(dtypeName(dtype)) + " tensors; cast them (e.g. to float32)");
}

}  // namespace graft::hdf5
