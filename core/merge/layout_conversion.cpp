#include "merge/layout_conversion.h"

#include <algorithm>
#include <map>

#include "checkpoint/tree_builder.h"
#include "merge/transform.h"

namespace graft {

namespace {

// "kernel:0" -> "kernel"
std::string bareName(const std::string& name) {
  std::string n = name;
  stripOutputIndex(n);
  return n;
}

// Another variable of the same layer with this name (output index ignored); nullptr if none.
const Node* sibling(const Node& variable, const std::string& name) {
  if (!variable.parent()) return nullptr;
  for (const auto& c : variable.parent()->children())
    if (c.get() != &variable && bareName(c->name()) == name) return c.get();
  return nullptr;
}

// Keras 3 numbers a layer's variables; the layer's class (from a .keras config) names them.
std::string keras3VariableName(const Node& variable) {
  const std::string n = variable.name();
  if (n.empty() || !std::all_of(n.begin(), n.end(), [](char c) { return c >= '0' && c <= '9'; }) || !variable.parent()) return n;
  const std::string& cls = variable.parent()->layerClass();
  static const std::map<std::string, std::vector<std::string>> byClass = {
      {"Dense", {"kernel", "bias"}},         {"Conv1D", {"kernel", "bias"}},        {"Conv2D", {"kernel", "bias"}},
      {"Conv3D", {"kernel", "bias"}},        {"Embedding", {"embeddings"}},         {"LayerNormalization", {"gamma", "beta"}},
      {"BatchNormalization", {"gamma", "beta", "moving_mean", "moving_variance"}}};
  const auto it = byClass.find(cls);
  const std::size_t i = static_cast<std::size_t>(std::stoul(n));
  return it != byClass.end() && i < it->second.size() ? it->second[i] : n;
}

struct Rule {
  std::string name;             // the variable's name in the other convention
  std::vector<int> permutation;  // empty: no transpose
  bool drop = false;
};

std::optional<Rule> toTorch(const Node& v, const Shape& shape) {
  const std::string name = bareName(keras3VariableName(v));
  const std::size_t rank = shape.rank();
  if (name == "kernel") {
    static const std::map<std::size_t, std::vector<int>> perms = {{2, {1, 0}}, {3, {2, 1, 0}}, {4, {3, 2, 0, 1}}, {5, {4, 3, 0, 1, 2}}};
    if (const auto it = perms.find(rank); it != perms.end()) return Rule{"weight", it->second};
    return std::nullopt;
  }
  if (name == "bias") return Rule{"bias", {}};
  if (name == "gamma") return Rule{"weight", {}};
  if (name == "beta") return Rule{"bias", {}};
  if (name == "moving_mean") return Rule{"running_mean", {}};
  if (name == "moving_variance") return Rule{"running_var", {}};
  if (name == "embeddings") return Rule{"weight", {}};
  return std::nullopt;
}

std::optional<Rule> toKeras(const Node& v, const Shape& shape) {
  const std::string name = bareName(v.name());
  const std::size_t rank = shape.rank();
  const bool batchNorm = sibling(v, "running_mean") || name == "running_mean";
  std::string layer = v.parent() ? v.parent()->name() : std::string();
  std::transform(layer.begin(), layer.end(), layer.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (name == "weight") {
    if (rank == 1) return Rule{"gamma", {}};  // BatchNorm or LayerNorm scale
    if (rank == 2 && layer.find("embed") != std::string::npos) return Rule{"embeddings", {}};
    static const std::map<std::size_t, std::vector<int>> perms = {{2, {1, 0}}, {3, {2, 1, 0}}, {4, {2, 3, 1, 0}}, {5, {2, 3, 4, 1, 0}}};
    if (const auto it = perms.find(rank); it != perms.end()) return Rule{"kernel", it->second};
    return std::nullopt;
  }
  if (name == "bias") {
    const Node* weight = sibling(v, "weight");
    const bool norm = batchNorm || (weight && weight->tensor() && weight->tensor()->shape.rank() == 1);
    return Rule{norm ? "beta" : "bias", {}};
  }
  if (name == "running_mean") return Rule{"moving_mean", {}};
  if (name == "running_var") return Rule{"moving_variance", {}};
  if (name == "num_batches_tracked") return Rule{name, {}, true};
  return std::nullopt;
}

// Replaces the last component of `path` (separator '/') and the matching tail of `key`.
void rename(ResultSlot& slot, const std::string& oldLeaf, const std::string& newLeaf) {
  if (const auto cut = slot.path.rfind('/'); cut != std::string::npos) slot.path = slot.path.substr(0, cut + 1) + newLeaf;
  else slot.path = newLeaf;
  std::string& key = slot.outputKey;
  std::string suffix;
  if (const auto colon = key.rfind(':'); colon != std::string::npos && key.find_first_not_of("0123456789", colon + 1) == std::string::npos)
    suffix = key.substr(colon), key.erase(colon);
  if (key.size() >= oldLeaf.size() && key.compare(key.size() - oldLeaf.size(), oldLeaf.size(), oldLeaf) == 0)
    key = key.substr(0, key.size() - oldLeaf.size()) + newLeaf;
  key += suffix;
}

}  // namespace

std::optional<WeightLayout> weightLayoutFromName(const std::string& name) {
  if (name == "keras") return WeightLayout::Keras;
  if (name == "torch" || name == "pytorch") return WeightLayout::Torch;
  return std::nullopt;
}

LayoutReport convertLayout(MergeEvaluation& evaluation, WeightLayout to) {
  LayoutReport report;
  std::map<std::string, std::size_t> untouched;
  for (ResultSlot& slot : evaluation.slots) {
    const Node* node = slot.source ? slot.source : slot.target;
    if (!node || slot.status == SlotStatus::Dropped || slot.role != NodeRole::Weights) continue;
    const auto rule = to == WeightLayout::Torch ? toTorch(*node, slot.shape) : toKeras(*node, slot.shape);
    if (!rule) {
      ++report.unchanged;
      ++untouched[bareName(node->name())];
      continue;
    }
    if (rule->drop) {
      slot.status = SlotStatus::Dropped;
      ++report.dropped;
      continue;
    }
    const std::string oldLeaf = bareName(node->name());
    if (!rule->permutation.empty()) {
      slot.transforms.push_back(Transform::transpose(rule->permutation));
      const TransformOutcome o = applyTransforms(slot.dtype, slot.shape, {slot.transforms.back()});
      slot.shape = o.shape;
    }
    rename(slot, oldLeaf, rule->name);
    if (slot.status == SlotStatus::Unchanged || slot.status == SlotStatus::Replaced) slot.status = SlotStatus::Converted;
    ++report.converted;
  }
  for (const auto& [name, n] : untouched) {
    if (report.note.size() > 200) break;
    report.note += (report.note.empty() ? "kept as they are: " : ", ") + name + " ×" + std::to_string(n);
  }
  return report;
}

std::size_t castFloatingTensors(MergeEvaluation& evaluation, DType to) {
  std::size_t cast = 0;
  for (ResultSlot& slot : evaluation.slots) {
    const bool floating = slot.dtype == DType::Float16 || slot.dtype == DType::BFloat16 || slot.dtype == DType::Float32 ||
                          slot.dtype == DType::Float64;
    if (slot.status == SlotStatus::Dropped || !floating || slot.dtype == to) continue;
    slot.transforms.push_back(Transform::cast(to));
    slot.dtype = to;
    if (slot.status == SlotStatus::Unchanged || slot.status == SlotStatus::Replaced) slot.status = SlotStatus::Converted;
    ++cast;
  }
  return cast;
}

}  // namespace graft
