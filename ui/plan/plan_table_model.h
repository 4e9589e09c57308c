#pragma once
// The plan as a table: one row per operation with what it does and how it came out.

#include <QAbstractTableModel>

#include "merge/merge_evaluation.h"

namespace graft::ui {

class PlanDocument;

class PlanTableModel : public QAbstractTableModel {
  Q_OBJECT
 public:
  enum Column { OperationColumn, SourceColumn, TargetColumn, TransformsColumn, StatusColumn, MessageColumn, ColumnCount };
  explicit PlanTableModel(PlanDocument* document, QObject* parent = nullptr);

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

  // The most urgent slot an operation decided (a conflict before a change), or nullptr.
  const ResultSlot* slotOf(int operation) const;

 private:
  PlanDocument* document_;
};

}  // namespace graft::ui
