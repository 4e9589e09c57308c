#include "panes/result_additions.h"

#include "checkpoint/tree_builder.h"

namespace graft::ui {

namespace {

const Node* childNamed(const Node& parent, const std::string& name) {
  for (const auto& c : parent.children())
    if (c->name() == name) return c.get();
  return nullptr;
}

}  // namespace

ResultAdditions::ResultAdditions(const Checkpoint& target, const MergeEvaluation& evaluation) {
  for (const ResultSlot& slot : evaluation.slots) {
    if (slot.status != SlotStatus::Added || slot.target) continue;
    const auto parts = splitPath(slot.path);
    if (parts.empty() || byPath_.count(slot.path)) continue;
    // Walk down the real target as far as the path goes, then through added nodes.
    const Node* at = &target.root();
    std::size_t i = 0;
    for (; i + 1 < parts.size(); ++i) {
      const Node* next = childNamed(*at, parts[i]);
      if (!next) break;
      at = next;
    }
    std::string prefix;
    for (std::size_t k = 0; k < i; ++k) prefix += (k ? "/" : "") + parts[k];
    Node* parent = nullptr;  // an added node, once the walk has left the target
    for (; i < parts.size(); ++i) {
      prefix += (prefix.empty() ? "" : "/") + parts[i];
      const bool leaf = i + 1 == parts.size();
      if (!leaf)
        if (auto it = byPath_.find(prefix); it != byPath_.end()) {
          parent = const_cast<Node*>(it->second);  // created by this object, so mutable
          continue;
        }
      auto node = std::make_unique<Node>(leaf ? NodeKind::Variable : (parent ? NodeKind::Group : NodeKind::Layer), parts[i], slot.role);
      if (leaf) {
        TensorInfo info;
        info.key = slot.outputKey;
        info.dtype = slot.dtype;
        info.shape = slot.shape;
        info.elementCount = slot.shape.elementCount().value_or(0);
        info.byteSize = info.elementCount * dtypeSize(slot.dtype);
        node->setTensor(std::move(info));
      }
      Node* raw = node.get();
      if (parent) {
        parent->addChild(std::move(node));
      } else {
        graftParent_[raw] = at;
        grafts_.push_back({at, raw});
        tops_.push_back(std::move(node));
      }
      byPath_[prefix] = raw;
      pathOf_[raw] = prefix;
      if (leaf) {
        slotOf_[raw] = &slot;
        nodeOf_[&slot] = raw;
      }
      parent = raw;
    }
  }
  for (auto& top : tops_) top->computeTotals();
}

const Node* ResultAdditions::nodeFor(const ResultSlot& slot) const {
  const auto it = nodeOf_.find(&slot);
  return it == nodeOf_.end() ? nullptr : it->second;
}

const ResultSlot* ResultAdditions::slotOf(const Node* node) const {
  const auto it = slotOf_.find(node);
  return it == slotOf_.end() ? nullptr : it->second;
}

bool ResultAdditions::owns(const Node* node) const { return pathOf_.count(node) != 0; }

const Node* ResultAdditions::parentOf(const Node* node) const {
  if (!node) return nullptr;
  if (const auto it = graftParent_.find(node); it != graftParent_.end()) return it->second;
  return node->parent();
}

const Node* ResultAdditions::realAncestor(const Node* node) const {
  while (node && owns(node)) node = parentOf(node);
  return node;
}

std::string ResultAdditions::pathOf(const Node* node) const {
  const auto it = pathOf_.find(node);
  return it == pathOf_.end() ? node->path() : it->second;
}

const Node* ResultAdditions::find(const std::string& path) const {
  const auto it = byPath_.find(path);
  return it == byPath_.end() ? nullptr : it->second;
}

}  // namespace graft::ui
