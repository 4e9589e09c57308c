#pragma once
// One side of the window: a header describing the open checkpoint and its tree. Files
// dropped from the desktop onto the pane are offered for opening here.

#include <QWidget>

#include <memory>

#include "checkpoint/checkpoint.h"

class QLabel;
class QStackedWidget;
class QTreeView;

namespace graft::ui {

class CheckpointTreeModel;

class CheckpointPane : public QWidget {
  Q_OBJECT
 public:
  // title: "Source" or "Target"
  explicit CheckpointPane(const QString& title, QWidget* parent = nullptr);

  void setCheckpoint(std::shared_ptr<const Checkpoint> checkpoint);
  void makeDragSource();                         // the source: its nodes can be dragged
  void makeDropTarget(class DropHandler* handler);  // the target: shows statuses, takes drops
  const Checkpoint* checkpoint() const;
  void setBusy(const QString& message);  // shows what is being opened until a checkpoint arrives
  void clearBusy();

  QTreeView* treeView() const { return tree_; }
  CheckpointTreeModel* model() const { return model_; }
  QString headerText() const;

 Q_SIGNALS:
  void fileDropped(const QString& path);

 protected:
  void dragEnterEvent(QDragEnterEvent* event) override;
  void dropEvent(QDropEvent* event) override;

 private:
  void updateHeader();

  QString title_;
  QLabel* header_ = nullptr;
  QLabel* placeholder_ = nullptr;
  QStackedWidget* stack_ = nullptr;
  QTreeView* tree_ = nullptr;
  CheckpointTreeModel* model_ = nullptr;
};

}  // namespace graft::ui
