#include "merge/conflict_resolution.h"

namespace graft {

std::optional<ConflictPolicy> conflictPolicyFromName(const std::string& name) {
  if (name == "fail") return ConflictPolicy::Fail;
  if (name == "skip") return ConflictPolicy::Skip;
  if (name == "slice") return ConflictPolicy::Slice;
  if (name == "pad") return ConflictPolicy::Pad;
  return std::nullopt;
}

MergePlan expandLayerCopies(const MergePlan& plan, const MergeEvaluation& evaluation) {
  MergePlan out = plan;
  out.operations.clear();
  for (std::size_t i = 0; i < plan.operations.size(); ++i) {
    const Operation& op = plan.operations[i];
    if (op.kind != OperationKind::CopyLayer) {
      out.operations.push_back(op);
      continue;
    }
    for (const auto& slot : evaluation.slots)
      if (slot.operation == static_cast<int>(i) && slot.source && slot.target) {
        Operation copy;
        copy.kind = OperationKind::Copy;
        copy.source = slot.source->path();
        copy.target = slot.target->path();
        copy.transforms = op.transforms;
        copy.reason = op.reason;
        out.operations.push_back(std::move(copy));
      }
  }
  return out;
}

std::optional<std::vector<Transform>> fitTransforms(const Shape& from, const Shape& to, bool allowSlice, bool allowPad) {
  if (from.rank() != to.rank()) return std::nullopt;
  bool slice = false, pad = false;
  std::vector<std::pair<std::int64_t, std::int64_t>> ranges;
  std::vector<std::int64_t> sliced;
  for (std::size_t i = 0; i < from.rank(); ++i) {
    slice = slice || from[i] > to[i];
    pad = pad || from[i] < to[i];
    ranges.emplace_back(0, std::min(from[i], to[i]));
    sliced.push_back(std::min(from[i], to[i]));
  }
  if ((slice && !allowSlice) || (pad && !allowPad)) return std::nullopt;
  std::vector<Transform> transforms;
  if (slice) transforms.push_back(Transform::slice(std::move(ranges)));
  if (pad) transforms.push_back(Transform::pad(to));
  return transforms;
}

MergePlan resolveConflicts(const MergePlan& plan, const Checkpoint& source, const Checkpoint& target, ConflictPolicy policy) {
  if (policy == ConflictPolicy::Fail) return plan;
  MergePlan expanded = expandLayerCopies(plan, evaluatePlan(source, target, plan));
  const MergeEvaluation evaluation = evaluatePlan(source, target, expanded);
  std::vector<bool> remove(expanded.operations.size(), false);
  for (const auto& slot : evaluation.slots) {
    if (!isConflict(slot.status) || slot.operation < 0) continue;
    Operation& op = expanded.operations[static_cast<std::size_t>(slot.operation)];
    if (op.kind != OperationKind::Copy || !slot.source || !slot.target) {
      if (policy == ConflictPolicy::Skip) remove[static_cast<std::size_t>(slot.operation)] = true;
      continue;
    }
    if (policy == ConflictPolicy::Skip) {
      remove[static_cast<std::size_t>(slot.operation)] = true;
    } else if (slot.status == SlotStatus::ConflictShape) {
      const TransformOutcome now = applyTransforms(slot.source->tensor()->dtype, slot.source->tensor()->shape, op.transforms);
      if (!now.error.empty()) continue;
      if (auto fit = fitTransforms(now.shape, slot.target->tensor()->shape, policy == ConflictPolicy::Slice,
                                   policy == ConflictPolicy::Pad)) {
        op.transforms.insert(op.transforms.end(), fit->begin(), fit->end());
        op.reason += (op.reason.empty() ? "" : "; ") + std::string(policy == ConflictPolicy::Slice ? "sliced" : "padded") + " to fit";
      }
    }
  }
  MergePlan out = expanded;
  out.operations.clear();
  for (std::size_t i = 0; i < expanded.operations.size(); ++i)
    if (!remove[i]) out.operations.push_back(expanded.operations[i]);
  return out;
}

}  // namespace graft
