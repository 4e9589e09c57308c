#pragma once
// Gestures a person makes in the window, for tests that drive it end to end: filter and
// select in the source tree, drag the selection onto a target row (or empty space) with real
// drag events on the view, pick an entry of the target tree's context menu, export through the
// dialog and wait.

#include <QApplication>
#include <QDragMoveEvent>
#include <QDropEvent>
#include <QLineEdit>
#include <QMenu>
#include <QMimeData>
#include <QSignalSpy>
#include <QTest>
#include <QTimer>
#include <QTreeView>

#include <memory>
#include <string>
#include <vector>

#include "export/export_dialog.h"
#include "export/export_worker.h"
#include "main_window.h"
#include "panes/checkpoint_pane.h"
#include "panes/checkpoint_tree_model.h"
#include "panes/drop_preview_tree_view.h"

namespace graft::test {

using GestureSide = ui::MainWindow::Side;

// Clicks the rows of `paths` in a pane (Ctrl-click after the first), as a person selects.
inline void selectRows(ui::MainWindow& w, GestureSide side, const std::vector<std::string>& paths) {
  ui::CheckpointPane* pane = w.pane(side);
  QTreeView* view = pane->treeView();
  view->clearSelection();
  bool first = true;
  for (const auto& p : paths) {
    const QModelIndex i = pane->model()->indexOf(pane->model()->findNode(p));
    view->scrollTo(i);
    QTest::mouseClick(view->viewport(), Qt::LeftButton, first ? Qt::NoModifier : Qt::ControlModifier, view->visualRect(i).center());
    first = false;
  }
}

// Drags the source tree's selection onto the target row `onto` ("" = empty space below the
// rows) with drag-enter/move/drop events on the target view. Returns the preview shown while
// hovering; `accepted` says whether the view took the drop.
inline QString dragSelectionOnto(ui::MainWindow& w, const std::string& onto, bool* accepted = nullptr) {
  ui::CheckpointPane* from = w.pane(GestureSide::Source);
  ui::CheckpointPane* to = w.pane(GestureSide::Target);
  QModelIndexList rows = from->treeView()->selectionModel()->selectedRows();
  std::unique_ptr<QMimeData> mime(from->model()->mimeData(rows));
  auto* view = static_cast<ui::DropPreviewTreeView*>(to->treeView());
  QPoint pos;
  if (onto.empty()) {
    pos = QPoint(view->viewport()->width() / 2, view->viewport()->height() - 4);
    if (view->indexAt(pos).isValid()) view->collapseAll();  // make room: empty space must be visible
    pos = QPoint(view->viewport()->width() / 2, view->viewport()->height() - 4);
  } else {
    const QModelIndex i = to->model()->indexOf(to->model()->findNode(onto));
    view->scrollTo(i);
    pos = view->visualRect(i).center();
  }
  QDragEnterEvent enter(pos, Qt::CopyAction, mime.get(), Qt::LeftButton, Qt::NoModifier);
  QApplication::sendEvent(view->viewport(), &enter);
  QDragMoveEvent move(pos, Qt::CopyAction, mime.get(), Qt::LeftButton, Qt::NoModifier);
  QApplication::sendEvent(view->viewport(), &move);
  const QString preview = view->lastPreview();
  if (accepted) *accepted = move.isAccepted();
  if (move.isAccepted()) {
    QDropEvent drop(QPointF(pos), Qt::CopyAction, mime.get(), Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(view->viewport(), &drop);
  }
  return preview;
}

// Right-clicks the target row `path` and chooses the menu entry starting with `label`.
// Returns the entries the menu offered.
inline QStringList chooseFromTargetMenu(ui::MainWindow& w, const std::string& path, const QString& label) {
  ui::CheckpointPane* to = w.pane(GestureSide::Target);
  QTreeView* view = to->treeView();
  const QModelIndex i = to->model()->indexOf(to->model()->findNode(path));
  view->scrollTo(i);
  QStringList offered;
  QTimer::singleShot(0, [&] {
    auto* menu = qobject_cast<QMenu*>(QApplication::activePopupWidget());
    if (!menu) return;
    for (QAction* a : menu->actions()) {
      if (!a->isSeparator()) offered << a->text();
      if (!a->isSeparator() && a->text().startsWith(label)) menu->setActiveAction(a);
    }
    if (menu->activeAction()) QTest::keyClick(menu, Qt::Key_Return);
    else menu->close();
  });
  Q_EMIT view->customContextMenuRequested(view->visualRect(i).center());
  return offered;
}

// Exports the plan through the dialog to `output` and waits; returns the dialog's summary.
inline QString exportThroughDialog(ui::MainWindow& w, const QString& output) {
  ui::ExportDialog* dialog = w.showExportDialog();
  if (!dialog) return QStringLiteral("no dialog");
  dialog->setOutputPath(output);
  QSignalSpy done(dialog->worker(), &ui::ExportWorker::finished);
  if (!dialog->startExport(true)) return dialog->summaryText();
  if (!done.wait(60000)) return QStringLiteral("timed out");
  const QString summary = dialog->summaryText();
  dialog->close();
  return summary;
}

}  // namespace graft::test
