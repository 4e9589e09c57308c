// Transplants through the window as a person makes them: drag and drop (model and view
// level), the drop preview, the keyboard route, undo/redo, resolving a conflict.

#include <gtest/gtest.h>

#include <QApplication>
#include <QComboBox>
#include <QMimeData>
#include <QSignalSpy>
#include <QTest>
#include <QTreeView>
#include <QUndoStack>

#include "checkpoint_variants.h"
#include "export/export_dialog.h"
#include "export/export_worker.h"
#include "formats/format_registry.h"
#include "main_window.h"
#include "window_test_support.h"
#include "merge/matcher.h"
#include "panes/checkpoint_loader.h"
#include "panes/checkpoint_pane.h"
#include "panes/checkpoint_tree_model.h"
#include "panes/drop_preview_tree_view.h"
#include "plan/conflict_actions.h"
#include "plan/plan_document.h"
#include "plan/transplant_controller.h"
#include "test_support.h"

using namespace graft;
using graft::ui::CheckpointTreeModel;
using graft::ui::MainWindow;
using Side = MainWindow::Side;
namespace fs = std::filesystem;

namespace {

const char* kCnn = "keras2-model-h5/tf-fashion_my_model.h5";

using test::openBoth;

QModelIndex indexOfPath(const CheckpointTreeModel* m, const std::string& path) {
  return m->indexOf(m->checkpoint()->findNode(path));
}


}  // namespace

class Transplant : public ::testing::Test {
 protected:
  void SetUp() override {
    GRAFT_REAL_DATA_OR_SKIP(real);
    real_ = real;
    test::writeWithNewHead(real_ / kCnn, dir_ / "new.h5");
    window_ = std::make_unique<MainWindow>();
    window_->show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(window_.get()));
    ASSERT_TRUE(openBoth(*window_, real_ / kCnn, dir_ / "new.h5"));
    src_ = window_->pane(Side::Source)->model();
    dst_ = window_->pane(Side::Target)->model();
    doc_ = window_->document();
  }

  std::unique_ptr<QMimeData> drag(const std::vector<std::string>& paths) {
    QModelIndexList list;
    for (const auto& p : paths) list << indexOfPath(src_, p);
    return std::unique_ptr<QMimeData>(src_->mimeData(list));
  }

  fs::path real_;
  test::TempDir dir_;
  std::unique_ptr<MainWindow> window_;
  CheckpointTreeModel* src_ = nullptr;
  CheckpointTreeModel* dst_ = nullptr;
  ui::PlanDocument* doc_ = nullptr;
};

TEST_F(Transplant, LayerDroppedOnLayerCopiesItsVariablesAndMarksThemReplaced) {
  auto mime = drag({"conv2d_3"});
  const QModelIndex onto = indexOfPath(dst_, "conv2d_3");
  ASSERT_TRUE(dst_->canDropMimeData(mime.get(), Qt::CopyAction, -1, 0, onto));
  ASSERT_TRUE(dst_->dropMimeData(mime.get(), Qt::CopyAction, -1, 0, onto));
  ASSERT_EQ(doc_->plan().operations.size(), 1u);
  EXPECT_EQ(doc_->plan().operations[0].kind, OperationKind::CopyLayer);
  EXPECT_EQ(doc_->evaluation().count(SlotStatus::Replaced), 2u);
  const QModelIndex kernel = indexOfPath(dst_, "conv2d_3/kernel:0");
  EXPECT_EQ(kernel.sibling(kernel.row(), CheckpointTreeModel::StatusColumn).data().toString(), "replaced");
  EXPECT_EQ(onto.sibling(onto.row(), CheckpointTreeModel::StatusColumn).data().toString(), "2 replaced");
  EXPECT_FALSE(kernel.sibling(kernel.row(), CheckpointTreeModel::StatusColumn).data(Qt::DecorationRole).value<QIcon>().isNull());
  EXPECT_TRUE(window_->windowTitle().startsWith('*')) << window_->windowTitle().toStdString();
}

