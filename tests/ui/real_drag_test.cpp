// A real drag and drop, as a person makes it: QTest presses and moves on the source tree until
// the view itself starts QDrag::exec(); Qt's platform drag then runs its own event loop, in
// which a timer moves over the target tree (the drop preview appears) and releases (the drop).
// This covers what the model- and event-level tests in transplant_test.cpp cannot: the
// source's startDrag and mime data, the platform drag loop, the target view's drag move
// handling and the drop. The offscreen platform's drag returns at once, so this file is its
// own executable, registered with QT_QPA_PLATFORM=minimal (in-process QSimpleDrag).

#include <gtest/gtest.h>

#include <QApplication>
#include <QDrag>
#include <QLabel>
#include <QMimeData>
#include <QTest>
#include <QTimer>
#include <QTreeView>

#include "checkpoint_variants.h"
#include "main_window.h"
#include "merge/merge_evaluation.h"
#include "panes/checkpoint_pane.h"
#include "panes/checkpoint_tree_model.h"
#include "panes/drop_handler.h"
#include "panes/drop_preview_tree_view.h"
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

// What was seen while Qt's drag loop ran.
struct DragOutcome {
  bool insideDrag = false;     // the timer found a live QDrag on the source view
  QString mimeNodes;           // the dragged QMimeData's node list
  QString preview;             // the target view's lastPreview() over the drop point
  QStringList tooltipsShown;   // texts of the tooltips shown while dragging
  bool timedOut = false;       // the watchdog had to cancel the drag with Escape
};

// Records every tooltip that is shown. On `minimal` a tooltip is closed right after it is
// shown: that platform activates every window it creates (QMinimalIntegration::
// createPlatformWindow calls requestActivateWindow), so the tooltip's own window takes the
// activation from the drag icon's window, and QTipLabel closes on that WindowDeactivate.
// xcb does not activate tooltips; there the preview stays up. So the test checks the Show.
class ToolTipRecorder : public QObject {
 public:
  explicit ToolTipRecorder(QStringList& texts) : texts_(texts) { qApp->installEventFilter(this); }
  ~ToolTipRecorder() override { qApp->removeEventFilter(this); }
  bool eventFilter(QObject* o, QEvent* e) override {
    if (e->type() == QEvent::Show && o->inherits("QTipLabel"))
      if (auto* label = qobject_cast<QLabel*>(o)) texts_ << label->text();
    return false;
  }

 private:
  QStringList& texts_;
};

}  // namespace

class RealDrag : public ::testing::Test {
 protected:
  void SetUp() override {
    if (QGuiApplication::platformName() == QLatin1String("offscreen"))
      GTEST_SKIP() << "the offscreen platform has no drag loop (QDrag::exec returns at once); run with QT_QPA_PLATFORM=minimal";
    GRAFT_REAL_DATA_OR_SKIP(real);
    real_ = real;
    test::writeWithNewHead(real_ / kCnn, dir_ / "new.h5");
    window_ = std::make_unique<MainWindow>();
    window_->show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(window_.get()));
    ASSERT_TRUE(test::openBoth(*window_, real_ / kCnn, dir_ / "new.h5"));
    src_ = window_->pane(Side::Source)->model();
    dst_ = window_->pane(Side::Target)->model();
    from_ = window_->pane(Side::Source)->treeView();
    to_ = qobject_cast<ui::DropPreviewTreeView*>(window_->pane(Side::Target)->treeView());
    ASSERT_NE(to_, nullptr);
    QApplication::processEvents();
  }

  // Selects `paths` in the source tree, presses on the first and moves until the view starts
  // its drag; inside QDrag::exec a timer moves to `target` (target viewport coordinates),
  // records what it sees, and releases there.
  DragOutcome dragAndDrop(const std::vector<std::string>& paths, QPoint target) {
    DragOutcome seen;
    QItemSelection selection;
    for (const auto& p : paths) {
      const QModelIndex i = indexOfPath(src_, p);
      selection.select(i, i);
    }
    from_->selectionModel()->select(selection, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    const QPoint press = from_->visualRect(indexOfPath(src_, paths.front())).center();

    // Only a running drag loop stops at Escape; the watchdog keeps a broken drag from hanging.
    QTimer watchdog;
    watchdog.setSingleShot(true);
    QObject::connect(&watchdog, &QTimer::timeout, [&] {
      seen.timedOut = true;
      QTest::keyPress(to_->viewport(), Qt::Key_Escape);
    });
    watchdog.start(10000);
    ToolTipRecorder tooltips(seen.tooltipsShown);
    // A local timer, not QTimer::singleShot: if no drag loop ever runs, it dies with `seen`.
    QTimer inside;
    inside.setSingleShot(true);
    QObject::connect(&inside, &QTimer::timeout, [&] {
      if (auto* drag = from_->findChild<QDrag*>()) {
        seen.insideDrag = true;
        if (drag->mimeData()) seen.mimeNodes = QString::fromUtf8(drag->mimeData()->data(QString::fromLatin1(ui::kNodesMimeType)));
      }
      QTest::mouseMove(to_->viewport(), target);
      QTest::mouseMove(to_->viewport(), target + QPoint(1, 0));
      seen.preview = to_->lastPreview();
      QTest::mouseRelease(to_->viewport(), Qt::LeftButton, Qt::NoModifier, target + QPoint(1, 0));
    });
    inside.start(100);
    QTest::mousePress(from_->viewport(), Qt::LeftButton, Qt::NoModifier, press);
    QTest::mouseMove(from_->viewport(), press + QPoint(2, 0));  // only enters DraggingState
    QTest::mouseMove(from_->viewport(), press + QPoint(QApplication::startDragDistance() + 10, 5));  // startDrag()
    // Here QDrag::exec has returned: the drop happened inside its loop.
    watchdog.stop();
    inside.stop();
    QApplication::processEvents();
    return seen;
  }

  fs::path real_;
  test::TempDir dir_;
  std::unique_ptr<MainWindow> window_;
  CheckpointTreeModel* src_ = nullptr;
  CheckpointTreeModel* dst_ = nullptr;
  QTreeView* from_ = nullptr;
  ui::DropPreviewTreeView* to_ = nullptr;
};

