#include "formats/tensor_bundle/bundle_tree.h"

#include <algorithm>
#include <deque>
#include <memory_resource>
#include <set>
#include <string>
#include <unordered_map>

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
  std::string owned;      // the path when it is not the tensor's key itself
  std::string_view path;  // components joined by '/'; the last one is the variable's name
  NodeRole role = NodeRole::Weights;
  TensorInfo* tensor = nullptr;
};

// Calls fn(component) for each non-empty '/'-separated component, without allocating.
template <typename Fn>
void forEachComponent(std::string_view path, Fn&& fn) {
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    if (end > start) fn(path.substr(start, end - start));
    start = end + 1;
  }
}

bool containsOptimizer(std::string_view name) {
  std::string lower(name);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower.find("optimizer") != std::string::npos;
}

// A '/' cannot stand in a node name (paths join with it), so an escaped one stays ".S".
std::string unescape(std::string_view s) { return unescapeKeyComponent(s, ".S"); }

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
bool isTf1OptimizerName(std::string_view path) {
  static const std::set<std::string, std::less<>> names = {
      "Adam", "Adam_1", "Momentum", "Ftrl", "Ftrl_1", "RMSProp", "RMSProp_1", "Adagrad", "Adadelta", "Adadelta_1",
      "AdagradDA", "ProximalAdagrad", "beta1_power", "beta2_power", "training"};
  bool any = false;
  forEachComponent(path, [&](std::string_view c) { any = any || names.count(c) > 0; });
  return any;
}

class TreeAssembler {
 public:
  explicit TreeAssembler(std::vector<TensorInfo>& tensors) {
    byKey_.reserve(tensors.size());
    for (auto& t : tensors) byKey_.emplace(t.key, &t);
    base_ = tensors.data();
    placements_.reserve(tensors.size());
    placed_.assign(tensors.size(), false);
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
  void fromKeys(std::vector<TensorInfo>& tensors) {
    for (auto& t : tensors) {
      if (placed_[static_cast<std::size_t>(&t - base_)]) continue;
      const std::string& key = t.key;
      if (key == kGraphKey || key == "global_step") {
        place(t, std::string(key), NodeRole::Bookkeeping);
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
          place(t, slotPlace(var, slot, name), NodeRole::Optimizer);
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
          place(t, p, role);
          continue;
        }
      }
      // TF1 name-based: '/' scopes; "dense/kernel/Adam" is a slot of the variable "dense/kernel".
      const auto cut = key.rfind('/');
      if (cut != std::string::npos && cut + 1 < key.size() && byKey_.count(std::string_view(key).substr(0, cut))) {
        const Components var = splitPath(key.substr(0, cut));
        if (!var.empty()) {
          place(t, slotPlace(var, {}, key.substr(cut + 1)), NodeRole::Optimizer);
          continue;
        }
      }
      const NodeRole role = isTf1OptimizerName(key) ? NodeRole::Optimizer : NodeRole::Weights;
      const bool clean = !key.empty() && key.front() != '/' && key.back() != '/' && key.find("//") == std::string::npos;
      if (clean) placeAtKey(t, role);  // the key is already the path
      else place(t, splitPath(key).empty() ? Components{key} : splitPath(key), role);
    }
  }

  std::unique_ptr<Node> build() {
    // Weights first, so shared folders take the weights' role; optimizer state and bookkeeping after.
    std::vector<std::size_t> order(placements_.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return placements_[a].role < placements_[b].role; });
    TreeBuilder builder;
    std::vector<std::pair<Node*, TensorInfo*>> variables;
    variables.reserve(placements_.size());
    // The previous path's nodes: sorted keys share prefixes, so most components are found here
    // instead of in the builder's index (100,000 variables open in a fraction of a second).
    std::vector<std::pair<std::string_view, Node*>> chain;
    for (const std::size_t i : order) {
      const Placement& p = placements_[i];
      const std::string_view path = p.path;
      const auto cut = path.rfind('/');
      const std::string_view parentPath = cut == std::string_view::npos ? std::string_view() : path.substr(0, cut);
      const std::string_view leaf = cut == std::string_view::npos ? path : path.substr(cut + 1);
      Node* at = &builder.root();
      std::size_t depth = 0;
      bool reuse = true;
      forEachComponent(parentPath, [&](std::string_view c) {
        if (reuse && depth < chain.size() && chain[depth].first == c && chain[depth].second->role() == p.role) {
          at = chain[depth].second;
        } else {
          reuse = false;
          at = &builder.child(*at, std::string(c), NodeKind::Group, p.role);
          chain.resize(depth);
          chain.emplace_back(c, at);
        }
        ++depth;
      });
      chain.resize(depth);
      if (at->isVariable()) throw Error("'" + p.tensor->key + "' lies inside another variable");
      try {
        // The tensor's facts go in after the loop: its key may still be some path's text here.
        variables.emplace_back(&builder.variable(*at, std::string(leaf), TensorInfo{}, p.role), p.tensor);
      } catch (const Error&) {
        throw Error("two tensors at one place in the tree: '" + p.tensor->key + "'");
      }
    }
    for (auto& [node, tensor] : variables) node->setTensor(std::move(*tensor));
    builder.markLayersHoldingWeights();
    return builder.take();
  }

 private:
  // By the key the object graph names (unknown keys are ignored).
  void place(const std::string& key, const Components& path, NodeRole role) {
    if (const auto it = byKey_.find(key); it != byKey_.end()) place(*it->second, joinPath(path), role);
  }
  void place(TensorInfo& t, const Components& path, NodeRole role) { place(t, joinPath(path), role); }
  void place(TensorInfo& t, std::string path, NodeRole role) {
    if (!claim(t, path)) return;
    // placements_ was reserved for every tensor: it never reallocates, so the view stays valid.
    Placement& p = placements_.emplace_back(Placement{std::move(path), {}, role, &t});
    p.path = p.owned;
  }
  void placeAtKey(TensorInfo& t, NodeRole role) {
    if (claim(t, t.key)) placements_.push_back({{}, t.key, role, &t});
  }
  bool claim(TensorInfo& t, std::string_view path) {
    const auto i = static_cast<std::size_t>(&t - base_);
    if (path.empty() || placed_[i]) return false;  // already placed
    placed_[i] = true;
    return true;
  }

  std::pmr::monotonic_buffer_resource arena_;  // the look-up tables go at once, without per-entry frees
  std::pmr::unordered_map<std::string_view, TensorInfo*> byKey_{&arena_};
  TensorInfo* base_ = nullptr;
  std::vector<bool> placed_;  // by position in the tensors
  std::vector<Placement> placements_;
};

}  // namespace

std::unique_ptr<Node> buildBundleTree(std::vector<TensorInfo>&& tensors, const TrackableObjectGraph* graph) {
  TreeAssembler assembler(tensors);
  if (graph) assembler.fromGraph(*graph);
  assembler.fromKeys(tensors);
  return assembler.build();
}

std::string unescapeKeyComponent(std::string_view escaped, std::string_view slashAs) {
  std::string out;
  for (std::size_t i = 0; i < escaped.size(); ++i) {
    if (escaped[i] == '.' && i + 1 < escaped.size() && (escaped[i + 1] == '.' || escaped[i + 1] == 'S')) {
      if (escaped[++i] == '.') out += '.';
      else out += slashAs;
    } else {
      out += escaped[i];
    }
  }
  return out;
}

}  // namespace graft::tfbundle
