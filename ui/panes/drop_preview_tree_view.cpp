#include "panes/drop_preview_tree_view.h"

#include <QDragMoveEvent>
#include <QToolTip>

#include "panes/checkpoint_tree_model.h"
#include "panes/drop_handler.h"

namespace graft::ui {

void DropPreviewTreeView::dragMoveEvent(QDragMoveEvent* event) {
  QTreeView::dragMoveEvent(event);  // decides the drop indicator and acceptance via the model
  auto* m = qobject_cast<CheckpointTreeModel*>(model());
  const QModelIndex at = indexAt(event->position().toPoint());
  const Node* onto = m ? m->nodeAt(at.sibling(at.row(), 0)) : nullptr;
  if (!m || !m->dropHandler()) return;
  lastPreview_ = m->dropHandler()->preview(event->mimeData(), onto);
  QToolTip::showText(viewport()->mapToGlobal(event->position().toPoint()) + QPoint(18, 12), lastPreview_, viewport());
}

void DropPreviewTreeView::dragLeaveEvent(QDragLeaveEvent* event) {
  QToolTip::hideText();
  QTreeView::dragLeaveEvent(event);
}

void DropPreviewTreeView::dropEvent(QDropEvent* event) {
  QToolTip::hideText();
  QTreeView::dropEvent(event);
}

}  // namespace graft::ui
