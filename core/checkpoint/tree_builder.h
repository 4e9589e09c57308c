#pragma once
// Builds a Node tree from '/'-separated paths without quadratic child look-ups, so a
// checkpoint with 100,000 variables in one group still opens fast.

#include <map>
#include <memory>
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

  // The child of parent with this name, created with kind and role if missing.
  Node& child(Node& parent, const std::string& name, NodeKind kind, NodeRole role);

  // Follows components below parent, creating missing ones as groups with the given role,
  // and returns the last one.
  Node& groups(Node& parent, const std::vector<std::string>& components, NodeRole role);

  // Adds a variable named `name` under parent. Throws graft::Error on a duplicate name.
  Node& variable(Node& parent, const std::string& name, TensorInfo info, NodeRole role);

 private:
  std::unique_ptr<Node> root_;
  std::map<std::pair<const Node*, std::string>, Node*, std::less<>> index_;
};

// "a/b//c" -> {"a", "b", "c"}: empty components are dropped.
std::vector<std::string> splitPath(std::string_view path, char sep = '/');

}  // namespace graft
