#pragma once
// Builds a Node tree from '/'-separated paths without quadratic child look-ups, so a
// checkpoint with 100,000 variables in one group still opens fast. Small parents are scanned
// (their few children are warm in cache); only parents with many children go in a hash index,
// which keeps 100,000 variables in small layers clear of 200,000 cache-missing hash look-ups.

#include <unordered_map>
#include <unordered_set>
#include <memory>
#include <optional>
#include <memory_resource>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "types/node.h"

namespace graft {

class TreeBuilder {
 public:
  TreeBuilder();

  Node& root() { return *root_; }
  std::unique_ptr<Node> take() { return std::move(root_); }
  // Starts over with an empty root (the builder cannot be assigned: its index lives in its arena).
  void reset();

  // The child of parent with this name, created with kind and role if missing.
  Node& child(Node& parent, std::string_view name, NodeKind kind, NodeRole role);

  // Follows components below parent, creating missing ones as groups with the given role,
  // and returns the last one.
  Node& groups(Node& parent, const std::vector<std::string>& components, NodeRole role);

  // Adds a variable named `name` under parent. Throws graft::Error on a duplicate name.
  Node& variable(Node& parent, std::string_view name, TensorInfo info, NodeRole role);

  // Turns every group below the root that directly holds a model-weights variable into a
  // layer: for formats whose files name no layers (TF checkpoints, safetensors).
  void markLayersHoldingWeights();

 private:
  static constexpr std::size_t kScanLimit = 16;  // children scanned before the index takes over
  Node* find(Node& parent, std::string_view name);
  Node& add(Node& parent, std::unique_ptr<Node> node);

  // (parent, child name) -> child, for parents with more than kScanLimit children. The name is a view of the child's own name, so look-ups
  // and inserts copy no strings.
  // The index lives in an arena released at once with the builder: no per-entry frees.
  std::pmr::monotonic_buffer_resource arena_;
  std::unique_ptr<Node> root_;
  struct KeyHash {
    std::size_t operator()(const std::pair<const Node*, std::string_view>& k) const noexcept {
      return std::hash<std::string_view>()(k.second) ^ (std::hash<const Node*>()(k.first) * 0x9e3779b97f4a7c15ull);
    }
  };
  std::pmr::unordered_map<std::pair<const Node*, std::string_view>, Node*, KeyHash> index_{&arena_};
  std::pmr::unordered_set<const Node*> indexed_{&arena_};  // parents whose children are all in index_
};

// "a/b//c" -> {"a", "b", "c"}: empty components are dropped.
std::vector<std::string> splitPath(std::string_view path, char sep = '/');

// {"a", "b"} -> "a/b" (or joined by `sep`).
std::string joinPath(const std::vector<std::string>& parts, char sep = '/');

// "kernel:0" -> "kernel": drops Keras' output index from one path component.
void stripOutputIndex(std::string& component);

// A tree path's components without Keras' output index, joined by `sep`:
// "dense/kernel:0" -> "dense/kernel" ('/') or "dense.kernel" ('.'). Names a variable in a
// format that takes it from another (TF1 names, safetensors names).
std::string joinedWithoutOutputIndex(std::string_view path, char sep);

// PyTorch-style key for a variable from another format: "dense/kernel:0" -> "dense.kernel";
// nullopt for a path with no name left.
std::optional<std::string> dottedForeignKey(std::string_view path);

}  // namespace graft
