#include "checkpoint/tree_projection.h"

#include <string>

namespace graft {

namespace {

bool hiddenRole(const Node& node, bool showOptimizer) { return !showOptimizer && node.role() != NodeRole::Weights; }

}  // namespace

TreeProjection::TreeProjection(const Node& root, const Options& options) : root_(&root), filtering_(bool(options.matches)) {
  std::unordered_map<const Node*, std::vector<const Node*>> grafted;
  for (const Graft& g : options.grafts) grafted[g.parent].push_back(g.node);

  // Iterative depth-first walk (hostile files nest deeply). A frame decides its node's
  // visibility once all its children are decided: shown when it matches, sits under a match,
  // or has a shown child.
  struct Frame {
    const Node* node;
    std::vector<const Node*> candidates;  // real children then grafts
    std::size_t next = 0;
    std::size_t pathLength;  // length of `path` including this node
    bool match;
    bool underMatch;  // an ancestor matched: shown whatever the filter says
    std::vector<const Node*> shown;
    std::vector<bool> shownMatched;
  };
  std::string path;
  std::vector<Frame> stack;
  auto push = [&](const Node* node, bool underMatch) {
    Frame f{node, {}, 0, 0, false, underMatch, {}, {}};
    f.candidates.reserve(node->childCount());
    for (const auto& c : node->children()) f.candidates.push_back(c.get());
    if (auto it = grafted.find(node); it != grafted.end())
      f.candidates.insert(f.candidates.end(), it->second.begin(), it->second.end());
    if (node != root_) {
      if (!path.empty()) path += '/';
      path += node->name();
      f.match = !options.matches || options.matches(*node, path);
    }
    f.pathLength = path.size();
    stack.push_back(std::move(f));
  };

  push(root_, !filtering_);
  while (!stack.empty()) {
    Frame& top = stack.back();
    if (top.next < top.candidates.size()) {
      const Node* c = top.candidates[top.next++];
      if (hiddenRole(*c, options.showOptimizer)) continue;
      path.resize(top.pathLength);
      const bool under = top.underMatch || (top.node != root_ && top.match && filtering_);
      push(c, under);
      continue;
    }
    Frame done = std::move(stack.back());
    stack.pop_back();
    for (std::size_t i = 0; i < done.shown.size(); ++i)
      entries_[done.shown[i]] = Entry{done.node, static_cast<int>(i), filtering_ && done.shownMatched[i]};
    const bool shown = done.node == root_ || done.match || done.underMatch || !done.shown.empty();
    if (!done.shown.empty()) children_[done.node] = std::move(done.shown);
    if (stack.empty()) break;
    path.resize(stack.back().pathLength);
    if (!shown) continue;
    stack.back().shown.push_back(done.node);
    stack.back().shownMatched.push_back(done.match);
  }

  std::size_t variables = 0, others = 0;
  if (filtering_)
    for (const auto& [node, e] : entries_)
      if (e.match) ++(node->isVariable() ? variables : others);
  matchCount_ = variables ? variables : others;
}

std::size_t TreeProjection::childCount(const Node* parent) const {
  const auto it = children_.find(parent);
  return it == children_.end() ? 0 : it->second.size();
}

const Node* TreeProjection::child(const Node* parent, std::size_t row) const {
  const auto it = children_.find(parent);
  return it == children_.end() || row >= it->second.size() ? nullptr : it->second[row];
}

const Node* TreeProjection::parentOf(const Node* node) const {
  const auto it = entries_.find(node);
  return it == entries_.end() ? nullptr : it->second.parent;
}

int TreeProjection::rowOf(const Node* node) const {
  const auto it = entries_.find(node);
  return it == entries_.end() ? -1 : it->second.row;
}

bool TreeProjection::isMatch(const Node* node) const {
  const auto it = entries_.find(node);
  return filtering_ && it != entries_.end() && it->second.match;
}

}  // namespace graft
