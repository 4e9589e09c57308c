#include "checkpoint/flat_tree.h"

namespace graft {

namespace {

constexpr std::size_t kMaxPath = 4096;

std::size_t slotOf(const void* p, std::size_t mask) {
  // Fibonacci hashing spreads aligned addresses over the table.
  return static_cast<std::size_t>((reinterpret_cast<std::uintptr_t>(p) * 0x9E3779B97F4A7C15ull) >> 20) & mask;
}

}  // namespace

FlatTree::FlatTree(const Node& root) {
  add(root, npos);
  // Iterative pre-order (hostile files nest deeply): children pushed in reverse.
  std::vector<std::pair<const Node*, std::uint32_t>> stack;
  for (std::size_t r = root.childCount(); r-- > 0;) stack.push_back({root.child(r), 0});
  while (!stack.empty()) {
    const auto [n, parent] = stack.back();
    stack.pop_back();
    const std::uint32_t self = size();
    add(*n, parent);
    for (std::size_t r = n->childCount(); r-- > 0;) stack.push_back({n->child(r), self});
  }
}

void FlatTree::append(const Node& top, std::uint32_t parent) {
  std::vector<std::pair<const Node*, std::uint32_t>> stack{{&top, parent}};
  while (!stack.empty()) {
    const auto [n, p] = stack.back();
    stack.pop_back();
    const std::uint32_t self = size();
    add(*n, p);
    for (std::size_t r = n->childCount(); r-- > 0;) stack.push_back({n->child(r), self});
  }
}

void FlatTree::add(const Node& node, std::uint32_t parent) {
  const std::uint32_t self = size();
  nodes_.push_back(&node);
  parents_.push_back(parent);
  traits_.push_back(static_cast<std::uint8_t>((node.role() == NodeRole::Weights ? WeightsRole : 0) |
                                              (node.isVariable() ? VariableKind : 0)));
  if (parent != npos) {
    const std::size_t from = pathStart_[parent], length = pathStart_[parent + 1] - from;
    paths_.append(paths_, from, length);  // the string's own overload: safe when it reallocates
    if (length) paths_ += '/';
    for (char c : node.name()) paths_ += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    // A hostile file nesting groups 100,000 deep must not cost quadratic memory: paths are
    // matched on their first kMaxPath bytes.
    if (paths_.size() - pathStart_.back() > kMaxPath) paths_.resize(pathStart_.back() + kMaxPath);
  }
  pathStart_.push_back(paths_.size());
  index(&node, self);
}

void FlatTree::index(const Node* node, std::uint32_t i) {
  if ((used_ + 1) * 2 > table_.size()) {
    std::vector<std::pair<const Node*, std::uint32_t>> old = std::move(table_);
    table_.assign(old.empty() ? 1024 : old.size() * 2, {nullptr, npos});
    used_ = 0;
    for (const auto& [n, k] : old)
      if (n) index(n, k);
  }
  const std::size_t mask = table_.size() - 1;
  for (std::size_t s = slotOf(node, mask);; s = (s + 1) & mask)
    if (!table_[s].first || table_[s].first == node) {
      if (!table_[s].first) ++used_;
      table_[s] = {node, i};
      return;
    }
}

std::uint32_t FlatTree::indexOf(const Node* node) const {
  if (!node || table_.empty()) return npos;
  const std::size_t mask = table_.size() - 1;
  for (std::size_t s = slotOf(node, mask);; s = (s + 1) & mask) {
    if (table_[s].first == node) return table_[s].second;
    if (!table_[s].first) return npos;
  }
}

}  // namespace graft