TEST_F(Transplant, PreviewNamesFittingConvertingAndConflictingPairs) {
  ui::TransplantController& t = *window_->transplanter();
  auto fits = drag({"conv2d/kernel:0"});
  const QString fitting = t.preview(fits.get(), src_->checkpoint() ? dst_->nodeAt(indexOfPath(dst_, "conv2d/kernel:0")) : nullptr);
  EXPECT_NE(fitting.indexOf("fits"), -1) << fitting.toStdString();
  EXPECT_NE(fitting.indexOf("conv2d/kernel:0 → conv2d/kernel:0"), -1) << fitting.toStdString();

  auto head = drag({"dense/kernel:0"});
  const QString conflicting = t.preview(head.get(), dst_->nodeAt(indexOfPath(dst_, "dense/kernel:0")));
  EXPECT_NE(conflicting.indexOf("conflict"), -1);
  EXPECT_NE(conflicting.indexOf("source (128, 10) does not fit target (128, 5) — slice or pad dimension 1"), -1) << conflicting.toStdString();

  // A converting drop: the plan already casts; preview of a drop onto a slot with a transform.
  Operation cast;
  cast.source = "conv2d_1/bias:0";
  cast.target = "conv2d_1/bias:0";
  cast.transforms = {Transform::cast(DType::Float16), Transform::cast(DType::Float32)};
  const QString converting = t.describe({cast});
  EXPECT_NE(converting.indexOf("converts"), -1) << converting.toStdString();
  EXPECT_TRUE(doc_->plan().operations.empty()) << "previews never change the plan";
}

TEST_F(Transplant, DropOnTheViewWithSyntheticDragEvents) {
  QTreeView* view = window_->pane(Side::Target)->treeView();
  view->expandAll();
  QApplication::processEvents();
  auto mime = drag({"batch_normalization_2"});
  const QRect rect = view->visualRect(indexOfPath(dst_, "batch_normalization_2"));
  const QPoint pos = rect.center();
  QDragEnterEvent enter(pos, Qt::CopyAction, mime.get(), Qt::LeftButton, Qt::NoModifier);
  QApplication::sendEvent(view->viewport(), &enter);
  ASSERT_TRUE(enter.isAccepted());
  QDragMoveEvent move(pos, Qt::CopyAction, mime.get(), Qt::LeftButton, Qt::NoModifier);
  QApplication::sendEvent(view->viewport(), &move);
  ASSERT_TRUE(move.isAccepted());
  EXPECT_NE(static_cast<ui::DropPreviewTreeView*>(view)->lastPreview().indexOf("batch_normalization_2/gamma:0"), -1);
  QDropEvent drop(QPointF(pos), Qt::CopyAction, mime.get(), Qt::LeftButton, Qt::NoModifier);
  QApplication::sendEvent(view->viewport(), &drop);
  EXPECT_EQ(doc_->evaluation().count(SlotStatus::Replaced), 4u);
}

TEST_F(Transplant, UndoAndRedoRestoreThePlanExactly) {
  window_->autoMatch(static_cast<int>(MatchStrategy::Name));
  const MergePlan afterMatch = doc_->plan();
  ASSERT_EQ(afterMatch.operations.size(), 44u);
  doc_->removeOperations({0, 5, 43});
  const MergePlan afterRemove = doc_->plan();
  ASSERT_EQ(afterRemove.operations.size(), 41u);
  doc_->undoStack()->undo();
  EXPECT_EQ(doc_->plan(), afterMatch);
  doc_->undoStack()->undo();
  EXPECT_TRUE(doc_->plan().operations.empty());
  EXPECT_EQ(doc_->evaluation().conflictCount(), 0u);
  doc_->undoStack()->redo();
  doc_->undoStack()->redo();
  EXPECT_EQ(doc_->plan(), afterRemove);
}

