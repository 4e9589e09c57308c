#include "formats/keras2_h5_writer.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>

#include "checkpoint/tree_builder.h"
#include "io/error.h"
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

std::pair<std::string, std::string> splitFirst(const std::string& key) {
  const auto slash = key.find('/');
  if (slash == std::string::npos) return {key, {}};
  return {key.substr(0, slash), key.substr(slash + 1)};
}

// Generous for metadata; the writer gives back what HDF5 did not use.
std::uint64_t reserveFor(const OutputLayout& layout) {
  std::uint64_t bytes = 1u << 20;
  for (const auto& t : layout.tensors) bytes += t.byteSize + 4096 + 4 * t.key.size();
  for (const auto& l : layout.layers) bytes += 1024 + 4 * l.size();
  return bytes;
}

}  // namespace

Keras2H5Writer::Keras2H5Writer() = default;

Keras2H5Writer::~Keras2H5Writer() = default;

void Keras2H5Writer::create(const std::filesystem::path& file, const OutputLayout& layout) {
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

  file_.create(file, reserveFor(layout));
  auto l = hdf5::lock();
  try {
    Id modelWeights;
    hid_t weights = file_.id();
    if (fullModel) {
      if (version && had("keras_version"))
        writeScalarString(file_.id(), "keras_version", *version, encoding("keras_version", hdf5::StringEncoding::VariableUtf8));
      if (backend && had("backend"))
        writeScalarString(file_.id(), "backend", *backend, encoding("backend", hdf5::StringEncoding::VariableUtf8));
      if (attrs.has("model_config")) {
        if (layout.keepModelConfig)
          writeScalarString(file_.id(), "model_config", attrs.get("model_config"), encoding("model_config", vlenAscii));
        else
          warnings_.push_back("model_config dropped: the result's layers or shapes differ from the target model "
                              "(rebuild the model in Keras and use load_weights)");
      }
      if (attrs.has("training_config"))
        writeScalarString(file_.id(), "training_config", attrs.get("training_config"), encoding("training_config", vlenAscii));
      modelWeights = hdf5::groupId(H5Gcreate2(file_.id(), "model_weights", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
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
      Id g = hdf5::groupId(H5Gcreate2(file_.id(), "optimizer_weights", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
      if (!g) throw Error("cannot create optimizer_weights: " + hdf5::takeErrorMessage());
      writeNameList(g.get(), "weight_names", optimizerNames, weightNamesEncoding);
    }

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
      const Id type = hdf5::h5pyFileType(t.dtype, "Keras 2");
      const std::string path = t.role == NodeRole::Optimizer ? "/" + t.key : (fullModel ? "/model_weights/" : "/") + t.key;
      offsets_.push_back(file_.addDataset(path, type.get(), t.shape, t.byteSize));
      sizes_.push_back(t.byteSize);
      skipped_.push_back(false);
    }
    file_.flush();
  } catch (const Error& e) {
    throw fileError(file, e.what());
  }
}

std::unique_ptr<TensorSink> Keras2H5Writer::tensor(std::size_t index) {
  return file_.sink(offsets_.at(index), sizes_.at(index), skipped_.at(index));
}

void Keras2H5Writer::finish() { file_.finish(); }

}  // namespace graft
