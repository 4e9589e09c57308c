#include "plan/plan_table_model.h"

#include "plan/plan_document.h"
#include "plan/result_status.h"

namespace graft::ui {

PlanTableModel::PlanTableModel(PlanDocument* document, QObject* parent) : QAbstractTableModel(parent), document_(document) {
  connect(document_, &PlanDocument::planChanged, this, [this] {
    beginResetModel();
    endResetModel();
  });
}

int PlanTableModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(document_->plan().operations.size());
}

int PlanTableModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

const ResultSlot* PlanTableModel::slotOf(int operation) const {
  const ResultSlot* best = nullptr;
  for (const auto& s : document_->evaluation().slots)
    if (s.operation == operation && (!best || (isConflict(s.status) && !isConflict(best->status)))) best = &s;
  return best;
}

QVariant PlanTableModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= rowCount()) return {};
  const Operation& op = document_->plan().operations[static_cast<std::size_t>(index.row())];
  const ResultSlot* slot = slotOf(index.row());
  QString problem;
  for (const auto& p : document_->evaluation().problems)
    if (p.operation == index.row()) problem = QString::fromStdString(p.message);
  const SlotStatus status = !problem.isEmpty() ? SlotStatus::ConflictMissing : slot ? slot->status : SlotStatus::Unchanged;
  if (role == Qt::DisplayRole || role == Qt::ToolTipRole) {
    switch (index.column()) {
      case OperationColumn: return QString::fromLatin1(operationKindName(op.kind).data());
      case SourceColumn: return QString::fromStdString(op.source);
      case TargetColumn: return QString::fromStdString(op.kind == OperationKind::Rename ? op.target + " → " + op.newName : op.target);
      case TransformsColumn: return QString::fromStdString(describeTransforms(op.transforms));
      case StatusColumn: return !problem.isEmpty() ? tr("problem") : statusLabel(status);
      case MessageColumn:
        if (!problem.isEmpty()) return problem;
        return QString::fromStdString(slot ? slot->message : op.reason);
      default: return {};
    }
  }
  if (index.column() == StatusColumn) {
    if (role == Qt::DecorationRole) return statusIcon(status);
    if (role == Qt::ForegroundRole) return statusColor(status);
  }
  return {};
}

QVariant PlanTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation == Qt::Horizontal && role == Qt::ToolTipRole) {
    switch (section) {
      case OperationColumn: return tr("What the step does: copy a weight, copy a layer, add, drop or rename a node");
      case SourceColumn: return tr("Where the weights come from, as a path in the source tree");
      case TargetColumn: return tr("Where they go, as a path in the target tree");
      case TransformsColumn: return tr("Shape and dtype fixes applied on the way: slice, pad, reshape, transpose, cast");
      case StatusColumn: return tr("What the step does to the result: replaced, converted, added, dropped, or a conflict to resolve");
      case MessageColumn: return tr("Why the step was proposed, or what is wrong and how to fix it (right-click a conflict in the target)");
      default: return {};
    }
  }
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return QAbstractTableModel::headerData(section, orientation, role);
  switch (section) {
    case OperationColumn: return tr("Operation");
    case SourceColumn: return tr("Source");
    case TargetColumn: return tr("Target");
    case TransformsColumn: return tr("Transforms");
    case StatusColumn: return tr("Status");
    case MessageColumn: return tr("Details");
    default: return {};
  }
}

}  // namespace graft::ui