TEST_F(Transplant, ResolvingAShapeConflictBySlicingChangesItsStatus) {
  window_->autoMatch(static_cast<int>(MatchStrategy::Name));
  const ResultSlot* kernel = doc_->evaluation().findByPath("dense/kernel:0");
  ASSERT_NE(kernel, nullptr);
  ASSERT_EQ(kernel->status, SlotStatus::ConflictShape);
  auto options = ui::resolutionsFor(doc_, *kernel);
  std::vector<std::string> labels;
  for (const auto& r : options) labels.push_back(r.label.toStdString());
  ASSERT_GE(options.size(), 2u);
  EXPECT_EQ(labels.front(), "Slice to fit (128, 5)");
  EXPECT_EQ(labels.back(), "Skip (keep the target's tensor)");
  options.front().apply();
  EXPECT_EQ(doc_->evaluation().findByPath("dense/kernel:0")->status, SlotStatus::Converted);
  const QModelIndex k = indexOfPath(dst_, "dense/kernel:0");
  EXPECT_EQ(k.sibling(k.row(), CheckpointTreeModel::StatusColumn).data().toString(), "converted");
  doc_->undoStack()->undo();
  EXPECT_EQ(doc_->evaluation().findByPath("dense/kernel:0")->status, SlotStatus::ConflictShape);
}

TEST_F(Transplant, KeyboardRouteTransplantsTheSelection) {
  QTreeView* from = window_->pane(Side::Source)->treeView();
  QTreeView* to = window_->pane(Side::Target)->treeView();
  from->selectionModel()->select(indexOfPath(src_, "conv2d_1"), QItemSelectionModel::Select | QItemSelectionModel::Rows);
  to->selectionModel()->select(indexOfPath(dst_, "conv2d_1"), QItemSelectionModel::Select | QItemSelectionModel::Rows);
  from->setFocus();
  QTest::keyClick(window_.get(), Qt::Key_T);
  ASSERT_EQ(doc_->plan().operations.size(), 1u);
  EXPECT_EQ(doc_->plan().operations[0].source, "conv2d_1");
  EXPECT_EQ(doc_->evaluation().count(SlotStatus::Replaced), 2u);
}

TEST_F(Transplant, SavedPlanIsWhatGraftCliMerges) {
  window_->autoMatch(static_cast<int>(MatchStrategy::Name));
  const ResultSlot* kernel = doc_->evaluation().findByPath("dense/kernel:0");
  ui::resolutionsFor(doc_, *kernel).back().apply();  // skip
  ui::resolutionsFor(doc_, *doc_->evaluation().findByPath("dense/bias:0")).back().apply();
  ASSERT_FALSE(doc_->evaluation().hasConflicts());
  ASSERT_TRUE(window_->savePlanTo(QString::fromStdString((dir_ / "plan.json").string())));
  EXPECT_FALSE(window_->windowTitle().startsWith('*'));
  const auto r = test::runCommand({GRAFT_CLI_PATH, "merge", "--plan", (dir_ / "plan.json").string(), "-o", (dir_ / "out.h5").string(), "-q"});
  ASSERT_EQ(r.exitCode, 0) << r.err;
  const auto out = test::runCommand({GRAFT_CLI_PATH, "diff", (real_ / kCnn).string(), (dir_ / "out.h5").string(), "--json"});
  EXPECT_NE(out.out.find("\"same\": 42"), std::string::npos) << out.out;
}

TEST_F(Transplant, ScreenshotOfAPlanWithAConflict) {
  window_->resize(1400, 900);
  window_->autoMatch(static_cast<int>(MatchStrategy::Name));
  window_->pane(Side::Source)->treeView()->expandAll();
  window_->pane(Side::Target)->treeView()->expandAll();
  window_->pane(Side::Target)->treeView()->scrollTo(indexOfPath(dst_, "dense/kernel:0"));
  window_->pane(Side::Source)->treeView()->scrollTo(indexOfPath(src_, "dense/kernel:0"));
  QApplication::processEvents();
  const QImage image = window_->grab().toImage();
  ASSERT_TRUE(image.save(qEnvironmentVariable("GRAFT_SCREENSHOT_DIR", QDir::tempPath()) + "/window-plan-conflict.png"));
  // The conflict colour is on screen (the red status icon of the head), not only in the model.
  int red = 0;
  for (int y = 0; y < image.height(); y += 2)
    for (int x = 0; x < image.width(); x += 2) {
      const QColor c = image.pixelColor(x, y);
      red += c.red() > 180 && c.green() < 70 && c.blue() < 70;
    }
  EXPECT_GT(red, 10);
}

