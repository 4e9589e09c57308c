#include "checkpoint/tree_projection.h"

namespace graft {

namespace {

enum : std::uint8_t { Hidden = 1, Match = 2, Under = 4, Shown = 8 };

}  // namespace

std::shared_ptr<const FlatTree> TreeProjection::withGrafts(const FlatTree& base, const std::vector<Graft>& grafts) {
  auto tree = std::make_shared<FlatTree>(base);
  for (const Graft& g : grafts) {
    const std::uint32_t parent = tree->indexOf(g.parent);
    if (parent != FlatTree::npos && g.node) tree->append(*g.node, parent);
  }
  return tree;
}

TreeProjection::TreeProjection(const Node& root, const Options& options) {
  tree_ = withGrafts(FlatTree(root), options.grafts);
  build(options);
}

TreeProjection::TreeProjection(std::shared_ptr<const FlatTree> tree, const Options& options) : tree_(std::move(tree)) {
  build(options);
}

void TreeProjection::build(const Options& options) {
  const FlatTree& t = *tree_;
  const std::uint32_t n = t.size();
  filtering_ = bool(options.matches) || bool(options.bulkMatches);
  flags_.assign(n, 0);
  std::vector<std::uint8_t> bulk;
  if (options.bulkMatches) {
    bulk.assign(n, 0);
    options.bulkMatches(t, bulk);
  }
  // Parents come before children (pre-order; appended subtrees hang under earlier entries),
  // so one forward pass settles hidden / match / under-a-match, one backward pass settles
  // which entries are shown (a shown child shows its parent).
  for (std::uint32_t i = 1; i < n; ++i) {
    const std::uint32_t p = t.parent(i);
    if ((flags_[p] & Hidden) || (!options.showOptimizer && !t.isWeights(i))) {
      flags_[i] = Hidden;
      continue;
    }
    std::uint8_t f = 0;
    if (!filtering_ || (flags_[p] & Under) || (p != 0 && (flags_[p] & Match))) f |= Under;
    if (filtering_ && (options.bulkMatches ? bulk[i] != 0 : options.matches(*t.node(i), t.lowerPath(i)))) f |= Match;
    flags_[i] = f;
  }
  if (n) flags_[0] = Shown;
  for (std::uint32_t i = n; i-- > 1;) {
    std::uint8_t& f = flags_[i];
    if (f & Hidden) continue;
    if (f & (Match | Under | Shown)) {
      f |= Shown;
      flags_[t.parent(i)] |= Shown;
    }
  }
  // Children lists, CSR style: count, prefix sums, fill in entry order (= row order).
  firstChild_.assign(static_cast<std::size_t>(n) + 1, 0);
  for (std::uint32_t i = 1; i < n; ++i)
    if (flags_[i] & Shown) ++firstChild_[t.parent(i) + 1];
  for (std::uint32_t i = 0; i < n; ++i) firstChild_[i + 1] += firstChild_[i];
  children_.assign(firstChild_[n], 0);
  row_.assign(n, 0);
  std::vector<std::uint32_t> fill(firstChild_.begin(), firstChild_.end() - (n ? 1 : 0));
  std::size_t variables = 0, others = 0;
  for (std::uint32_t i = 1; i < n; ++i) {
    if (!(flags_[i] & Shown)) continue;
    const std::uint32_t p = t.parent(i);
    row_[i] = fill[p] - firstChild_[p];
    children_[fill[p]++] = i;
    if (filtering_ && (flags_[i] & Match)) ++(t.isVariable(i) ? variables : others);
  }
  matchCount_ = variables ? variables : others;
}

std::uint32_t TreeProjection::shownIndex(const Node* node) const {
  if (!tree_) return FlatTree::npos;
  const std::uint32_t i = tree_->indexOf(node);
  return i != FlatTree::npos && (flags_[i] & Shown) ? i : FlatTree::npos;
}

std::size_t TreeProjection::childCount(const Node* parent) const {
  const std::uint32_t i = shownIndex(parent);
  return i == FlatTree::npos ? 0 : firstChild_[i + 1] - firstChild_[i];
}

const Node* TreeProjection::child(const Node* parent, std::size_t row) const {
  const std::uint32_t i = shownIndex(parent);
  if (i == FlatTree::npos || row >= firstChild_[i + 1] - firstChild_[i]) return nullptr;
  return tree_->node(children_[firstChild_[i] + row]);
}

const Node* TreeProjection::parentOf(const Node* node) const {
  const std::uint32_t i = shownIndex(node);
  return i == FlatTree::npos || i == 0 ? nullptr : tree_->node(tree_->parent(i));
}

int TreeProjection::rowOf(const Node* node) const {
  const std::uint32_t i = shownIndex(node);
  return i == FlatTree::npos || i == 0 ? -1 : static_cast<int>(row_[i]);
}

bool TreeProjection::isMatch(const Node* node) const {
  const std::uint32_t i = shownIndex(node);
  return filtering_ && i != FlatTree::npos && (flags_[i] & Match);
}

}  // namespace graft
