#pragma once
// A QAbstractItemModel over a core checkpoint's Node tree. It renders; it never reads
// tensor bytes. Rows are created lazily by the view, so large trees cost nothing up front.

#include <QAbstractItemModel>

#include <memory>

#include "checkpoint/checkpoint.h"
#include "plan/result_status.h"

namespace graft::ui {

class CheckpointTreeModel : public QAbstractItemModel {
  Q_OBJECT
 public:
  enum Column { NameColumn, ShapeColumn, DTypeColumn, ParamsColumn, StatusColumn, ColumnCount };
  static constexpr int NodeRole = Qt::UserRole + 1;  // const graft::Node* of the row

  explicit CheckpointTreeModel(QObject* parent = nullptr);

  void setCheckpoint(std::shared_ptr<const Checkpoint> checkpoint);
  // The plan's effect on this (target) tree; an empty map shows nothing changed.
  void setStatuses(NodeStatuses statuses);
  const NodeStatus* statusOf(const Node* node) const;
  // Source trees drag their nodes; target trees accept drops through the handler.
  void setDragSource(bool enabled) { dragSource_ = enabled; }
  void setDropHandler(class DropHandler* handler) { dropHandler_ = handler; }
  class DropHandler* dropHandler() const { return dropHandler_; }
  const Checkpoint* checkpoint() const { return checkpoint_.get(); }
  const Node* nodeAt(const QModelIndex& index) const;
  QModelIndex indexOf(const Node* node, int column = 0) const;

  QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
  QModelIndex parent(const QModelIndex& child) const override;
  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
  Qt::ItemFlags flags(const QModelIndex& index) const override;
  QStringList mimeTypes() const override;
  QMimeData* mimeData(const QModelIndexList& indexes) const override;
  Qt::DropActions supportedDragActions() const override { return Qt::CopyAction; }
  Qt::DropActions supportedDropActions() const override { return Qt::CopyAction; }
  bool canDropMimeData(const QMimeData* data, Qt::DropAction action, int row, int column, const QModelIndex& parent) const override;
  bool dropMimeData(const QMimeData* data, Qt::DropAction action, int row, int column, const QModelIndex& parent) override;

 private:
  const Node* nodeOrRoot(const QModelIndex& index) const;
  QVariant display(const Node& node, int column) const;
  QString toolTip(const Node& node) const;

  const Node* dropTarget(int row, const QModelIndex& parent) const;

  std::shared_ptr<const Checkpoint> checkpoint_;
  NodeStatuses statuses_;
  bool dragSource_ = false;
  class DropHandler* dropHandler_ = nullptr;
};

}  // namespace graft::ui
