// Screenshots of the real window in the moments a person sees most: a drag with its drop
// preview, the context menu of a conflict, an export under way. Written to
// $GRAFT_SCREENSHOT_DIR (else the temp folder) for people to look at.
//
// Tooltips, menus and dialogs are top-level windows of their own, so a grab of the main
// window misses them: each picture is the window's grab with the popup's grab painted at its
// place relative to the window. The offscreen platform draws no mouse cursor; where one
// matters, an arrow is painted at the pointer's position.

#include <gtest/gtest.h>

#include <QApplication>
#include <QDir>
#include <QDragMoveEvent>
#include <QElapsedTimer>
#include <QMenu>
#include <QMimeData>
#include <QPainter>
#include <QProgressBar>
#include <QSignalSpy>
#include <QTest>
#include <QTimer>
#include <QToolTip>
#include <QTreeView>

#include <iostream>
#include <optional>

#include "checkpoint_variants.h"
#include "export/export_dialog.h"
#include "export/export_worker.h"
#include "main_window.h"
#include "merge/matcher.h"
#include "panes/checkpoint_pane.h"
#include "panes/checkpoint_tree_model.h"
#include "panes/drop_preview_tree_view.h"
#include "plan/conflict_actions.h"
#include "plan/plan_document.h"
#include "test_support.h"
#include "window_test_support.h"

using namespace graft;
using graft::ui::CheckpointTreeModel;
using graft::ui::MainWindow;
using Side = MainWindow::Side;
namespace fs = std::filesystem;

