#pragma once
// The variables a plan adds to the target, as nodes the target tree can show: the target
// pane shows the merge result, so an added tensor appears where it will be written, under the
// deepest target node its result path shares (new layers and groups created on the way).

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "checkpoint/tree_projection.h"
#include "merge/merge_evaluation.h"

namespace graft::ui {

class ResultAdditions {
 public:
  ResultAdditions() = default;
  ResultAdditions(const Checkpoint& target, const MergeEvaluation& evaluation);

  // Top-level added nodes and the target nodes they hang under, for TreeProjection.
  const std::vector<TreeProjection::Graft>& grafts() const { return grafts_; }
  // The added variable for a result slot (null when the slot is not an addition).
  const Node* nodeFor(const ResultSlot& slot) const;
  // The slot an added variable stands for (null for any other node).
  const ResultSlot* slotOf(const Node* node) const;
  bool owns(const Node* node) const;
  // The parent an added node is shown under: its own parent, or the target node it is grafted on.
  const Node* parentOf(const Node* node) const;
  // The nearest real target node at or above `node`.
  const Node* realAncestor(const Node* node) const;
  // Result path of an added node ("dense_2/kernel:0").
  std::string pathOf(const Node* node) const;
  // An added node by its result path (null when none).
  const Node* find(const std::string& path) const;
  bool empty() const { return tops_.empty(); }

 private:
  std::vector<std::unique_ptr<Node>> tops_;
  std::vector<TreeProjection::Graft> grafts_;
  std::unordered_map<const Node*, const Node*> graftParent_;   // top added node -> target node
  std::unordered_map<const Node*, const ResultSlot*> slotOf_;  // added variable -> slot
  std::unordered_map<const ResultSlot*, const Node*> nodeOf_;
  std::unordered_map<std::string, const Node*> byPath_;
  std::unordered_map<const Node*, std::string> pathOf_;
};

}  // namespace graft::ui
