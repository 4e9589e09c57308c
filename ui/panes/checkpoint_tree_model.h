#pragma once
// A QAbstractItemModel over a core checkpoint's Node tree. It renders; it never reads
// tensor bytes. Rows are created lazily by the view, so large trees cost nothing up front.

#include <QAbstractItemModel>

#include <memory>

#include "checkpoint/checkpoint.h"

namespace graft::ui {

class CheckpointTreeModel : public QAbstractItemModel {
  Q_OBJECT
 public:
  enum Column { NameColumn, ShapeColumn, DTypeColumn, ParamsColumn, ColumnCount };
  static constexpr int NodeRole = Qt::UserRole + 1;  // const graft::Node* of the row

  explicit CheckpointTreeModel(QObject* parent = nullptr);

  void setCheckpoint(std::shared_ptr<const Checkpoint> checkpoint);
  const Checkpoint* checkpoint() const { return checkpoint_.get(); }
  const Node* nodeAt(const QModelIndex& index) const;
  QModelIndex indexOf(const Node* node, int column = 0) const;

  QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
  QModelIndex parent(const QModelIndex& child) const override;
  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

 private:
  const Node* nodeOrRoot(const QModelIndex& index) const;
  QVariant display(const Node& node, int column) const;
  QString toolTip(const Node& node) const;

  std::shared_ptr<const Checkpoint> checkpoint_;
};

}  // namespace graft::ui