namespace {

const char* kCnn = "keras2-model-h5/tf-fashion_my_model.h5";

QModelIndex indexOfPath(const CheckpointTreeModel* m, const std::string& path) {
  return m->indexOf(m->checkpoint()->findNode(path));
}

QString screenshotPath(const QString& name) {
  return qEnvironmentVariable("GRAFT_SCREENSHOT_DIR", QDir::tempPath()) + QLatin1Char('/') + name;
}

// Where a top-level popup (tooltip, menu, dialog) sits relative to the window's top-left.
QPoint placeInWindow(const QWidget* window, const QWidget* popup) {
  return popup->mapToGlobal(QPoint()) - window->mapToGlobal(QPoint());
}

void paintPopup(QImage& shot, const QWidget* window, QWidget* popup, std::optional<QPoint> at = std::nullopt) {
  QPainter p(&shot);
  p.drawPixmap(at.value_or(placeInWindow(window, popup)), popup->grab());
}

// A dialog as a window manager would show it: a soft shadow, a title bar with the dialog's
// title, a thin border. (Offscreen has no window manager, so a bare grab of a dialog blends
// into the window behind it.) `client` is where the dialog's own pixels go.
void paintDialog(QImage& shot, QWidget* dialog, QPoint client) {
  const int titleHeight = 28;
  const QRect frame(client.x() - 1, client.y() - titleHeight, dialog->width() + 2, dialog->height() + titleHeight + 1);
  QPainter p(&shot);
  for (int i = 1; i <= 8; ++i) {  // shadow
    p.setPen(Qt::NoPen);
    p.setBrush(QColor(0, 0, 0, 10));
    p.drawRoundedRect(frame.adjusted(-i, -i + 3, i, i + 3), i, i);
  }
  const QPalette pal = dialog->palette();
  p.fillRect(frame, pal.color(QPalette::Window).darker(112));
  QFont bold = dialog->font();
  bold.setBold(true);
  p.setFont(bold);
  p.setPen(pal.color(QPalette::WindowText));
  p.drawText(QRect(frame.left(), frame.top(), frame.width(), titleHeight), Qt::AlignCenter, dialog->windowTitle());
  p.drawPixmap(client, dialog->grab());
  p.setPen(pal.color(QPalette::Mid));
  p.setBrush(Qt::NoBrush);
  p.drawRect(frame.adjusted(0, 0, -1, -1));
}

// Where a tooltip asked for at `pointer + offset` (window coordinates) would appear on a
// screen with room for it, kept inside the window as Qt keeps it inside the screen. The
// offscreen screen (800x600) is smaller than the window, so the tooltip's real position is
// squeezed into that corner. Qt's own step from the asked-for point is (2, 16) (QTipLabel::placeTip).
QPoint tooltipPlace(const QWidget* window, const QWidget* tip, QPoint asked) {
  QPoint p = asked + QPoint(2, 16);
  if (p.x() + tip->width() > window->width()) p.rx() -= 4 + tip->width();
  if (p.y() + tip->height() > window->height()) p.ry() -= 24 + tip->height();
  return p;
}

// A mouse pointer (arrow; with a "+" badge while a copy drag is under way).
void paintPointer(QImage& shot, QPoint hot, bool copying) {
  QPainter p(&shot);
  p.setRenderHint(QPainter::Antialiasing);
  const QPoint arrow[] = {{0, 0}, {0, 17}, {4, 13}, {7, 20}, {10, 19}, {7, 12}, {12, 12}};
  QPolygonF shape;
  for (const QPoint& a : arrow) shape << QPointF(hot + a) + QPointF(0.5, 0.5);
  p.setPen(QPen(Qt::black, 1));
  p.setBrush(Qt::white);
  p.drawPolygon(shape);
  if (copying) {
    const QRectF badge(hot.x() + 11.5, hot.y() + 15.5, 11, 11);
    p.setBrush(Qt::white);
    p.drawRect(badge);
    p.drawLine(QPointF(badge.center().x(), badge.top() + 2.5), QPointF(badge.center().x(), badge.bottom() - 2.5));
    p.drawLine(QPointF(badge.left() + 2.5, badge.center().y()), QPointF(badge.right() - 2.5, badge.center().y()));
  }
}

// The visible top-level tooltip label, if any.
QWidget* visibleToolTip() {
  for (QWidget* w : QApplication::topLevelWidgets())
    if (w->isVisible() && w->inherits("QTipLabel")) return w;
  return nullptr;
}

// How many pixels of `image` are close to `color` (every second pixel, both directions).
int pixelsNear(const QImage& image, QColor color, int tolerance = 40) {
  int n = 0;
  for (int y = 0; y < image.height(); y += 2)
    for (int x = 0; x < image.width(); x += 2) {
      const QColor c = image.pixelColor(x, y);
      n += std::abs(c.red() - color.red()) < tolerance && std::abs(c.green() - color.green()) < tolerance &&
           std::abs(c.blue() - color.blue()) < tolerance;
    }
  return n;
}

bool saved(const QImage& image, const QString& name) {
  const QString path = screenshotPath(name);
  const bool ok = image.save(path);
  std::cout << "screenshot: " << path.toStdString() << (ok ? "" : " (could not be written)") << '\n';
  return ok;
}

}  // namespace

class Screenshots : public ::testing::Test {
 protected:
  void SetUp() override {
    GRAFT_REAL_DATA_OR_SKIP(real);
    real_ = real;
  }

  // The demo pair: the real 10-class CNN and the same model with a new 5-class head
  // (or `target` when given).
  void open(std::optional<fs::path> target = std::nullopt) {
    if (!target) {
      test::writeWithNewHead(real_ / kCnn, dir_ / "new_cnn.h5");
      target = dir_ / "new_cnn.h5";
    }
    window_ = std::make_unique<MainWindow>();
    window_->resize(1400, 900);
    window_->show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(window_.get()));
    ASSERT_TRUE(test::openBoth(*window_, real_ / kCnn, *target));
    window_->resize(1400, 900);
    src_ = window_->pane(Side::Source)->model();
    dst_ = window_->pane(Side::Target)->model();
    from_ = window_->pane(Side::Source)->treeView();
    to_ = qobject_cast<ui::DropPreviewTreeView*>(window_->pane(Side::Target)->treeView());
    ASSERT_NE(to_, nullptr);
    QApplication::processEvents();
  }

  // The conv layers and batch norms already transplanted by hand, as in the middle of the demo.
  void transplantTheFirstBlocks() {
    std::vector<Operation> ops;
    for (const char* layer : {"conv2d", "conv2d_1", "batch_normalization", "batch_normalization_1"}) {
      Operation op;
      op.kind = OperationKind::CopyLayer;
      op.source = op.target = layer;
      op.reason = "by hand";
      ops.push_back(op);
    }
    window_->document()->addOperations(ops, QStringLiteral("Transplant 4 items"));
  }

  fs::path real_;
  test::TempDir dir_;
  std::unique_ptr<MainWindow> window_;
  CheckpointTreeModel* src_ = nullptr;
  CheckpointTreeModel* dst_ = nullptr;
  QTreeView* from_ = nullptr;
  ui::DropPreviewTreeView* to_ = nullptr;
};

