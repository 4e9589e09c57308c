#include "formats/tensor_bundle/bundle_tree.h"

#include <algorithm>
#include <deque>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "checkpoint/tree_builder.h"
#include "io/error.h"

namespace graft::tfbundle {
namespace {

constexpr std::string_view kGraphKey = "_CHECKPOINTABLE_OBJECT_GRAPH";
constexpr std::string_view kValue = "VARIABLE_VALUE";
constexpr std::string_view kAttributes = "/.ATTRIBUTES/";
constexpr std::string_view kSlot = "/.OPTIMIZER_SLOT/";

using Components = std::vector<std::string>;

struct Placement {
  Components path;  // last component = the variable's name
  NodeRole role = NodeRole::Weights;
  const TensorInfo* tensor = nullptr;
};

bool containsOptimizer(std::string_view name) {
  std::string lower(name);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower.find("optimizer") != std::string::npos;
}

// TF2 key components are escaped: "." -> "..", "/" -> ".S" (§2.10). A '/' cannot stand in a
// node name (paths join with it), so ".S" stays as written.
std::string unescape(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '.' && i + 1 < s.size() && s[i + 1] == '.') ++i;
    out += s[i];
  }
  return out;
}

Components unescapedPath(std::string_view escaped) {
  Components out;
  for (auto& part : splitPath(escaped)) out.push_back(unescape(part));
  return out;
}

NodeRole roleOf(const Components& path, NodeRole start) {
  if (start != NodeRole::Weights) return start;
  for (const auto& c : path) {
    if (containsOptimizer(c)) return NodeRole::Optimizer;
    if (c == "keras_api") return NodeRole::Bookkeeping;
  }
  return NodeRole::Weights;
}

// A slot of variable `var` held by optimizer `optimizer` (components) under `slot`: beside the
// variable, in <optimizer>/<slot>/<variable name>.
Components slotPlace(const Components& var, const Components& optimizer, const std::string& slot) {
  Components out(var.begin(), var.end() - 1);
  out.insert(out.end(), optimizer.begin(), optimizer.end());
  out.push_back(slot);
  out.push_back(var.back());
  return out;
}

// TF1 optimizer state by name (§2.9): slots such as dense/kernel/Adam and accumulators.
bool isTf1OptimizerName(const Components& path) {
  static const std::set<std::string, std::less<>> names = {
      "Adam", "Adam_1", "Momentum", "Ftrl", "Ftrl_1", "RMSProp", "RMSProp_1", "Adagrad", "Adadelta", "Adadelta_1",
      "AdagradDA", "ProximalAdagrad", "beta1_power", "beta2_power", "training"};
  return std::any_of(path.begin(), path.end(), [](const std::string& c) { return names.count(c) > 0; });
}

class TreeAssembler {
 public:
  explicit TreeAssembler(const std::vector<TensorInfo>& tensors) {
    for (const auto& t : tensors) byKey_.emplace(t.key, &t);
  }

  void fromGraph(const TrackableObjectGraph& graph) {
    const auto& nodes = graph.nodes;
    if (nodes.empty()) return;
    std::vector<Components> paths(nodes.size());
    std::vector<NodeRole> roles(nodes.size(), NodeRole::Weights);
    std::vector<bool> seen(nodes.size(), false);
    std::vector<std::size_t> order;
    std::deque<std::size_t> queue{0};
    seen[0] = true;
    while (!queue.empty()) {
      const std::size_t n = queue.front();
      queue.pop_front();
      order.push_back(n);
      if (!nodes[n].slotVariables.empty()) roles[n] = NodeRole::Optimizer;
      for (const auto& child : nodes[n].children) {
        const auto c = static_cast<std::size_t>(child.nodeId);
        if (child.nodeId < 0 || c >= nodes.size() || seen[c]) continue;
        seen[c] = true;
        paths[c] = paths[n];
        paths[c].push_back(child.localName);
        roles[c] = roleOf({child.localName}, roles[n]);
        queue.push_back(c);
      }
    }
    for (const std::size_t n : order) {
      for (const auto& attr : nodes[n].attributes) {
        if (attr.name == kValue) {
          const bool counter = paths[n].size() == 1 && (paths[n][0] == "save_counter" || paths[n][0] == "global_step");
          if (!paths[n].empty()) place(attr.checkpointKey, paths[n], counter ? NodeRole::Bookkeeping : roles[n]);
        } else {
          Components p = paths[n];
          p.push_back(attr.name);
          place(attr.checkpointKey, p, NodeRole::Bookkeeping);
        }
      }
      for (const auto& slot : nodes[n].slotVariables) {
        const auto var = static_cast<std::size_t>(slot.originalVariableNodeId);
        const auto holder = static_cast<std::size_t>(slot.slotVariableNodeId);
        if (slot.originalVariableNodeId < 0 || var >= nodes.size() || slot.slotVariableNodeId < 0 || holder >= nodes.size() || paths[var].empty())
          continue;
        for (const auto& attr : nodes[holder].attributes)
          if (attr.name == kValue) place(attr.checkpointKey, slotPlace(paths[var], paths[n], slot.slotName), NodeRole::Optimizer);
      }
    }
  }

