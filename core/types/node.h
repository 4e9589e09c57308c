#pragma once
// The uniform tree every format is read into: groups hold layers and groups, layers hold
// variables (and groups for wrapper sub-layers), variables carry a TensorInfo.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "types/tensor_info.h"

namespace graft {

enum class NodeKind { Group, Layer, Variable };

// What a subtree is for. Optimizer state and bookkeeping (step counters, object graphs)
// are shown apart and hidden by default in the window.
enum class NodeRole { Weights, Optimizer, Bookkeeping };

class Node {
 public:
  Node(NodeKind kind, std::string name, NodeRole role = NodeRole::Weights);
  ~Node();  // iterative: a hostile, deeply nested file must not overflow the stack
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  NodeKind kind() const { return kind_; }
  // Formats that learn a group's kind from what it holds decide it after building.
  void setKind(NodeKind kind) { kind_ = kind; }
  const std::string& name() const { return name_; }  // the path component
  // What the window shows: a name the file gives the object beside its key (Keras 3's `name`
  // attribute: "dense_78" for the container "dense"), else name().
  const std::string& displayName() const { return displayName_.empty() ? name_ : displayName_; }
  void setDisplayName(std::string name) { displayName_ = std::move(name); }
  NodeRole role() const { return role_; }
  Node* parent() const { return parent_; }
  int row() const { return row_; }  // index among the parent's children
  const std::vector<std::unique_ptr<Node>>& children() const { return children_; }
  std::size_t childCount() const { return children_.size(); }
  const Node* child(std::size_t i) const { return children_[i].get(); }

  // Names from below the root joined by '/': "dense_1/kernel:0". The root's path is "".
  std::string path() const;

  Node& addChild(std::unique_ptr<Node> child);

  bool isVariable() const { return kind_ == NodeKind::Variable; }
  const TensorInfo* tensor() const { return tensor_ ? &*tensor_ : nullptr; }
  void setTensor(TensorInfo info) { tensor_ = std::move(info); }

  // The framework's class for a layer ("Conv2D", "Dense"), when the file records it.
  const std::string& layerClass() const { return layerClass_; }
  void setLayerClass(std::string cls) { layerClass_ = std::move(cls); }

  // Aggregates over the subtree, valid after computeTotals() on the root.
  std::uint64_t parameterCount() const { return parameterCount_; }
  std::uint64_t byteSize() const { return byteSize_; }
  std::uint64_t variableCount() const { return variableCount_; }
  void computeTotals();

 private:
  NodeKind kind_;
  std::string name_;
  NodeRole role_;
  Node* parent_ = nullptr;
  int row_ = 0;
  std::vector<std::unique_ptr<Node>> children_;
  std::optional<TensorInfo> tensor_;
  std::string layerClass_;
  std::string displayName_;
  std::uint64_t parameterCount_ = 0;
  std::uint64_t byteSize_ = 0;
  std::uint64_t variableCount_ = 0;
};

// Depth-first pre-order, children in order; iterative so deep trees cannot overflow the stack.
template <typename Fn>
void forEachNode(const Node& root, Fn&& fn) {
  std::vector<const Node*> stack{&root};
  while (!stack.empty()) {
    const Node* n = stack.back();
    stack.pop_back();
    fn(*n);
    for (auto it = n->children().rbegin(); it != n->children().rend(); ++it) stack.push_back(it->get());
  }
}

template <typename Fn>
void forEachVariable(const Node& root, Fn&& fn) {
  forEachNode(root, [&](const Node& n) {
    if (n.isVariable()) fn(n);
  });
}

std::string_view nodeKindName(NodeKind kind);
std::string_view nodeRoleName(NodeRole role);

}  // namespace graft
