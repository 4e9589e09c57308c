#pragma once
// What a tree view shows of a checkpoint: the nodes that pass a filter with their ancestors
// (a match keeps its context) and descendants (a matched layer keeps its weights), minus the
// roles the user hides, plus nodes grafted in from elsewhere (the variables a plan adds to the
// target). Rows are positions in this projection, not in the Node tree. Computed by a few
// linear passes over a FlatTree, so a filter keystroke on 100,000 variables costs milliseconds.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>
#include <vector>

#include "checkpoint/flat_tree.h"

namespace graft {

class TreeProjection {
 public:
  // Matching is case-insensitive: the matcher sees tree paths ("a/b/c") in ASCII lower case;
  // grafted nodes get their graft parent's path as prefix.
  using Matcher = std::function<bool(const Node& node, std::string_view lowerPath)>;

  struct Graft {
    const Node* parent;  // a node of the projected tree (or its root)
    const Node* node;    // shown as parent's last child, with its own subtree
  };

  // Decides every entry at once (out[i] != 0: entry i matches), for matchers that scan all
  // paths in one go faster than node by node (a regular expression over one joined text).
  using BulkMatcher = std::function<void(const FlatTree& tree, std::vector<std::uint8_t>& out)>;

  struct Options {
    Matcher matches;             // empty (and no bulk matcher): no filter, every node shown
    BulkMatcher bulkMatches;
    bool showOptimizer = true;   // optimizer state and bookkeeping subtrees
    std::vector<Graft> grafts;   // only for the Node constructor; a FlatTree carries its own
  };

  TreeProjection() = default;
  TreeProjection(const Node& root, const Options& options);
  TreeProjection(std::shared_ptr<const FlatTree> tree, const Options& options);

  // The tree with grafts appended, for callers that keep it across projections.
  static std::shared_ptr<const FlatTree> withGrafts(const FlatTree& base, const std::vector<Graft>& grafts);

  const Node* root() const { return tree_ ? tree_->node(0) : nullptr; }
  std::size_t childCount(const Node* parent) const;
  const Node* child(const Node* parent, std::size_t row) const;  // null when out of range
  const Node* parentOf(const Node* node) const;                  // the root for top-level nodes
  int rowOf(const Node* node) const;                             // -1 when not shown
  bool contains(const Node* node) const { return shownIndex(node) != FlatTree::npos; }

  // The same by FlatTree entry, for views that keep entry numbers in their indexes (no lookup).
  const FlatTree* tree() const { return tree_.get(); }
  bool shownAt(std::uint32_t i) const { return i < flags_.size() && (flags_[i] & 8); }
  std::uint32_t childCountAt(std::uint32_t i) const { return firstChild_[i + 1] - firstChild_[i]; }
  std::uint32_t childAt(std::uint32_t i, std::uint32_t row) const { return children_[firstChild_[i] + row]; }
  std::uint32_t rowAt(std::uint32_t i) const { return row_[i]; }
  bool matchAt(std::uint32_t i) const { return filtering_ && (flags_[i] & 2); }

  bool filtering() const { return filtering_; }
  bool isMatch(const Node* node) const;    // passed the filter itself, not only as context
  std::size_t matchCount() const { return matchCount_; }  // matched variables (layers when none)

 private:
  void build(const Options& options);
  std::uint32_t shownIndex(const Node* node) const;  // npos when absent or hidden

  std::shared_ptr<const FlatTree> tree_;
  bool filtering_ = false;
  std::size_t matchCount_ = 0;
  std::vector<std::uint8_t> flags_;          // per entry: shown, match
  std::vector<std::uint32_t> row_;           // per shown entry: row under its parent
  std::vector<std::uint32_t> firstChild_;    // per entry: into children_ (size()+1 entries)
  std::vector<std::uint32_t> children_;      // shown children of every entry, consecutively
};

}  // namespace graft
