#pragma once
// Turning conflicts into decisions, the way `--on-conflict` and the window's context menu do.

#include <optional>
#include <string>
#include <vector>

#include "merge/merge_evaluation.h"

namespace graft {

enum class ConflictPolicy { Fail, Skip, Slice, Pad };
std::optional<ConflictPolicy> conflictPolicyFromName(const std::string& name);  // "fail", "skip", "slice", "pad"

// The plan with each copy-layer replaced by the variable copies it makes, so that every pair
// can be resolved on its own.
MergePlan expandLayerCopies(const MergePlan& plan, const MergeEvaluation& evaluation);

// Transforms that make `from` fit `to` by slicing (allowSlice) or zero-padding (allowPad)
// each dimension; nullopt when ranks differ or a dimension needs the other kind.
std::optional<std::vector<Transform>> fitTransforms(const Shape& from, const Shape& to, bool allowSlice, bool allowPad);

// Skip: conflicting copies are dropped (the target keeps its tensor). Slice / Pad: shape
// conflicts that slicing / padding fixes get those transforms. Fail: the plan as it is.
MergePlan resolveConflicts(const MergePlan& plan, const Checkpoint& source, const Checkpoint& target, ConflictPolicy policy);

}  // namespace graft
