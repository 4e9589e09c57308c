#include "plan/match_preview_model.h"

#include "plan/result_status.h"

namespace graft::ui {

namespace {

// A copy-layer decides several slots: a conflict outranks a conversion, which outranks a fit.
int urgency(SlotStatus s) { return isConflict(s) ? 3 : s == SlotStatus::Converted ? 2 : s == SlotStatus::Unchanged ? 0 : 1; }

}  // namespace

MatchPreviewModel::MatchPreviewModel(QObject* parent) : QAbstractTableModel(parent) {}

void MatchPreviewModel::setProposals(const Checkpoint& source, const Checkpoint& target, const MergePlan& plan,
                                     const std::vector<Operation>& proposals) {
  MergePlan trial = plan;
  const std::size_t first = trial.operations.size();
  trial.operations.insert(trial.operations.end(), proposals.begin(), proposals.end());
  const MergeEvaluation e = evaluatePlan(source, target, trial);

  std::vector<Row> rows(proposals.size());
  for (std::size_t i = 0; i < proposals.size(); ++i) rows[i].operation = proposals[i];
  for (const auto& slot : e.slots) {
    if (slot.operation < 0 || static_cast<std::size_t>(slot.operation) < first) continue;
    Row& r = rows[static_cast<std::size_t>(slot.operation) - first];
    if (r.message.isEmpty() || urgency(slot.status) > urgency(r.status)) {
      r.status = slot.status;
      r.message = QString::fromStdString(slot.message);
    }
  }
  for (const auto& p : e.problems) {
    if (p.operation < 0 || static_cast<std::size_t>(p.operation) < first) continue;
    Row& r = rows[static_cast<std::size_t>(p.operation) - first];
    r.status = SlotStatus::ConflictMissing;
    r.message = QString::fromStdString(p.message);
  }
  beginResetModel();
  rows_ = std::move(rows);
  endResetModel();
}

void MatchPreviewModel::clear() {
  beginResetModel();
  rows_.clear();
  endResetModel();
}

QString MatchPreviewModel::verdict(SlotStatus status) {
  if (isConflict(status)) return tr("conflict");
  switch (status) {
    case SlotStatus::Converted: return tr("converts");
    case SlotStatus::Replaced: case SlotStatus::Added: return tr("fits");
    default: return statusLabel(status);
  }
}

int MatchPreviewModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : static_cast<int>(rows_.size()); }

int MatchPreviewModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant MatchPreviewModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= rowCount()) return {};
  const Row& r = row(index.row());
  if (role == Qt::DisplayRole) {
    switch (index.column()) {
      case PairColumn: return QString::fromStdString(r.operation.source + " → " + r.operation.target);
      case ReasonColumn: return QString::fromStdString(r.operation.reason);
      case StatusColumn: return verdict(r.status);
      default: return {};
    }
  }
  if (role == Qt::ToolTipRole) {
    // Cells are elided; the tooltip carries the whole pair and what the evaluation said.
    const QString pair = QString::fromStdString(std::string(operationKindName(r.operation.kind)) + " " + r.operation.source +
                                                " → " + r.operation.target);
    return index.column() == StatusColumn ? r.message : pair + QStringLiteral("\n") + QString::fromStdString(r.operation.reason);
  }
  if (index.column() == StatusColumn) {
    if (role == Qt::DecorationRole) return statusIcon(r.status);
    if (role == Qt::ForegroundRole) return statusColor(r.status);
  }
  return {};
}

QVariant MatchPreviewModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation == Qt::Horizontal && role == Qt::ToolTipRole) {
    switch (section) {
      case PairColumn: return tr("The proposed pair: a source weight and the target weight it would replace");
      case ReasonColumn: return tr("Why the strategy paired them (same name, normalized name, layer order, shape)");
      case StatusColumn: return tr("What the pair would do to the result, conflicts included, before anything is added");
      default: return {};
    }
  }
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return QAbstractTableModel::headerData(section, orientation, role);
  switch (section) {
    case PairColumn: return tr("Source → Target");
    case ReasonColumn: return tr("Reason");
    case StatusColumn: return tr("Status");
    default: return {};
  }
}

}  // namespace graft::ui