TEST_F(RealDrag, RealQDragOfALayerOntoTheSameLayerAddsOneLayerCopy) {
  const int sourceRows = src_->rowCount();
  const QPoint onto = to_->visualRect(indexOfPath(dst_, "conv2d_3")).center();
  const DragOutcome seen = dragAndDrop({"conv2d_3"}, onto);

  ASSERT_FALSE(seen.timedOut) << "the drag loop never saw the release";
  ASSERT_TRUE(seen.insideDrag) << "the timer did not run inside QDrag::exec (platform " << QGuiApplication::platformName().toStdString() << ")";
  EXPECT_TRUE(seen.mimeNodes.endsWith(QStringLiteral("\nconv2d_3"))) << seen.mimeNodes.toStdString();
  EXPECT_NE(seen.preview.indexOf(QStringLiteral("conv2d_3/kernel:0 → conv2d_3/kernel:0")), -1) << seen.preview.toStdString();
  EXPECT_NE(seen.preview.indexOf(QStringLiteral("fits")), -1) << seen.preview.toStdString();
  EXPECT_TRUE(seen.tooltipsShown.contains(seen.preview)) << "the preview is shown beside the cursor during the drag";

  const auto& ops = window_->document()->plan().operations;
  ASSERT_EQ(ops.size(), 1u);
  EXPECT_EQ(ops[0].kind, OperationKind::CopyLayer);
  EXPECT_EQ(ops[0].source, "conv2d_3");
  EXPECT_EQ(ops[0].target, "conv2d_3");
  EXPECT_EQ(window_->document()->evaluation().count(SlotStatus::Replaced), 2u);
  EXPECT_EQ(src_->rowCount(), sourceRows) << "a copy never removes from the source";
}

TEST_F(RealDrag, RealQDragOfAFittingLayerAndTheHeadOntoEmptySpacePreviewsFitsAndConflicts) {
  // Below the last layer: empty space = each node onto the same path.
  to_->collapseAll();
  QApplication::processEvents();
  const QRect last = to_->visualRect(dst_->index(dst_->rowCount() - 1, 0));
  ASSERT_LT(last.bottom() + 40, to_->viewport()->height()) << "the tree must leave empty space below its rows";
  const QPoint empty(last.center().x(), last.bottom() + 30);
  const DragOutcome seen = dragAndDrop({"conv2d_3", "dense"}, empty);

  ASSERT_FALSE(seen.timedOut) << "the drag loop never saw the release";
  ASSERT_TRUE(seen.insideDrag);
  EXPECT_TRUE(seen.mimeNodes.endsWith(QStringLiteral("\nconv2d_3\ndense"))) << seen.mimeNodes.toStdString();
  EXPECT_NE(seen.preview.indexOf(QStringLiteral("fits")), -1) << seen.preview.toStdString();
  EXPECT_NE(seen.preview.indexOf(QStringLiteral("conflict")), -1) << seen.preview.toStdString();
  EXPECT_NE(seen.preview.indexOf(QStringLiteral("source (128, 10) does not fit target (128, 5)")), -1) << seen.preview.toStdString();
  EXPECT_TRUE(seen.tooltipsShown.contains(seen.preview));

  const MergeEvaluation& e = window_->document()->evaluation();
  EXPECT_EQ(window_->document()->plan().operations.size(), 2u);
  EXPECT_EQ(e.count(SlotStatus::Replaced), 2u);
  EXPECT_EQ(e.count(SlotStatus::ConflictShape), 2u);
  ASSERT_NE(e.findByPath("dense/kernel:0"), nullptr);
  EXPECT_EQ(e.findByPath("dense/kernel:0")->status, SlotStatus::ConflictShape);
}

TEST_F(RealDrag, RealQDragReleasedOutsideEveryWindowChangesNothing) {
  // Far outside the window: QSimpleDrag finds no window there, so the drop is cancelled.
  const QPoint outside = to_->viewport()->mapFromGlobal(window_->frameGeometry().bottomRight() + QPoint(400, 400));
  const DragOutcome seen = dragAndDrop({"conv2d_3"}, outside);
  ASSERT_FALSE(seen.timedOut);
  ASSERT_TRUE(seen.insideDrag);
  EXPECT_TRUE(seen.preview.isEmpty()) << seen.preview.toStdString();
  EXPECT_TRUE(window_->document()->plan().operations.empty());
}