namespace {
// Skips both head conflicts so the plan can be exported.
void matchAndSkipConflicts(MainWindow& w, ui::PlanDocument* doc) {
  w.autoMatch(static_cast<int>(MatchStrategy::Name));
  for (const char* path : {"dense/kernel:0", "dense/bias:0"})
    ui::resolutionsFor(doc, *doc->evaluation().findByPath(path)).back().apply();
}
}  // namespace

TEST_F(Transplant, ExportFromTheDialogWritesWhatGraftCliMergeWritesFromTheSavedPlan) {
  matchAndSkipConflicts(*window_, doc_);
  ASSERT_TRUE(window_->savePlanTo(QString::fromStdString((dir_ / "plan.json").string())));
  ui::ExportDialog* dialog = window_->showExportDialog();
  ASSERT_NE(dialog, nullptr);
  dialog->setOutputPath(QString::fromStdString((dir_ / "from-window.h5").string()));
  QSignalSpy done(dialog->worker(), &ui::ExportWorker::finished);
  ASSERT_TRUE(dialog->startExport(true));
  EXPECT_TRUE(window_->isEnabled()) << "the window stays usable during an export";
  ASSERT_TRUE(done.wait(30000));
  EXPECT_NE(dialog->summaryText().indexOf("verified"), -1) << dialog->summaryText().toStdString();
  const auto cli = test::runCommand({GRAFT_CLI_PATH, "merge", "--plan", (dir_ / "plan.json").string(), "-o", (dir_ / "from-cli.h5").string(), "-q"});
  ASSERT_EQ(cli.exitCode, 0) << cli.err;
  auto list = [](const fs::path& f) { return test::runCommand({GRAFT_CLI_PATH, "ls", "--json", "--checksums", f.string()}).out; };
  EXPECT_EQ(list(dir_ / "from-window.h5"), list(dir_ / "from-cli.h5"));
  EXPECT_FALSE(list(dir_ / "from-window.h5").empty());
}

TEST_F(Transplant, TheDialogExportsToAnotherFrameworksConventionsAndDtype) {
  matchAndSkipConflicts(*window_, doc_);
  ui::ExportDialog* dialog = window_->showExportDialog();
  ASSERT_NE(dialog, nullptr);
  auto choose = [&](const char* combo, const QString& data) {
    auto* box = dialog->findChild<QComboBox*>(QString::fromLatin1(combo));
    ASSERT_NE(box, nullptr) << combo;
    const int i = box->findData(data);
    ASSERT_GE(i, 0) << combo << " has no " << data.toStdString();
    box->setCurrentIndex(i);
  };
  choose("format", QStringLiteral("safetensors"));
  choose("layoutConvention", QStringLiteral("torch"));
  choose("castTo", QStringLiteral("float16"));
  dialog->setOutputPath(QString::fromStdString((dir_ / "torch.safetensors").string()));
  QSignalSpy done(dialog->worker(), &ui::ExportWorker::finished);
  ASSERT_TRUE(dialog->startExport(true));
  ASSERT_TRUE(done.wait(30000)) << dialog->summaryText().toStdString();
  const auto result = FormatRegistry::builtin().open(dir_ / "torch.safetensors");
  const Node* kernel = doc_->target()->findByPath("conv2d/kernel:0");
  ASSERT_NE(kernel, nullptr);
  const Node* weight = result->findByKey("conv2d.weight");
  ASSERT_NE(weight, nullptr) << "Keras' conv2d/kernel:0 becomes PyTorch's conv2d.weight";
  const auto& hwio = kernel->tensor()->shape.dims();
  EXPECT_EQ(weight->tensor()->shape, (Shape{hwio[3], hwio[2], hwio[0], hwio[1]}));
  EXPECT_EQ(weight->tensor()->dtype, DType::Float16);
  EXPECT_TRUE(result->findByKey("batch_normalization.running_var"));
}

