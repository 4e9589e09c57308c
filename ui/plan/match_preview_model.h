#pragma once
// The Auto-match dialog's preview: each proposed pair, why it matched and how it would come
// out, judged by evaluating the current plan with the proposals appended.

#include <QAbstractTableModel>

#include <vector>

#include "merge/merge_evaluation.h"

namespace graft::ui {

class MatchPreviewModel : public QAbstractTableModel {
  Q_OBJECT
 public:
  enum Column { PairColumn, ReasonColumn, StatusColumn, ColumnCount };

  struct Row {
    Operation operation;
    SlotStatus status = SlotStatus::Unchanged;  // the most urgent slot it decides
    QString message;                            // that slot's message, or the plan problem
  };

  explicit MatchPreviewModel(QObject* parent = nullptr);

  // Evaluates `plan` + `proposals` once and keeps one row per proposal.
  void setProposals(const Checkpoint& source, const Checkpoint& target, const MergePlan& plan,
                    const std::vector<Operation>& proposals);
  void clear();
  const Row& row(int index) const { return rows_[static_cast<std::size_t>(index)]; }

  // The words the transplant preview uses too: "fits", "converts", "conflict".
  static QString verdict(SlotStatus status);

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

 private:
  std::vector<Row> rows_;
};

}  // namespace graft::ui
