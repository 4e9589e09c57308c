#include "formats/keras3_weights_format.h"

#include <algorithm>
#include <map>
#include <cstddef>
#include <optional>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "checkpoint/tree_builder.h"
#include "formats/keras3_weights_writer.h"
#include "io/error.h"
#include "io/hdf5/hdf5_attributes.h"
#include "io/hdf5/hdf5_dataset.h"
#include "io/hdf5/hdf5_walk.h"

namespace graft {
namespace {

using hdf5::Id;

// More objects than any real model has: a hostile file stops the walk here.
constexpr std::size_t kMaxObjects = 10'000'000;

// Keras 2 files carry `layer_names` at the root or in /model_weights (§3.1, §3.2).
bool isKeras2(hid_t file) {
  auto hasLayerNames = [](hid_t g) {
    return hdf5::hasAttribute(g, "layer_names") || hdf5::hasAttribute(g, "layer_names0");
  };
  auto l = hdf5::lock();
  if (hasLayerNames(file)) return true;
  if (hdf5::isGroup(file, "model_weights")) {
    Id g = hdf5::groupId(H5Gopen2(file, "model_weights", H5P_DEFAULT));
    if (g && hasLayerNames(g.get())) return true;
  }
  return false;
}

// Keras 3 (and the Keras 2.13–2.15 early version of the format, §4.1) writes the model's
// layers as a container group and the model's own variables in a top-level `vars` group.
bool hasKeras3Root(hid_t file) {
  auto l = hdf5::lock();
  return hdf5::isGroup(file, "layers") || hdf5::isGroup(file, "vars") ||
         hdf5::isGroup(file, "_layer_checkpoint_dependencies");
}

// Why a readable HDF5 file is not a Keras 3 weights file, or "" if it is one.
std::string notKeras3Reason(hid_t file) {
  if (isKeras2(file)) return "a Keras 2 HDF5 file (layer_names attribute), not Keras 3 weights";
  if (!hasKeras3Root(file)) return "an HDF5 file without Keras 3 weights: no layers or vars group at the root";
  return {};
}

bool isDigit(char c) { return c >= '0' && c <= '9'; }

// Natural order: digit runs compare by value, so 2 < 10 and dense_2 < dense_10 (§4.5: the
// variables of a vars group are 0, 1, 2, ... in numeric order, not HDF5's name order).
int naturalCompare(std::string_view a, std::string_view b) {
  std::size_t i = 0;
  std::size_t j = 0;
  while (i < a.size() && j < b.size()) {
    if (isDigit(a[i]) && isDigit(b[j])) {
      std::size_t ie = i;
      std::size_t je = j;
      while (ie < a.size() && isDigit(a[ie])) ++ie;
      while (je < b.size() && isDigit(b[je])) ++je;
      std::size_t is = i;
      std::size_t js = j;
      while (is + 1 < ie && a[is] == '0') ++is;  // leading zeros do not change the value
      while (js + 1 < je && b[js] == '0') ++js;
      if (ie - is != je - js) return ie - is < je - js ? -1 : 1;
      if (const int c = a.substr(is, ie - is).compare(b.substr(js, je - js)); c != 0) return c < 0 ? -1 : 1;
      if (ie - i != je - j) return ie - i < je - j ? -1 : 1;  // "01" after "1"
      i = ie;
      j = je;
      continue;
    }
    if (a[i] != b[j]) return static_cast<unsigned char>(a[i]) < static_cast<unsigned char>(b[j]) ? -1 : 1;
    ++i;
    ++j;
  }
  if (i < a.size()) return 1;
  if (j < b.size()) return -1;
  return 0;
}

bool startsWith(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

// Top-level groups that hold the model's layers; the tree shows their children at its top.
bool isLayersContainer(std::string_view top) { return top == "layers" || top == "_layer_checkpoint_dependencies"; }

NodeRole roleOf(std::string_view top) {
  if (top == "optimizer") return NodeRole::Optimizer;
  for (std::string_view p : {"metric", "_metric", "compile_metric", "compile_loss", "loss", "_loss"})
    if (startsWith(top, p)) return NodeRole::Bookkeeping;
  return NodeRole::Weights;
}

// Layers first, then the model's own variables, other attributes, bookkeeping, optimizer.
int rankOf(std::string_view top) {
  if (isLayersContainer(top)) return 0;
  if (top == "vars") return 1;
  switch (roleOf(top)) {
    case NodeRole::Weights: return 2;
    case NodeRole::Bookkeeping: return 3;
    case NodeRole::Optimizer: return 4;
  }
  return 2;
}

// One thing the tree shows: a dataset (a variable), or a vars group (its owner, so that
// layers without variables appear too; `dataset` is then empty).
struct Entry {
  std::string top;                 // first path component: "layers", "vars", "optimizer", ...
  std::vector<std::string> owner;  // HDF5 path components of the object owning the variable
  std::string dataset;             // dataset name inside its group; "" for a vars group
  std::string key;                 // full HDF5 path from the root, without the leading '/'
};

bool entryLess(const Entry& a, const Entry& b) {
  if (const int ra = rankOf(a.top), rb = rankOf(b.top); ra != rb) return ra < rb;
  const std::size_t n = std::min(a.owner.size(), b.owner.size());
  for (std::size_t k = 0; k < n; ++k)
    if (const int c = naturalCompare(a.owner[k], b.owner[k]); c != 0) return c < 0;
  if (a.owner.size() != b.owner.size()) return a.owner.size() < b.owner.size();
  if (const int c = naturalCompare(a.dataset, b.dataset); c != 0) return c < 0;
  return a.key < b.key;
}

std::string joinPath(const std::vector<std::string>& parts, std::size_t count) {
  std::string out;
  for (std::size_t k = 0; k < count; ++k) out += (k ? "/" : "") + parts[k];
  return out;
}

class Keras3Reader {
 public:
  Keras3Reader(const std::filesystem::path& path, std::shared_ptr<hdf5::OpenFile> file, std::string formatId = "keras3-weights-h5",
               LayerClasses layerClasses = {})
      : path_(path),
        file_(file ? std::move(file) : std::make_shared<hdf5::OpenFile>(path)),
        formatId_(std::move(formatId)),
        layerClasses_(std::move(layerClasses)) {}

  std::unique_ptr<Checkpoint> read() {
    std::string why;
    try {
      why = notKeras3Reason(file_->id());
    } catch (const Error& e) {
      throw fileError(path_, std::string("cannot look for the weights: ") + e.what());
    }
    if (!why.empty()) throw fileError(path_, "not a Keras 3 weights file: " + why);
    auto l = hdf5::lock();
    collect();
    std::sort(entries_.begin(), entries_.end(), entryLess);
    build();

    metadata_.set("layout", "Keras 3 save_weights");
    metadata_.set("keras_version", "3.x (not recorded in the file)");
    metadata_.set("layers", std::to_string(layers_));
    metadata_.set("variables", std::to_string(variables_));
    metadata_.set("optimizer variables", std::to_string(optimizerVariables_));
    if (bookkeepingVariables_) metadata_.set("bookkeeping variables", std::to_string(bookkeepingVariables_));
    metadata_.set("vars groups with a name attribute", std::to_string(namedVarsGroups_));
    formats_.set("layout", "weights");
    for (auto& [owner, name] : namesByOwner_) formats_.append("name:" + owner, std::move(name));

    auto checkpoint = std::make_unique<Checkpoint>(
        formatId_, path_, builder_.take(),
        std::make_shared<hdf5::DatasetStorage>(file_, std::move(datasetByKey_)));
    checkpoint->metadata() = std::move(metadata_);
    checkpoint->formatAttributes() = std::move(formats_);
    checkpoint->setFramework("Keras 3");
    return checkpoint;
  }

 private:
  // Every dataset and every group named `vars` in the file, by path from the root.
  void collect() {
    std::vector<hdf5::WalkedObject> objects;
    try {
      objects = hdf5::walkObjects(file_->id(), {kMaxObjects});
    } catch (const Error& e) {
      throw fileError(path_, std::string("cannot walk the HDF5 file: ") + e.what());
    }
    for (auto& [name, type] : objects) {
      // Keras 2.13–2.15 on Windows joined group names with backslashes (layers\lstm\cell/vars/0):
      // the key keeps them, the tree splits there too.
      std::vector<std::string> parts;
      for (auto& part : splitPath(name))
        for (auto& piece : splitPath(part, '\\')) parts.push_back(std::move(piece));
      if (parts.empty()) continue;  // the root itself
      std::string top = parts.front();
      if (type == H5O_TYPE_GROUP) {
        if (parts.back() != "vars") continue;
        parts.pop_back();
        readVarsName(name, parts);
        owners_.insert(joinPath(parts, parts.size()));
        entries_.push_back({std::move(top), std::move(parts), {}, std::move(name)});
      } else {
        std::string leaf = std::move(parts.back());
        parts.pop_back();
        if (!parts.empty() && parts.back() == "vars") parts.pop_back();
        entries_.push_back({std::move(top), std::move(parts), std::move(leaf), std::move(name)});
      }
    }
  }

  // Keras ≥ 3.6 names the object on its vars group; Keras never reads it (§4.1). It is the
  // layer's own name (dense_78), not its class: the window shows it, paths keep the key, and
  // it is kept as a file attribute for a rewrite.
  void readVarsName(const std::string& varsPath, const std::vector<std::string>& owner) {
    Id g = hdf5::groupId(H5Gopen2(file_->id(), varsPath.c_str(), H5P_DEFAULT));
    if (!g) {
      hdf5::takeErrorMessage();
      return;
    }
    std::optional<std::string> name;
    try {
      name = hdf5::readStringAttribute(g.get(), "name");
    } catch (const Error&) {
      return;  // not a string: not Keras' name attribute
    }
    if (!name) return;
    ++namedVarsGroups_;
    namesByOwner_.emplace(joinPath(owner, owner.size()), *name);
  }

  // The node of the object whose HDF5 path is `owner`: the `layers/` level is dropped, objects
  // that own a vars group are layers, other levels (containers, attributes) groups.
  Node& ownerNode(const std::vector<std::string>& owner, NodeRole role) {
    if (owner.empty()) return builder_.root();
    Node* node = &builder_.root();
    std::size_t first = 0;
    if (isLayersContainer(owner.front()) && owner.size() > 1) first = 1;
    for (std::size_t k = first; k < owner.size(); ++k) {
      const bool ownsVars = owners_.count(joinPath(owner, k + 1)) > 0;
      const bool layer = ownsVars && role == NodeRole::Weights;
      node = &builder_.child(*node, owner[k], layer ? NodeKind::Layer : NodeKind::Group, role);
      if (ownsVars && node->displayName() == node->name())
        if (const auto it = namesByOwner_.find(joinPath(owner, k + 1)); it != namesByOwner_.end() && it->second != owner[k])
          node->setDisplayName(it->second);
      if (k == first && first == 1 && node->layerClass().empty())
        if (const auto it = layerClasses_.find(owner[k]); it != layerClasses_.end()) node->setLayerClass(it->second);
    }
    return *node;
  }

  void build() {
    std::unordered_set<const Node*> countedLayers;
    for (auto& e : entries_) {
      const std::string_view top = e.top;
      const NodeRole role = roleOf(top);
      if (e.dataset.empty()) {
        // A vars group: its owner appears even without variables (weightless layers), except
        // the model's own and the optimizer's or a metric's.
        if (e.owner.empty() || role != NodeRole::Weights) continue;
        const Node& n = ownerNode(e.owner, role);
        if (countedLayers.insert(&n).second) ++layers_;
        continue;
      }
      // The model's own variables (top-level `vars`) get a node of that name.
      const bool modelOwn = e.owner.empty() && e.top == "vars";
      Node& parent = modelOwn ? builder_.child(builder_.root(), "vars", NodeKind::Group, role) : ownerNode(e.owner, role);
      const std::string datasetPath = "/" + e.key;
      TensorInfo info = [&] {
        try {
          return hdf5::describeDataset(file_->id(), datasetPath, e.key);
        } catch (const Error& err) {
          throw fileError(path_, "dataset '" + e.key + "': " + err.what());
        }
      }();
      try {
        builder_.variable(parent, e.dataset, std::move(info), role);
      } catch (const Error& err) {
        throw fileError(path_, "dataset '" + e.key + "': " + err.what());
      }
      datasetByKey_.emplace(e.key, datasetPath);
      ++variables_;
      if (role == NodeRole::Optimizer) ++optimizerVariables_;
      if (role == NodeRole::Bookkeeping) ++bookkeepingVariables_;
    }
  }

  std::filesystem::path path_;
  std::shared_ptr<hdf5::OpenFile> file_;
  std::string formatId_;
  LayerClasses layerClasses_;
  std::vector<Entry> entries_;
  std::unordered_set<std::string> owners_;  // HDF5 paths of objects that have a vars group
  TreeBuilder builder_;
  CheckpointMetadata metadata_;
  CheckpointMetadata formats_;
  std::unordered_map<std::string, std::string> datasetByKey_;
  std::map<std::string, std::string> namesByOwner_;  // vars groups' name attributes, by owner path
  std::size_t layers_ = 0;
  std::size_t variables_ = 0;
  std::size_t optimizerVariables_ = 0;
  std::size_t bookkeepingVariables_ = 0;
  std::size_t namedVarsGroups_ = 0;
};

}  // namespace

SniffResult Keras3WeightsFormat::sniff(const FileProbe& probe) const {
  if (!probe.looksLikeHdf5()) return {};
  try {
    auto file = std::make_shared<hdf5::OpenFile>(probe.path());
    if (auto why = notKeras3Reason(file->id()); !why.empty()) return {0, std::move(why)};
    probe.setCached(std::move(file));
    // Below Keras 2's 100: should a file ever look like both, the Keras 2 reader keeps it.
    return {50, {}};
  } catch (const Error& e) {
    // HDF5 cannot open it; the Keras 2 format claims such files to report why.
    return {0, e.what()};
  }
}

std::unique_ptr<Checkpoint> Keras3WeightsFormat::open(const std::filesystem::path& path) const {
  return Keras3Reader(path, nullptr).read();
}

std::unique_ptr<Checkpoint> Keras3WeightsFormat::open(const FileProbe& probe) const {
  return Keras3Reader(probe.path(), probe.cached<hdf5::OpenFile>()).read();
}

std::vector<std::string> Keras3WeightsFormat::foreignKeys(const std::vector<std::string>& paths,
                                                         const std::vector<std::string>& keys) const {
  return keras3KeysFor(paths, keys);
}

std::unique_ptr<CheckpointWriter> Keras3WeightsFormat::createWriter() const { return std::make_unique<Keras3WeightsWriter>(); }

std::unique_ptr<Checkpoint> readKeras3Weights(const std::filesystem::path& shownPath, std::shared_ptr<hdf5::OpenFile> file,
                                              std::string formatId, LayerClasses layerClasses) {
  return Keras3Reader(shownPath, std::move(file), std::move(formatId), std::move(layerClasses)).read();
}

}  // namespace graft
