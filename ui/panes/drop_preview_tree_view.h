#pragma once
// The target tree: while something is dragged over it, a preview beside the cursor lists the
// pairs the drop would create and their status; impossible drops are refused.

#include <QTreeView>

namespace graft::ui {

class DropPreviewTreeView : public QTreeView {
  Q_OBJECT
 public:
  using QTreeView::QTreeView;
  QString lastPreview() const { return lastPreview_; }

 protected:
  void dragMoveEvent(QDragMoveEvent* event) override;
  void dragLeaveEvent(QDragLeaveEvent* event) override;
  void dropEvent(QDropEvent* event) override;

 private:
  QString lastPreview_;
};

}  // namespace graft::ui