TEST_F(Transplant, AnOutputNamedForAnotherFormatSwitchesTheDialogsFormat) {
  matchAndSkipConflicts(*window_, doc_);
  ui::ExportDialog* dialog = window_->showExportDialog();
  ASSERT_NE(dialog, nullptr);
  auto* format = dialog->findChild<QComboBox*>(QStringLiteral("format"));
  ASSERT_NE(format, nullptr);
  const auto formatFor = [&](const char* name) {
    dialog->setOutputPath(QString::fromStdString((dir_ / name).string()));
    return format->currentData().toString().toStdString();
  };
  EXPECT_EQ(format->currentData().toString().toStdString(), "keras2-h5") << "the target's format to begin with";
  EXPECT_EQ(formatFor("merged.pt"), "pytorch");
  EXPECT_EQ(formatFor("merged"), "pytorch") << "a name without an extension keeps the choice";
  EXPECT_EQ(formatFor("shards/merged.safetensors.index.json"), "safetensors");
  EXPECT_EQ(formatFor("merged.h5"), "keras2-h5") << ".h5 fits Keras 2 and Keras 3: the target's format wins";
  EXPECT_EQ(formatFor("merged.weights.h5"), "keras2-h5") << "a name that fits the chosen format keeps it";
  EXPECT_EQ(formatFor("MERGED.SAFETENSORS"), "safetensors");
  const auto choose = [&](const char* id) {
    const int i = format->findData(QString::fromLatin1(id));
    format->setCurrentIndex(i);
    Q_EMIT format->activated(i);  // as when the user picks it
    return fs::path(dialog->outputPath().toStdString()).filename().string();
  };
  EXPECT_EQ(choose("pytorch"), "MERGED.pt") << "choosing a format renames an output named for another";
  EXPECT_EQ(choose("keras3-weights-h5"), "MERGED.weights.h5");
  EXPECT_EQ(choose("keras2-h5"), "MERGED.weights.h5") << "a name that fits the chosen format is kept";
  EXPECT_EQ(choose("safetensors"), "MERGED.safetensors");
  EXPECT_EQ(format->currentData().toString().toStdString(), "safetensors");
  QSignalSpy done(dialog->worker(), &ui::ExportWorker::finished);
  ASSERT_TRUE(dialog->startExport(true));
  ASSERT_TRUE(done.wait(30000)) << dialog->summaryText().toStdString();
  EXPECT_EQ(FormatRegistry::builtin().open(dir_ / "MERGED.safetensors")->formatId(), "safetensors");
}

TEST_F(Transplant, CancelledExportLeavesNothingBehind) {
  matchAndSkipConflicts(*window_, doc_);
  test::TempDir out;
  ui::ExportDialog* dialog = window_->showExportDialog();
  ASSERT_NE(dialog, nullptr);
  dialog->setOutputPath(QString::fromStdString((out / "result.h5").string()));
  QSignalSpy cancelled(dialog->worker(), &ui::ExportWorker::cancelled);
  ASSERT_TRUE(dialog->startExport(true));
  dialog->cancelExport();  // before the worker reaches its first tensor
  ASSERT_TRUE(cancelled.wait(30000));
  EXPECT_TRUE(fs::is_empty(out.path())) << "no output and no temporary file";
  EXPECT_NE(dialog->summaryText().indexOf("cancelled"), -1);
}

TEST_F(Transplant, ExportIsRefusedWhileConflictsRemain) {
  window_->autoMatch(static_cast<int>(MatchStrategy::Name));
  ui::ExportDialog* dialog = window_->showExportDialog();
  ASSERT_NE(dialog, nullptr);
  dialog->setOutputPath(QString::fromStdString((dir_ / "never.h5").string()));
  EXPECT_FALSE(dialog->startExport(true));
  EXPECT_NE(dialog->summaryText().indexOf("2 unresolved conflict(s)"), -1) << dialog->summaryText().toStdString();
  EXPECT_FALSE(fs::exists(dir_ / "never.h5"));
}
