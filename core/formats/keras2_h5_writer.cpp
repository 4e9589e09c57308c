#include "formats/keras2_h5_writer.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>

#include "checkpoint/tree_builder.h"
#include "io/error.h"
#include "io/write_at.h"
#include "io/hdf5/hdf5_attributes.h"

namespace graft {
namespace {

using hdf5::Id;

constexpr std::size_t kAttributeLimit = 64512;  // Keras' HDF5_OBJECT_HEADER_LIMIT (§3.4)

void check(herr_t status, const std::string& what) {
  if (status < 0) throw Error(what + ": " + hdf5::takeErrorMessage());
}

Id vlenStringType(H5T_cset_t cset) {
  Id t = hdf5::typeId(H5Tcopy(H5T_C_S1));
  H5Tset_size(t.get(), H5T_VARIABLE);
  H5Tset_cset(t.get(), cset);
  return t;
}

void writeScalarString(hid_t obj, const std::string& name, const std::string& value, hdf5::StringEncoding encoding) {
  Id type;
  if (encoding == hdf5::StringEncoding::Fixed) {
    type = hdf5::typeId(H5Tcopy(H5T_C_S1));
    H5Tset_size(type.get(), std::max<std::size_t>(1, value.size()));
    H5Tset_strpad(type.get(), H5T_STR_NULLPAD);
  } else {
    type = vlenStringType(encoding == hdf5::StringEncoding::VariableUtf8 ? H5T_CSET_UTF8 : H5T_CSET_ASCII);
  }
  Id space = hdf5::spaceId(H5Screate(H5S_SCALAR));
  Id attr = hdf5::attributeId(H5Acreate2(obj, name.c_str(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT));
  const char* p = value.c_str();
  check(attr ? H5Awrite(attr.get(), type.get(), encoding == hdf5::StringEncoding::Fixed ? static_cast<const void*>(p) : &p) : -1,
        "cannot write attribute " + name);
}

void writeVlenList(hid_t obj, const std::string& name, const std::vector<std::string>& values) {
  Id type = vlenStringType(H5T_CSET_ASCII);
  const hsize_t n = values.size();
  Id space = hdf5::spaceId(H5Screate_simple(1, &n, nullptr));
  Id attr = hdf5::attributeId(H5Acreate2(obj, name.c_str(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT));
  std::vector<const char*> ptrs;
  for (const auto& v : values) ptrs.push_back(v.c_str());
  check(attr ? H5Awrite(attr.get(), type.get(), ptrs.data()) : -1, "cannot write attribute " + name);
}

void writeFixedList(hid_t obj, const std::string& name, const std::vector<std::string>& values, std::size_t width) {
  std::vector<char> buf(values.size() * width, '\0');
  for (std::size_t i = 0; i < values.size(); ++i) std::memcpy(buf.data() + i * width, values[i].data(), values[i].size());
  Id type = hdf5::typeId(H5Tcopy(H5T_C_S1));
  H5Tset_size(type.get(), width);
  H5Tset_strpad(type.get(), H5T_STR_NULLPAD);
  const hsize_t n = values.size();
  Id space = hdf5::spaceId(H5Screate_simple(1, &n, nullptr));
  Id attr = hdf5::attributeId(H5Acreate2(obj, name.c_str(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT));
  check(attr ? H5Awrite(attr.get(), type.get(), buf.data()) : -1, "cannot write attribute " + name);
}

// Keras' save_attributes_to_hdf5_group: one attribute when the list fits 64 KiB as a
// fixed-length array, else the fewest nearly equal parts name0..name{k-1} that each fit.
void writeNameList(hid_t obj, const std::string& name, const std::vector<std::string>& values, hdf5::StringEncoding encoding) {
  if (values.empty()) {  // h5py writes [] as an empty float64 array; Keras reads that as no names
    const hsize_t zero = 0;
    Id space = hdf5::spaceId(H5Screate_simple(1, &zero, nullptr));
    Id attr = hdf5::attributeId(H5Acreate2(obj, name.c_str(), H5T_IEEE_F64LE, space.get(), H5P_DEFAULT, H5P_DEFAULT));
    check(attr ? 0 : -1, "cannot write attribute " + name);
    return;
  }
  std::size_t width = 1;
  for (const auto& v : values) {
    if (v.size() > kAttributeLimit) throw Error("the name '" + v.substr(0, 64) + "...' is longer than Keras allows");
    width = std::max(width, v.size());
  }
  std::size_t parts = 1;
  auto partSize = [&](std::size_t k) { return ((values.size() + k - 1) / k) * width; };
  while (partSize(parts) > kAttributeLimit) ++parts;
  if (parts == 1)
    return encoding == hdf5::StringEncoding::Fixed ? writeFixedList(obj, name, values, width) : writeVlenList(obj, name, values);
  const std::size_t base = values.size() / parts, extra = values.size() % parts;
  std::size_t at = 0;
  for (std::size_t k = 0; k < parts; ++k) {
    const std::size_t n = base + (k < extra ? 1 : 0);
    std::vector<std::string> slice(values.begin() + static_cast<std::ptrdiff_t>(at), values.begin() + static_cast<std::ptrdiff_t>(at + n));
    std::size_t w = 1;
    for (const auto& v : slice) w = std::max(w, v.size());
    writeFixedList(obj, name + std::to_string(k), slice, w);
    at += n;
  }
}

// The HDF5 type h5py gives each numpy dtype.
Id fileTypeFor(DType dtype) {
  switch (dtype) {
    case DType::Float32: return hdf5::typeId(H5Tcopy(H5T_IEEE_F32LE));
    case DType::Float64: return hdf5::typeId(H5Tcopy(H5T_IEEE_F64LE));
    case DType::Float16: {
      Id t = hdf5::typeId(H5Tcopy(H5T_IEEE_F32LE));
      H5Tset_fields(t.get(), 15, 10, 5, 0, 10);
      H5Tset_size(t.get(), 2);
      H5Tset_ebias(t.get(), 15);
      return t;
    }
    case DType::Int8: return hdf5::typeId(H5Tcopy(H5T_STD_I8LE));
    case DType::Int16: return hdf5::typeId(H5Tcopy(H5T_STD_I16LE));
    case DType::Int32: return hdf5::typeId(H5Tcopy(H5T_STD_I32LE));
    case DType::Int64: return hdf5::typeId(H5Tcopy(H5T_STD_I64LE));
    case DType::UInt8: return hdf5::typeId(H5Tcopy(H5T_STD_U8LE));
    case DType::UInt16: return hdf5::typeId(H5Tcopy(H5T_STD_U16LE));
    case DType::UInt32: return hdf5::typeId(H5Tcopy(H5T_STD_U32LE));
    case DType::UInt64: return hdf5::typeId(H5Tcopy(H5T_STD_U64LE));
    case DType::Bool: {
      Id t = hdf5::typeId(H5Tenum_create(H5T_STD_I8LE));
      const std::int8_t f = 0, tr = 1;
      H5Tenum_insert(t.get(), "FALSE", &f);
      H5Tenum_insert(t.get(), "TRUE", &tr);
      return t;
    }
    case DType::Complex64:
    case DType::Complex128: {
      const std::size_t half = dtype == DType::Complex64 ? 4 : 8;
      Id t = hdf5::typeId(H5Tcreate(H5T_COMPOUND, 2 * half));
      const hid_t part = half == 4 ? H5T_IEEE_F32LE : H5T_IEEE_F64LE;
      H5Tinsert(t.get(), "r", 0, part);
      H5Tinsert(t.get(), "i", half, part);
      return t;
    }
    default:
      throw Error("Keras 2 HDF5 cannot hold " + std::string(dtypeName(dtype)) + " tensors; cast them (e.g. to float32)");
  }
}

// Pure file writes at a fixed offset; the dataset's space was allocated when it was created.
class RawSink final : public TensorSink {
 public:
  RawSink(const std::filesystem::path& path, int fd, std::optional<std::uint64_t> offset, std::uint64_t size, bool skipped)
      : path_(path), fd_(fd), offset_(offset), size_(size), skipped_(skipped) {}
  void write(std::span<const std::byte> bytes) override {
    if (skipped_) return;  // a tensor the format has no place for (a warning says so)
    if (bytes.size() > size_ - written_) throw fileError(path_, "more bytes than the tensor holds");
    writeAt(path_, fd_, bytes, *offset_ + written_);
    written_ += bytes.size();
  }
  std::optional<FileExtent> extent() const override {
    if (!offset_ || skipped_) return std::nullopt;
    return FileExtent{fd_, *offset_, std::nullopt};
  }

 private:
  std::filesystem::path path_;
  int fd_;
  std::optional<std::uint64_t> offset_;
  std::uint64_t size_;
  bool skipped_;
  std::uint64_t written_ = 0;
};

std::pair<std::string, std::string> splitFirst(const std::string& key) {
  const auto slash = key.find('/');
  if (slash == std::string::npos) return {key, {}};
  return {key.substr(0, slash), key.substr(slash + 1)};
}

// Space for the whole result, reserved before HDF5 writes anything that could fail: a
// failed flush inside libhdf5 1.10 leaves a dangling file id that crashes at exit, so a
// full disk must be found here. Generous for metadata; HDF5 truncates the rest at close.
void reserveSpace(int fd, const OutputLayout& layout, const std::filesystem::path& file) {
  std::uint64_t bytes = 1u << 20;
  for (const auto& t : layout.tensors) bytes += t.byteSize + 4096 + 4 * t.key.size();
  for (const auto& l : layout.layers) bytes += 1024 + 4 * l.size();
  if (::fallocate(fd, 0, 0, static_cast<off_t>(bytes)) != 0 && errno != EOPNOTSUPP)
    throw fileError(file, "not enough space for the result (" + std::to_string(bytes >> 20) + " MiB needed): " +
                              std::strerror(errno));
}

}  // namespace

Keras2H5Writer::Keras2H5Writer() = default;

Keras2H5Writer::~Keras2H5Writer() {
  if (fd_ >= 0) ::close(fd_);
}

void Keras2H5Writer::create(const std::filesystem::path& file, const OutputLayout& layout) {
  path_ = file;
  const bool sameFormat = layout.model && layout.model->formatId() == "keras2-h5";
  const CheckpointMetadata empty;
  // A checkpoint of another format that declares a Keras 2 layout (one built in memory) is
  // written with its attributes, as a fresh file: encodings default unless it names them.
  const bool declaresKeras2 = layout.model && layout.model->formatAttributes().has("layout");
  const CheckpointMetadata& attrs = sameFormat || declaresKeras2 ? layout.model->formatAttributes() : empty;
  const bool fullModel = attrs.get("layout") == "model";
  // A Keras 1 file has no keras_version and must not get one: Keras converts Keras 1
  // weights only when the attribute is absent. Fresh files get current values.
  const std::optional<std::string> version =
      attrs.has("keras_version") ? std::optional(attrs.get("keras_version")) : sameFormat ? std::nullopt : std::optional<std::string>("2.15.0");
  const std::optional<std::string> backend =
      attrs.has("backend") ? std::optional(attrs.get("backend")) : sameFormat ? std::nullopt : std::optional<std::string>("tensorflow");
  auto encoding = [&](const std::string& key, hdf5::StringEncoding fallback) {
    return hdf5::stringEncodingFromName(attrs.get("encoding:" + key)).value_or(fallback);
  };
  const auto vlenAscii = hdf5::StringEncoding::VariableAscii;
  // A rewrite keeps attributes where the original had them (root and/or model_weights).
  auto had = [&](const std::string& key) { return !sameFormat || attrs.has("encoding:" + key); };
  // The model's own weights live beside the layers but are not one of them (§3.1).
  const std::string topLevel = "top_level_model_weights";
  std::vector<std::string> layerNames;
  for (const auto& name : layout.layers)
    if (name != topLevel) layerNames.push_back(name);
  std::vector<std::string> groups = layout.layers;
  if (attrs.has(topLevel) && std::find(groups.begin(), groups.end(), topLevel) == groups.end()) groups.push_back(topLevel);

  // Which weight names each layer lists, in order; optimizer names apart.
  std::map<std::string, std::vector<std::string>> weightNames;
  std::vector<std::string> optimizerNames;
  for (const auto& t : layout.tensors) {
    auto [first, rest] = splitFirst(t.key);
    if (t.role == NodeRole::Optimizer && first == "optimizer_weights") {
      optimizerNames.push_back(rest);
    } else {
      if (rest.empty()) throw fileError(file, "tensor '" + t.key + "' is not inside a layer");
      weightNames[first].push_back(rest);
    }
  }
  for (const auto& [layer, names] : weightNames)
    if (std::find(layout.layers.begin(), layout.layers.end(), layer) == layout.layers.end() && layer != "top_level_model_weights")
      throw fileError(file, "tensor of layer '" + layer + "' but no such layer in the layout");
  if (!fullModel && !optimizerNames.empty()) {
    warnings_.push_back("optimizer state dropped: a weights-only Keras file has no place for it");
    optimizerNames.clear();
  }

  auto l = hdf5::lock();
  Id fapl = hdf5::plistId(H5Pcreate(H5P_FILE_ACCESS));
  // Tensor data on page boundaries: kernel-side copies into the file then move whole pages.
  H5Pset_alignment(fapl.get(), 64 * 1024, 4096);
  file_ = hdf5::fileId(H5Fcreate(file.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl.get()));
  if (!file_) throw fileError(file, "cannot create HDF5 file: " + hdf5::takeErrorMessage());
  fd_ = ::open(file.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd_ < 0) throw fileError(file, std::string("cannot open for writing: ") + std::strerror(errno));
  reserveSpace(fd_, layout, file);
  try {
    Id modelWeights;
    hid_t weights = file_.get();
    if (fullModel) {
      if (version && had("keras_version"))
        writeScalarString(file_.get(), "keras_version", *version, encoding("keras_version", hdf5::StringEncoding::VariableUtf8));
      if (backend && had("backend"))
        writeScalarString(file_.get(), "backend", *backend, encoding("backend", hdf5::StringEncoding::VariableUtf8));
      if (attrs.has("model_config")) {
        if (layout.keepModelConfig)
          writeScalarString(file_.get(), "model_config", attrs.get("model_config"), encoding("model_config", vlenAscii));
        else
          warnings_.push_back("model_config dropped: the result's layers or shapes differ from the target model "
                              "(rebuild the model in Keras and use load_weights)");
      }
      if (attrs.has("training_config"))
        writeScalarString(file_.get(), "training_config", attrs.get("training_config"), encoding("training_config", vlenAscii));
      modelWeights = hdf5::groupId(H5Gcreate2(file_.get(), "model_weights", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
      if (!modelWeights) throw Error("cannot create model_weights: " + hdf5::takeErrorMessage());
      weights = modelWeights.get();
    }
    const auto namesEncoding = encoding("layer_names", vlenAscii);
    const auto weightNamesEncoding = encoding("weight_names", vlenAscii);
    writeNameList(weights, "layer_names", layerNames, namesEncoding);
    if (backend && had("weights/backend")) writeScalarString(weights, "backend", *backend, encoding("weights/backend", vlenAscii));
    if (version && had("weights/keras_version"))
      writeScalarString(weights, "keras_version", *version, encoding("weights/keras_version", vlenAscii));

    // Groups in sorted order, like h5py under Keras (order is irrelevant to loading).
    std::vector<std::string> sortedLayers = groups;
    std::sort(sortedLayers.begin(), sortedLayers.end());
    for (const auto& layer : sortedLayers) {
      Id g = hdf5::groupId(H5Gcreate2(weights, layer.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
      if (!g) throw Error("cannot create layer group '" + layer + "': " + hdf5::takeErrorMessage());
      auto it = weightNames.find(layer);
      writeNameList(g.get(), "weight_names", it == weightNames.end() ? std::vector<std::string>{} : it->second, weightNamesEncoding);
    }
    if (!optimizerNames.empty()) {
      Id g = hdf5::groupId(H5Gcreate2(file_.get(), "optimizer_weights", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
      if (!g) throw Error("cannot create optimizer_weights: " + hdf5::takeErrorMessage());
      writeNameList(g.get(), "weight_names", optimizerNames, weightNamesEncoding);
    }

    Id lcpl = hdf5::plistId(H5Pcreate(H5P_LINK_CREATE));
    H5Pset_create_intermediate_group(lcpl.get(), 1);
    Id dcpl = hdf5::plistId(H5Pcreate(H5P_DATASET_CREATE));
    H5Pset_layout(dcpl.get(), H5D_CONTIGUOUS);
    // Space reserved now and never filled by HDF5: the bytes are written straight to the file.
    H5Pset_alloc_time(dcpl.get(), H5D_ALLOC_TIME_EARLY);
    H5Pset_fill_time(dcpl.get(), H5D_FILL_TIME_NEVER);
    offsets_.clear();
    sizes_.clear();
    skipped_.clear();
    for (const auto& t : layout.tensors) {
      if (t.role == NodeRole::Optimizer && !fullModel && splitFirst(t.key).first == "optimizer_weights") {
        offsets_.emplace_back();
        sizes_.push_back(0);
        skipped_.push_back(true);
        continue;
      }
      Id type = fileTypeFor(t.dtype);
      std::vector<hsize_t> dims(t.shape.dims().begin(), t.shape.dims().end());
      Id space = hdf5::spaceId(dims.empty() ? H5Screate(H5S_SCALAR) : H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr));
      const std::string path = t.role == NodeRole::Optimizer ? "/" + t.key : (fullModel ? "/model_weights/" : "/") + t.key;
      Id ds = hdf5::datasetId(H5Dcreate2(file_.get(), path.c_str(), type.get(), space.get(), lcpl.get(), dcpl.get(), H5P_DEFAULT));
      if (!ds) throw Error("cannot create dataset '" + t.key + "': " + hdf5::takeErrorMessage());
      const haddr_t addr = H5Dget_offset(ds.get());
      if (addr == HADDR_UNDEF) {
        hdf5::takeErrorMessage();
        if (t.byteSize != 0) throw Error("no storage was allocated for '" + t.key + "'");
        offsets_.emplace_back();
      } else {
        offsets_.emplace_back(addr);
      }
      sizes_.push_back(t.byteSize);
      skipped_.push_back(false);
    }
    check(H5Fflush(file_.get(), H5F_SCOPE_GLOBAL), "cannot write file structure");
  } catch (const Error& e) {
    throw fileError(file, e.what());
  }
}

std::unique_ptr<TensorSink> Keras2H5Writer::tensor(std::size_t index) {
  return std::make_unique<RawSink>(path_, fd_, offsets_.at(index), sizes_.at(index), skipped_.at(index));
}

void Keras2H5Writer::finish() {
  if (fd_ >= 0) {
    const int rc = ::close(fd_);
    fd_ = -1;
    if (rc != 0) throw fileError(path_, std::string("write failed: ") + std::strerror(errno));
  }
  auto l = hdf5::lock();
  if (file_) {
    // libhdf5 trims a file to its end only when its own writes stopped short of it, so the
    // space reserved in create() can outlive the close; the end is known before it.
    haddr_t end = HADDR_UNDEF;
    if (H5Fflush(file_.get(), H5F_SCOPE_GLOBAL) < 0 || H5Fget_eoa(file_.get(), &end) < 0) end = HADDR_UNDEF;
    const herr_t rc = H5Fclose(file_.release());
    if (rc < 0) throw fileError(path_, "cannot complete the HDF5 file: " + hdf5::takeErrorMessage());
    std::error_code ec;
    if (end != HADDR_UNDEF && std::filesystem::file_size(path_, ec) > end && !ec) std::filesystem::resize_file(path_, end, ec);
    if (ec) throw fileError(path_, "cannot release the space reserved for writing: " + ec.message());
  }
}

}  // namespace graft