TEST_F(Screenshots, DragPreviewBesideThePointer) {
  ASSERT_NO_FATAL_FAILURE(open());
  transplantTheFirstBlocks();
  // The last conv block and the 10-class head, dragged onto empty space of the new model:
  // the block fits, the head does not fit the 5-class one.
  const std::vector<std::string> dragged = {"conv2d_6", "batch_normalization_6", "dense"};
  QItemSelection selection;
  for (const auto& p : dragged) {
    const QModelIndex i = indexOfPath(src_, p);
    selection.select(i, i);
  }
  from_->selectionModel()->setCurrentIndex(indexOfPath(src_, "dense"), QItemSelectionModel::NoUpdate);
  from_->selectionModel()->select(selection, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
  from_->collapseAll();
  to_->collapseAll();
  from_->expand(indexOfPath(src_, "dense"));
  to_->expand(indexOfPath(dst_, "dense"));
  QTest::qWait(20);

  QModelIndexList rows;
  for (const auto& p : dragged) rows << indexOfPath(src_, p);
  std::unique_ptr<QMimeData> mime(src_->mimeData(rows));
  const QRect last = to_->visualRect(dst_->index(dst_->rowCount() - 1, 0));
  ASSERT_LT(last.bottom() + 16, to_->viewport()->height()) << "empty space below the rows";
  const QPoint pos(to_->viewport()->width() / 4, (last.bottom() + to_->viewport()->height()) / 2);
  QDragEnterEvent enter(pos, Qt::CopyAction, mime.get(), Qt::LeftButton, Qt::NoModifier);
  QApplication::sendEvent(to_->viewport(), &enter);
  ASSERT_TRUE(enter.isAccepted());
  QDragMoveEvent move(pos, Qt::CopyAction, mime.get(), Qt::LeftButton, Qt::NoModifier);
  QApplication::sendEvent(to_->viewport(), &move);
  ASSERT_TRUE(move.isAccepted());
  QApplication::processEvents();

  QWidget* tip = visibleToolTip();
  ASSERT_NE(tip, nullptr) << "the preview is shown beside the pointer";
  EXPECT_NE(to_->lastPreview().indexOf("fits"), -1);
  EXPECT_NE(to_->lastPreview().indexOf("conflict"), -1);
  QImage shot = window_->grab().toImage();
  const QPoint pointer = to_->viewport()->mapTo(window_.get(), pos);
  const QPoint tipAt = tooltipPlace(window_.get(), tip, pointer + QPoint(18, 12));  // the view asks for pointer + (18, 12)
  paintPopup(shot, window_.get(), tip, tipAt);
  paintPointer(shot, pointer, true);
  ASSERT_TRUE(saved(shot, "window-drag-preview.png"));
  EXPECT_GT(pixelsNear(tip->grab().toImage(), QColor(0xc6, 0x28, 0x28)), 5) << "the conflict is red in the preview";

  QDragLeaveEvent leave;
  QApplication::sendEvent(to_->viewport(), &leave);
  EXPECT_TRUE(QTest::qWaitFor([] { return !QToolTip::isVisible(); }, 2000)) << "leaving the tree hides the preview";
  EXPECT_EQ(window_->document()->plan().operations.size(), 4u) << "a preview never changes the plan";
}

TEST_F(Screenshots, ContextMenuOfAConflict) {
  ASSERT_NO_FATAL_FAILURE(open());
  window_->autoMatch(static_cast<int>(MatchStrategy::Name));
  to_->expand(indexOfPath(dst_, "dense"));
  from_->expand(indexOfPath(src_, "dense"));
  to_->scrollTo(indexOfPath(dst_, "dense/kernel:0"), QAbstractItemView::PositionAtCenter);
  from_->scrollTo(indexOfPath(src_, "dense/kernel:0"), QAbstractItemView::PositionAtCenter);
  const QModelIndex kernel = indexOfPath(dst_, "dense/kernel:0");
  to_->selectionModel()->select(kernel, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
  to_->setCurrentIndex(kernel);
  QApplication::processEvents();
  const QRect row = to_->visualRect(kernel);
  const QPoint click(row.left() + 60, row.center().y());

  QImage shot;
  QStringList labels;
  // menu.exec() runs its own loop; a timer inside it grabs the open menu and closes it.
  QTimer poll;
  QElapsedTimer waited;
  waited.start();
  QObject::connect(&poll, &QTimer::timeout, [&] {
    auto* menu = qobject_cast<QMenu*>(QApplication::activePopupWidget());
    if (!menu) {
      if (waited.elapsed() > 5000) poll.stop();
      return;
    }
    poll.stop();
    for (QAction* a : menu->actions())
      if (!a->isSeparator()) labels << a->text();
    menu->setActiveAction(menu->actions().value(0));  // the pointer rests on the first choice
    shot = window_->grab().toImage();
    paintPopup(shot, window_.get(), menu, to_->viewport()->mapTo(window_.get(), click));
    menu->close();
  });
  poll.start(20);
  Q_EMIT to_->customContextMenuRequested(click);  // returns when the menu closes
  ASSERT_FALSE(shot.isNull()) << "no menu opened";
  const QPoint pointer = to_->viewport()->mapTo(window_.get(), click);
  paintPointer(shot, pointer + QPoint(8, 10), false);
  ASSERT_TRUE(saved(shot, "window-conflict-menu.png"));
  ASSERT_GE(labels.size(), 3);
  EXPECT_EQ(labels.front(), "Slice to fit (128, 5)");
  EXPECT_TRUE(labels.contains("Skip (keep the target's tensor)")) << labels.join(" | ").toStdString();
  EXPECT_EQ(labels.back(), "Drop from Result");
  EXPECT_EQ(window_->document()->evaluation().findByPath("dense/kernel:0")->status, SlotStatus::ConflictShape)
      << "closing the menu chose nothing";
}

TEST_F(Screenshots, ExportUnderWay) {
  // A target big enough that the export takes a while: the new 5-class model plus a
  // 100000 x 768 embedding table (293 MiB).
  test::writeVariant(real_ / kCnn, dir_ / "new_cnn_big.h5",
                     {test::dropOp("dense"), test::addOp("dense/kernel:0", {Transform::slice({{0, 128}, {0, 5}})}),
                      test::addOp("dense/bias:0", {Transform::slice({{0, 5}})}),
                      test::addOp("dense/kernel:0", {Transform::pad(Shape{100000, 768})}, "embedding/embeddings:0")});
  ASSERT_NO_FATAL_FAILURE(open(dir_ / "new_cnn_big.h5"));
  window_->autoMatch(static_cast<int>(MatchStrategy::Name));
  for (const char* path : {"dense/kernel:0", "dense/bias:0"})
    ui::resolutionsFor(window_->document(), *window_->document()->evaluation().findByPath(path)).front().apply();  // slice
  ASSERT_FALSE(window_->document()->evaluation().hasConflicts());
  to_->expand(indexOfPath(dst_, "dense"));
  to_->expand(indexOfPath(dst_, "embedding"));
  QApplication::processEvents();

  ui::ExportDialog* dialog = window_->showExportDialog();
  ASSERT_NE(dialog, nullptr);
  ASSERT_TRUE(QTest::qWaitForWindowExposed(dialog));
  dialog->setOutputPath(QString::fromStdString((dir_ / "new_cnn_big-merged.h5").string()));
  auto* bar = dialog->findChild<QProgressBar*>();
  ASSERT_NE(bar, nullptr);

  // Progress arrives as queued signals, each after the dialog has shown it (the dialog's
  // connection is older): a grab inside the handler shows the dialog exactly at that point.
  // The picture kept is the one nearest half-way while tensors remain. (Unchanged tensors go
  // file to file with copy_file_range in 64 MiB steps, and progress is sent at most every
  // 50 ms: on ext4 that gives about 43% or 65%; on a filesystem that clones ranges the copy
  // is instant and only the first step, near 0%, may show.)
  QImage shot;
  double shown = -1;
  QObject::connect(dialog->worker(), &ui::ExportWorker::progress, dialog,
                   [&](quint64 done, quint64 total, int tensorsDone, int tensorsTotal, const QString&) {
                     const double fraction = total ? static_cast<double>(done) / static_cast<double>(total) : 0;
                     if (tensorsDone >= tensorsTotal || std::abs(fraction - 0.5) >= std::abs(shown - 0.5)) return;
                     shown = fraction;
                     shot = window_->grab().toImage();
                     paintDialog(shot, dialog, QPoint((window_->width() - dialog->width()) / 2, (window_->height() - dialog->height()) / 2));
                   });
  QSignalSpy done(dialog->worker(), &ui::ExportWorker::finished);
  QSignalSpy failed(dialog->worker(), &ui::ExportWorker::failed);
  ASSERT_TRUE(dialog->startExport(true));
  ASSERT_TRUE(QTest::qWaitFor([&] { return done.count() + failed.count() > 0; }, 120000)) << "the export never ended";
  ASSERT_EQ(failed.count(), 0) << failed.value(0).value(0).toString().toStdString();
  ASSERT_FALSE(shot.isNull()) << "no progress arrived while tensors remained";
  std::cout << "export progress shown at " << static_cast<int>(shown * 100) << "%\n";
  ASSERT_TRUE(saved(shot, "window-export-progress.png"));
  EXPECT_NE(dialog->summaryText().indexOf("verified"), -1) << dialog->summaryText().toStdString();
}

TEST_F(Screenshots, TensorFlowCheckpoints) {
  // A TF2 GAN checkpoint and a copy with every weight rounded; one generator layer transplanted.
  const fs::path gan = real_ / "tf2-checkpoint/vince_gan_ckpt-1/ckpt-1.index";
  test::writeVariant(gan, dir_ / "gan-rounded", {});
  window_ = std::make_unique<MainWindow>();
  window_->resize(1400, 900);
  window_->show();
  ASSERT_TRUE(QTest::qWaitForWindowExposed(window_.get()));
  ASSERT_TRUE(test::openBoth(*window_, gan, dir_ / "gan-rounded.index"));
  window_->resize(1400, 900);
  Operation op;
  op.kind = OperationKind::CopyLayer;
  op.source = op.target = "generator/layer_with_weights-0";
  op.reason = "by hand";
  window_->document()->replacePlan({op}, true, QStringLiteral("Transplant"));
  src_ = window_->pane(Side::Source)->model();
  dst_ = window_->pane(Side::Target)->model();
  for (Side side : {Side::Source, Side::Target}) {
    QTreeView* view = window_->pane(side)->treeView();
    auto* m = window_->pane(side)->model();
    for (const char* path : {"generator", "generator/layer_with_weights-0", "generator/layer_with_weights-1", "discriminator"})
      view->expand(indexOfPath(m, path));
  }
  QApplication::processEvents();
  const Node* kernel = dst_->checkpoint()->findNode("generator/layer_with_weights-0/kernel");
  ASSERT_NE(kernel, nullptr);
  const QModelIndex status = dst_->index(dst_->indexOf(kernel).row(), CheckpointTreeModel::StatusColumn, dst_->indexOf(kernel).parent());
  EXPECT_EQ(status.data().toString(), QStringLiteral("replaced"));
  EXPECT_TRUE(saved(window_->grab().toImage(), QStringLiteral("window-tensorflow.png")));
}
