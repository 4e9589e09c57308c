#pragma once
// One side of the window: a header describing the open checkpoint and its tree. Files
// dropped from the desktop onto the pane are offered for opening here.

#include <QWidget>

#include <memory>

#include "checkpoint/checkpoint.h"
#include "checkpoint/flat_tree.h"

class QLabel;
class QLineEdit;
class QStackedWidget;
class QToolButton;
class QTreeView;

namespace graft::ui {

class CheckpointTreeModel;

class CheckpointPane : public QWidget {
  Q_OBJECT
 public:
  // title: "Source" or "Target"
  explicit CheckpointPane(const QString& title, QWidget* parent = nullptr);

  // `tree`: the checkpoint laid out flat, when the caller built it off the UI thread.
  void setCheckpoint(std::shared_ptr<const Checkpoint> checkpoint, std::shared_ptr<const FlatTree> tree = nullptr);
  void makeDragSource();                         // the source: its nodes can be dragged
  void makeDropTarget(class DropHandler* handler);  // the target: shows statuses, takes drops
  const Checkpoint* checkpoint() const;
  void setBusy(const QString& message);  // shows what is being opened until a checkpoint arrives
  void clearBusy();

  QTreeView* treeView() const { return tree_; }
  CheckpointTreeModel* model() const { return model_; }
  QString headerText() const;

  // The filter row: substring (or regex when toggled) over tree paths, with a match count.
  QLineEdit* filterEdit() const { return filterEdit_; }
  QToolButton* regexToggle() const { return regexToggle_; }
  QString filterStatus() const;  // "12 matches", or why the expression is invalid
  void setShowOptimizer(bool show);

 Q_SIGNALS:
  void fileDropped(const QString& path);

 protected:
  void dragEnterEvent(QDragEnterEvent* event) override;
  void dropEvent(QDropEvent* event) override;

 private:
  void updateHeader();
  void applyFilter();
  void showFilterStatus(const QString& error);
  // Opens the branches that lead to matches, within a budget so a filter matching most of a
  // huge tree stays quick; without a filter, the top level.
  void expandForFilter();

  QString title_;
  QLabel* header_ = nullptr;
  QLabel* placeholder_ = nullptr;
  QStackedWidget* stack_ = nullptr;
  QTreeView* tree_ = nullptr;
  QLineEdit* filterEdit_ = nullptr;
  QToolButton* regexToggle_ = nullptr;
  QLabel* filterStatus_ = nullptr;
  CheckpointTreeModel* model_ = nullptr;
};

}  // namespace graft::ui
