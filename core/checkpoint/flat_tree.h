#pragma once
// A tree laid out flat, once: nodes in pre-order with their parent's position and their
// lower-cased tree path in one contiguous buffer. Filtering then scans arrays instead of
// chasing pointers through 100,000 scattered nodes (memory latency, not work, was the cost).
// Subtrees from elsewhere (the variables a plan adds) can be appended under any entry.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "types/node.h"

namespace graft {

class FlatTree {
 public:
  static constexpr std::uint32_t npos = UINT32_MAX;

  explicit FlatTree(const Node& root);  // entry 0 is the root
  // Appends `top` with its subtree as the last child of entry `parent`.
  void append(const Node& top, std::uint32_t parent);

  std::uint32_t size() const { return static_cast<std::uint32_t>(nodes_.size()); }
  const Node* node(std::uint32_t i) const { return nodes_[i]; }
  std::uint32_t parent(std::uint32_t i) const { return parents_[i]; }  // npos for the root
  std::string_view lowerPath(std::uint32_t i) const {
    return std::string_view(paths_).substr(pathStart_[i], pathStart_[i + 1] - pathStart_[i]);
  }
  std::uint32_t indexOf(const Node* node) const;  // npos when absent
  // Copied from the node so a pass over the table never touches the nodes themselves.
  bool isWeights(std::uint32_t i) const { return traits_[i] & WeightsRole; }
  bool isVariable(std::uint32_t i) const { return traits_[i] & VariableKind; }

 private:
  void add(const Node& node, std::uint32_t parent);
  void index(const Node* node, std::uint32_t i);

  std::vector<const Node*> nodes_;
  enum : std::uint8_t { WeightsRole = 1, VariableKind = 2 };
  std::vector<std::uint32_t> parents_;
  std::vector<std::uint8_t> traits_;
  std::vector<std::size_t> pathStart_{0};  // size()+1 entries
  std::string paths_;
  // Open addressing on node addresses: no allocation per node.
  std::vector<std::pair<const Node*, std::uint32_t>> table_;
  std::size_t used_ = 0;
};

}  // namespace graft
