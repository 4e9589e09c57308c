#include "formats/keras2_h5_format.h"

#include <nlohmann/json.hpp>

#include <unordered_set>

#include "checkpoint/tree_builder.h"
#include "formats/keras2_h5_writer.h"
#include "io/error.h"
#include "io/hdf5/hdf5_attributes.h"
#include "io/hdf5/hdf5_dataset.h"
#include "io/hdf5/hdf5_walk.h"

namespace graft {
namespace {

using hdf5::Id;

// Where the weights live: the file root for save_weights files, /model_weights for
// model.save files (§3.1, §3.2). Empty optional if neither holds a layer list.
std::optional<std::string> findWeightsRoot(hid_t file) {
  auto hasLayerNames = [](hid_t g) {
    return hdf5::hasAttribute(g, "layer_names") || hdf5::hasAttribute(g, "layer_names0");
  };
  auto l = hdf5::lock();
  if (hasLayerNames(file)) return std::string("/");
  if (hdf5::isGroup(file, "model_weights")) {
    Id g = hdf5::groupId(H5Gopen2(file, "model_weights", H5P_DEFAULT));
    if (g && hasLayerNames(g.get())) return std::string("/model_weights/");
  }
  return std::nullopt;
}

// Layer name -> class name from model_config, including layers of nested models.
void collectLayerClasses(const nlohmann::json& j, std::unordered_map<std::string, std::string>& out, int depth = 0) {
  if (depth > 64) return;  // hostile nesting
  if (j.is_array()) {
    for (const auto& e : j) collectLayerClasses(e, out, depth + 1);
    return;
  }
  if (!j.is_object()) return;
  const auto cls = j.find("class_name");
  const auto cfg = j.find("config");
  if (cls != j.end() && cls->is_string() && cfg != j.end() && cfg->is_object()) {
    const auto name = cfg->find("name");
    if (name != cfg->end() && name->is_string()) out.emplace(name->get<std::string>(), cls->get<std::string>());
  }
  for (const auto& [k, v] : j.items())
    if (v.is_structured()) collectLayerClasses(v, out, depth + 1);
}

class Keras2Reader {
 public:
  // Runs fn, prefixing any error with the file and where in it the problem is.
  template <typename Fn>
  auto guard(const std::string& where, Fn&& fn) {
    try {
      return fn();
    } catch (const Error& e) {
      throw fileError(path_, where + ": " + e.what());
    }
  }

  Keras2Reader(const std::filesystem::path& path, std::shared_ptr<hdf5::OpenFile> file)
      : path_(path), file_(file ? std::move(file) : std::make_shared<hdf5::OpenFile>(path)) {}

  std::unique_ptr<Checkpoint> read() {
    const auto root = guard("cannot look for the weights", [&] { return findWeightsRoot(file_->id()); });
    if (!root)
      throw fileError(path_, "HDF5 file is not a Keras 2 checkpoint: no layer_names attribute at the root or in model_weights");
    weightsRoot_ = *root;
    const bool fullModel = weightsRoot_ != "/";

    auto l = hdf5::lock();
    Id weights = hdf5::groupId(H5Gopen2(file_->id(), weightsRoot_.c_str(), H5P_DEFAULT));
    if (!weights) throw fileError(path_, "cannot open " + weightsRoot_ + ": " + hdf5::takeErrorMessage());
    readMetadata(weights.get(), fullModel);

    const auto layerNames = guard("layer_names", [&] { return hdf5::readChunkedStringList(weights.get(), "layer_names"); });
    std::unordered_set<std::string> seenLayers;
    for (const auto& layer : layerNames.value_or(std::vector<std::string>{})) {
      if (!seenLayers.insert(layer).second) continue;  // a repeated name adds nothing
      readLayer(weights.get(), layer, true);
    }
    // Newer tf-keras writes the model's own weights as a pseudo-layer (§3.1).
    if (!seenLayers.count("top_level_model_weights") && hdf5::isGroup(weights.get(), "top_level_model_weights")) {
      formats_.set("top_level_model_weights", "present");  // kept by a rewrite even when empty
      readLayer(weights.get(), "top_level_model_weights", false);
    }
    if (fullModel && hdf5::isGroup(file_->id(), "optimizer_weights")) readOptimizer();

    auto checkpoint = std::make_unique<Checkpoint>(
        "keras2-h5", path_, builder_.take(), std::make_shared<hdf5::DatasetStorage>(file_, std::move(datasetByKey_)));
    checkpoint->metadata() = std::move(metadata_);
    checkpoint->formatAttributes() = std::move(formats_);
    checkpoint->setFramework(framework_);
    return checkpoint;
  }