  // Every key the graph did not place, by its name.
  void fromKeys(const std::vector<TensorInfo>& tensors) {
    std::unordered_set<std::string_view> tf1Keys;
    for (const auto& t : tensors) tf1Keys.insert(t.key);
    for (const auto& t : tensors) {
      if (placed_.count(t.key)) continue;
      const std::string& key = t.key;
      if (key == kGraphKey || key == "global_step") {
        place(key, {key}, NodeRole::Bookkeeping);
        continue;
      }
      if (const auto s = key.find(kSlot); s != std::string::npos) {
        std::string rest = key.substr(s + kSlot.size());
        const std::string tail = std::string(kAttributes) + std::string(kValue);
        if (rest.size() > tail.size() && rest.compare(rest.size() - tail.size(), tail.size(), tail) == 0)
          rest.resize(rest.size() - tail.size());
        Components slot = unescapedPath(rest);
        const Components var = unescapedPath(std::string_view(key).substr(0, s));
        if (!slot.empty() && !var.empty()) {
          const std::string name = slot.back();
          slot.pop_back();
          place(key, slotPlace(var, slot, name), NodeRole::Optimizer);
          continue;
        }
      }
      if (const auto a = key.find(kAttributes); a != std::string::npos) {
        Components p = unescapedPath(std::string_view(key).substr(0, a));
        const std::string attr = key.substr(a + kAttributes.size());
        NodeRole role = roleOf(p, NodeRole::Weights);
        if (attr != kValue) {
          p.push_back(unescape(attr));
          role = NodeRole::Bookkeeping;
        } else if (p.size() == 1 && p[0] == "save_counter") {
          role = NodeRole::Bookkeeping;
        }
        if (!p.empty()) {
          place(key, p, role);
          continue;
        }
      }
      // TF1 name-based: '/' scopes; "dense/kernel/Adam" is a slot of the variable "dense/kernel".
      Components p = splitPath(key);
      if (p.empty()) p.push_back(key);
      const auto cut = key.rfind('/');
      if (cut != std::string::npos && tf1Keys.count(std::string_view(key).substr(0, cut))) {
        const Components var = splitPath(key.substr(0, cut));
        place(key, slotPlace(var, {}, p.back()), NodeRole::Optimizer);
        continue;
      }
      place(key, p, isTf1OptimizerName(p) ? NodeRole::Optimizer : NodeRole::Weights);
    }
  }

  std::unique_ptr<Node> build() {
    // Layers are the nodes that directly hold model weights.
    std::set<Components> layers;
    for (const auto& p : placements_)
      if (p.role == NodeRole::Weights && p.path.size() > 1) layers.emplace(p.path.begin(), p.path.end() - 1);
    // Weights first, so shared folders take the weights' role; optimizer state and bookkeeping after.
    std::stable_sort(placements_.begin(), placements_.end(),
                     [](const Placement& a, const Placement& b) { return a.role < b.role; });
    TreeBuilder builder;
    for (const auto& p : placements_) {
      Node* at = &builder.root();
      Components prefix;
      for (std::size_t i = 0; i + 1 < p.path.size(); ++i) {
        prefix.push_back(p.path[i]);
        const NodeKind kind = layers.count(prefix) ? NodeKind::Layer : NodeKind::Group;
        at = &builder.child(*at, p.path[i], kind, p.role);
        if (at->isVariable()) throw Error("'" + p.tensor->key + "' lies inside another variable");
      }
      try {
        builder.variable(*at, p.path.back(), *p.tensor, p.role);
      } catch (const Error&) {
        throw Error("two tensors at one place in the tree: '" + p.tensor->key + "'");
      }
    }
    return builder.take();
  }

 private:
  void place(const std::string& key, Components path, NodeRole role) {
    const auto it = byKey_.find(key);
    if (it == byKey_.end() || path.empty() || !placed_.insert(key).second) return;  // unknown or already placed
    placements_.push_back({std::move(path), role, it->second});
  }

  std::unordered_map<std::string_view, const TensorInfo*> byKey_;
  std::unordered_set<std::string> placed_;
  std::vector<Placement> placements_;
};

}  // namespace

std::unique_ptr<Node> buildBundleTree(const std::vector<TensorInfo>& tensors, const TrackableObjectGraph* graph) {
  TreeAssembler assembler(tensors);
  if (graph) assembler.fromGraph(*graph);
  assembler.fromKeys(tensors);
  return assembler.build();
}

}  // namespace graft::tfbundle
