#pragma once
// What a plan would do, judged before any byte is written: every slot of the result gets one
// status and a message a person understands, and plan-level problems are listed.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "checkpoint/checkpoint.h"
#include "merge/merge_plan.h"

namespace graft {

enum class SlotStatus {
  Unchanged,        // kept from the target as it is
  Replaced,         // takes a source tensor as it is
  Converted,        // takes a source tensor through transforms
  Added,            // a source tensor the target did not have
  Dropped,          // removed from the result
  ConflictShape,    // the source does not fit the slot's shape
  ConflictDType,    // dtypes differ and no cast was given
  ConflictMissing,  // an operation names something that does not exist
};

std::string_view slotStatusName(SlotStatus status);  // "unchanged", "conflict-shape", ...
bool isConflict(SlotStatus status);

struct ResultSlot {
  std::string path;               // the slot's tree path in the result (after renames)
  std::string outputKey;          // its native key in the result file
  const Node* target = nullptr;   // the target variable it was (null when added)
  const Node* source = nullptr;   // the source variable feeding it (null when kept from the target)
  std::vector<Transform> transforms;
  SlotStatus status = SlotStatus::Unchanged;
  std::string message;            // "dense/kernel:0: source (128, 10) does not fit target (128, 5) — ..."
  int operation = -1;             // index of the operation that decided it, -1 for none
  DType dtype = DType::Float32;   // the result's dtype and shape (the target's for conflicts)
  Shape shape;
  NodeRole role = NodeRole::Weights;
};

struct PlanProblem {
  int operation = -1;
  std::string message;
};

struct MergeEvaluation {
  std::vector<ResultSlot> slots;  // result order: target order, added variables after
  std::vector<PlanProblem> problems;

  std::size_t count(SlotStatus status) const;
  std::size_t conflictCount() const;  // conflicting slots plus plan-level problems
  bool hasConflicts() const { return conflictCount() > 0; }
  const ResultSlot* findByPath(const std::string& path) const;
  const ResultSlot* findByTarget(const Node* target) const;
};

// Target paths in operations are the target file's own paths (before renames); added nodes
// are addressed by the path they get in the result.
MergeEvaluation evaluatePlan(const Checkpoint& source, const Checkpoint& target, const MergePlan& plan);

// "source (128, 10) does not fit target (128, 5) — slice or pad dimension 1"
std::string describeShapeMismatch(const Shape& source, const Shape& target);

}  // namespace graft