 private:
  void readMetadata(hid_t weights, bool fullModel) {
    auto attr = [&](const std::string& name) -> std::optional<std::string> {
      return guard(name, [&] {
        auto v = hdf5::readStringAttribute(file_->id(), name);
        return v ? v : hdf5::readStringAttribute(weights, name);
      });
    };
    const auto version = attr("keras_version");
    const auto backend = attr("backend");
    formats_.set("layout", fullModel ? "model" : "weights");
    if (version) formats_.set("keras_version", *version);
    if (backend) formats_.set("backend", *backend);
    recordEncodings(weights, fullModel);
    metadata_.set("layout", fullModel ? "model.save (model_weights + model_config)" : "save_weights (weights only)");
    // A file without keras_version was written by Keras 1 (§3.3).
    metadata_.set("keras_version", version.value_or("1 (not recorded)"));
    framework_ = "Keras " + (version ? *version : std::string("1"));
    if (backend) metadata_.set("backend", *backend);
    const auto config = fullModel ? attr("model_config") : std::nullopt;
    metadata_.set("model_config", config ? "present" : "absent");
    if (fullModel) metadata_.set("training_config", hdf5::hasAttribute(file_->id(), "training_config") ? "present" : "absent");
    if (config) formats_.set("model_config", *config);
    if (fullModel)
      if (auto training = attr("training_config")) formats_.set("training_config", *training);
    if (config) {
      const auto json = nlohmann::json::parse(*config, nullptr, false);
      if (json.is_discarded()) {
        metadata_.set("model_config", "present but not valid JSON");
      } else {
        collectLayerClasses(json, layerClasses_);
        if (json.contains("class_name") && json["class_name"].is_string())
          metadata_.set("model_class", json["class_name"].get<std::string>());
      }
    }
  }

  // A rewrite of this file stores its strings the way it found them (fixed-length or
  // variable-length, ASCII or UTF-8), so tools such as h5diff see the same attributes.
  void recordEncodings(hid_t weights, bool fullModel) {
    auto record = [&](const std::string& key, hid_t obj, const std::string& attr) {
      if (auto e = hdf5::stringEncoding(obj, attr)) formats_.set("encoding:" + key, std::string(hdf5::stringEncodingName(*e)));
    };
    if (fullModel)
      for (const char* a : {"keras_version", "backend", "model_config", "training_config"}) record(a, file_->id(), a);
    record("weights/keras_version", weights, "keras_version");
    record("weights/backend", weights, "backend");
    record("layer_names", weights, hdf5::hasAttribute(weights, "layer_names") ? "layer_names" : "layer_names0");
  }

  void readLayer(hid_t weights, const std::string& layer, bool listed) {
    Id group = hdf5::groupId(H5Gopen2(weights, layer.c_str(), H5P_DEFAULT));
    if (!group)
      throw fileError(path_, "layer '" + layer + "' is named in layer_names but has no group: " + hdf5::takeErrorMessage());
    const auto names = guard("layer '" + layer + "'", [&] { return hdf5::readChunkedStringList(group.get(), "weight_names"); });
    const auto& weightNames = names.value_or(std::vector<std::string>{});
    if (!weightNames.empty() && !formats_.has("encoding:weight_names"))
      if (auto e = hdf5::stringEncoding(group.get(), hdf5::hasAttribute(group.get(), "weight_names") ? "weight_names" : "weight_names0"))
        formats_.set("encoding:weight_names", std::string(hdf5::stringEncodingName(*e)));
    if (!listed && weightNames.empty()) return;
    Node& node = builder_.child(builder_.root(), layer, NodeKind::Layer, NodeRole::Weights);
    if (const auto it = layerClasses_.find(layer); it != layerClasses_.end()) node.setLayerClass(it->second);
    for (const auto& weight : weightNames) {
      // tf.keras repeats the layer name inside the group ("dense/kernel:0" under "dense"); the
      // tree shows it once. Wrappers and nested models keep their inner levels.
      auto parts = splitPath(weight);
      if (parts.size() > 1 && parts.front() == layer) parts.erase(parts.begin());
      addVariable(node, group.get(), weight, layer + "/" + weight, std::move(parts), NodeRole::Weights);
    }
  }

