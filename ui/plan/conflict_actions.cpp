#include "plan/conflict_actions.h"

#include <QObject>

#include "merge/conflict_resolution.h"
#include "plan/plan_document.h"

namespace graft::ui {
namespace {

// The copy operation behind a slot; a copy-layer is first split into its copies (same undo step).
int copyOperationFor(PlanDocument* document, const ResultSlot& slot) {
  const auto& ops = document->plan().operations;
  if (slot.operation < 0 || slot.operation >= static_cast<int>(ops.size())) return -1;
  if (ops[static_cast<std::size_t>(slot.operation)].kind != OperationKind::CopyLayer) return slot.operation;
  const std::string source = slot.source ? slot.source->path() : std::string();
  const std::string target = slot.target ? slot.target->path() : slot.path;
  MergePlan expanded = expandLayerCopies(document->plan(), document->evaluation());
  document->replacePlan(expanded.operations, expanded.keepOptimizer, QObject::tr("Split layer copy"));
  const auto& now = document->plan().operations;
  for (std::size_t i = 0; i < now.size(); ++i)
    if (now[i].kind == OperationKind::Copy && now[i].source == source && now[i].target == target) return static_cast<int>(i);
  return -1;
}

void withTransforms(PlanDocument* document, const ResultSlot& slot, std::vector<Transform> extra, const QString& text) {
  document->undoStack()->beginMacro(text);
  const int index = copyOperationFor(document, slot);
  if (index >= 0) {
    Operation op = document->plan().operations[static_cast<std::size_t>(index)];
    op.transforms.insert(op.transforms.end(), extra.begin(), extra.end());
    document->replaceOperation(index, std::move(op), text);
  }
  document->undoStack()->endMacro();
}

}  // namespace

std::vector<Resolution> resolutionsFor(PlanDocument* document, const ResultSlot& slot) {
  std::vector<Resolution> out;
  if (!isConflict(slot.status) || slot.operation < 0) return out;
  if (slot.source && slot.target) {
    const TensorInfo& t = *slot.target->tensor();
    const Operation& op = document->plan().operations[static_cast<std::size_t>(slot.operation)];
    const TransformOutcome now = applyTransforms(slot.source->tensor()->dtype, slot.source->tensor()->shape,
                                                 op.kind == OperationKind::Copy || op.kind == OperationKind::CopyLayer ? op.transforms : std::vector<Transform>{});
    const QString shape = QString::fromStdString(t.shape.toString());
    if (now.error.empty() && slot.status == SlotStatus::ConflictShape) {
      if (auto fit = fitTransforms(now.shape, t.shape, true, false))
        out.push_back({QObject::tr("Slice to fit %1").arg(shape), [=] { withTransforms(document, slot, *fit, QObject::tr("Slice to fit")); }});
      if (auto fit = fitTransforms(now.shape, t.shape, false, true))
        out.push_back({QObject::tr("Pad with zeros to %1").arg(shape), [=] { withTransforms(document, slot, *fit, QObject::tr("Pad with zeros")); }});
      if (auto fit = fitTransforms(now.shape, t.shape, true, true); fit && fit->size() == 2)
        out.push_back({QObject::tr("Slice and pad to %1").arg(shape), [=] { withTransforms(document, slot, *fit, QObject::tr("Slice and pad")); }});
      if (now.shape.rank() == 2 && now.shape[0] == t.shape[1] && now.shape[1] == t.shape[0])
        out.push_back({QObject::tr("Transpose"), [=] { withTransforms(document, slot, {Transform::transpose({1, 0})}, QObject::tr("Transpose")); }});
      if (now.shape.elementCount() == t.shape.elementCount())
        out.push_back({QObject::tr("Reshape to %1").arg(shape), [=] { withTransforms(document, slot, {Transform::reshape(t.shape)}, QObject::tr("Reshape")); }});
    }
    if (now.error.empty() && slot.status == SlotStatus::ConflictDType) {
      const QString dtype = QString::fromLatin1(dtypeName(t.dtype).data());
      out.push_back({QObject::tr("Cast to %1").arg(dtype), [=] { withTransforms(document, slot, {Transform::cast(t.dtype)}, QObject::tr("Cast to %1").arg(dtype)); }});
    }
  }
  out.push_back({QObject::tr("Skip (keep the target's tensor)"), [=] {
                   document->undoStack()->beginMacro(QObject::tr("Skip"));
                   const int index = copyOperationFor(document, slot);
                   if (index >= 0) document->removeOperations({index});
                   document->undoStack()->endMacro();
                 }});
  return out;
}

}  // namespace graft::ui