  void readOptimizer() {
    Id group = hdf5::groupId(H5Gopen2(file_->id(), "optimizer_weights", H5P_DEFAULT));
    if (!group) throw fileError(path_, "cannot open optimizer_weights: " + hdf5::takeErrorMessage());
    auto names = guard("optimizer_weights", [&] { return hdf5::readChunkedStringList(group.get(), "weight_names"); });
    if (!names) names = datasetsBelow(group.get());
    if (names->empty()) return;
    Node& node = builder_.child(builder_.root(), "optimizer_weights", NodeKind::Group, NodeRole::Optimizer);
    for (const auto& weight : *names)
      addVariable(node, group.get(), weight, "optimizer_weights/" + weight, splitPath(weight), NodeRole::Optimizer);
  }

  // Relative paths of every dataset below a group, for an optimizer group without weight_names.
  std::vector<std::string> datasetsBelow(hid_t group) {
    std::vector<std::string> out;
    try {
      for (auto& object : hdf5::walkObjects(group, {1'000'000}))
        if (object.type == H5O_TYPE_DATASET) out.push_back(std::move(object.path));
    } catch (const Error& e) {
      throw fileError(path_, std::string("cannot walk optimizer_weights: ") + e.what());
    }
    return out;
  }

  // `group` is the open group the weight name is relative to: opening from there saves HDF5
  // a path traversal from the root for every tensor.
  void addVariable(Node& under, hid_t group, const std::string& weight, const std::string& key,
                   std::vector<std::string> parts, NodeRole role) {
    if (parts.empty()) throw fileError(path_, "empty weight name in '" + key + "'");
    if (datasetByKey_.count(key)) return;  // shared variables are listed twice; the dataset is one
    const std::string datasetPath = (role == NodeRole::Optimizer ? "/" : weightsRoot_) + key;
    TensorInfo info = guard("weight '" + key + "'", [&] { return hdf5::describeDataset(group, weight, key); });
    const std::string leaf = parts.back();
    parts.pop_back();
    Node& parent = builder_.groups(under, parts, role);
    guard("weight '" + key + "'", [&] { return &builder_.variable(parent, leaf, std::move(info), role); });
    datasetByKey_.emplace(key, datasetPath);
  }

  std::filesystem::path path_;
  std::shared_ptr<hdf5::OpenFile> file_;
  std::string weightsRoot_;
  TreeBuilder builder_;
  CheckpointMetadata metadata_;
  CheckpointMetadata formats_;
  std::string framework_;
  std::unordered_map<std::string, std::string> layerClasses_;
  std::unordered_map<std::string, std::string> datasetByKey_;
};

}  // namespace

SniffResult Keras2H5Format::sniff(const FileProbe& probe) const {
  if (!probe.looksLikeHdf5()) return {};
  try {
    auto file = std::make_shared<hdf5::OpenFile>(probe.path());
    if (findWeightsRoot(file->id())) {
      probe.setCached(std::move(file));
      return {100, {}};
    }
    return {0, "an HDF5 file without Keras weights: no layer_names attribute at the root or in model_weights"};
  } catch (const Error& e) {
    // The signature is there but HDF5 cannot open it: claim it so open() reports why.
    return {10, e.what()};
  }
}

std::unique_ptr<Checkpoint> Keras2H5Format::open(const std::filesystem::path& path) const {
  return Keras2Reader(path, nullptr).read();
}

std::unique_ptr<Checkpoint> Keras2H5Format::open(const FileProbe& probe) const {
  return Keras2Reader(probe.path(), probe.cached<hdf5::OpenFile>()).read();
}

}  // namespace graft

namespace graft {
std::unique_ptr<CheckpointWriter> Keras2H5Format::createWriter() const { return std::make_unique<Keras2H5Writer>(); }
std::optional<std::string> Keras2H5Format::keyForForeignPath(const std::string& path) const {
  std::vector<std::string> parts = splitPath(joinedWithoutOutputIndex(path, '/'));
  if (parts.size() < 2) return std::nullopt;  // a variable outside any layer has no Keras 2 place
  const std::string layer = parts.front();
  if (parts.size() == 2 || parts[1] != layer) parts.insert(parts.begin() + 1, layer);
  return joinPath(parts, '/') + ":0";
}

}  // namespace graft
