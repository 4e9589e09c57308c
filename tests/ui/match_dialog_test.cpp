// The Auto-match dialog: rename rules, the take-only filter, errors that name the bad line,
// the live preview's statuses, and adding the pairs as one undoable step.

#include <gtest/gtest.h>

#include <QApplication>
#include <QDir>
#include <QIcon>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableView>
#include <QTest>
#include <QUndoStack>

#include "checkpoint_variants.h"
#include "formats/format_registry.h"
#include "merge/matcher.h"
#include "plan/match_dialog.h"
#include "plan/match_preview_model.h"
#include "plan/plan_document.h"
#include "plan/result_status.h"
#include "test_support.h"

using namespace graft;
using graft::ui::MatchPreviewModel;
namespace fs = std::filesystem;

namespace {

const char* kCnn = "keras2-model-h5/tf-fashion_my_model.h5";
const char* kConvLayers[] = {"conv2d", "conv2d_1", "conv2d_2", "conv2d_3", "conv2d_4", "conv2d_5", "conv2d_6"};

// The real CNN with its conv layers renamed features_conv2d… and a 5-class head, so names
// alone miss the convs and the head conflicts.
void writeRenamedWithNewHead(const fs::path& real, const fs::path& out) {
  std::vector<Operation> edits;
  for (const char* layer : kConvLayers) edits.push_back(test::renameOp(layer, std::string("features_") + layer));
  edits.push_back(test::dropOp("dense"));
  edits.push_back(test::addOp("dense/kernel:0", {Transform::slice({{0, 128}, {0, 5}})}));
  edits.push_back(test::addOp("dense/bias:0", {Transform::slice({{0, 5}})}));
  test::writeVariant(real, out, edits);
}

int rowOf(const MatchPreviewModel* m, const std::string& source) {
  for (int r = 0; r < m->rowCount(); ++r)
    if (m->row(r).operation.source == source) return r;
  return -1;
}

QString cell(const MatchPreviewModel* m, int row, int column, int role = Qt::DisplayRole) {
  return m->index(row, column).data(role).toString();
}

}  // namespace

class MatchDialog : public ::testing::Test {
 protected:
  void SetUp() override {
    GRAFT_REAL_DATA_OR_SKIP(real);
    writeRenamedWithNewHead(real / kCnn, dir_ / "renamed.h5");
    doc_ = std::make_unique<ui::PlanDocument>();
    doc_->setSource(FormatRegistry::builtin().open(real / kCnn));
    doc_->setTarget(FormatRegistry::builtin().open(dir_ / "renamed.h5"));
    ASSERT_TRUE(doc_->ready());
  }

  test::TempDir dir_;
  std::unique_ptr<ui::PlanDocument> doc_;
};

TEST_F(MatchDialog, RenameRuleMakesRenamedLayersPairUpAndThePreviewSaysWhy) {
  ui::MatchDialog dialog(doc_.get());
  dialog.setStrategy(MatchStrategy::Name);
  dialog.refreshNow();
  EXPECT_EQ(dialog.proposals().size(), 30u) << "44 weights, 14 of them in renamed conv layers";
  EXPECT_EQ(rowOf(dialog.previewModel(), "conv2d_3/kernel:0"), -1);

  // Typed text is matched after a short pause, not at once.
  QSignalSpy reset(dialog.previewModel(), &QAbstractItemModel::modelReset);
  dialog.setRulesText(QStringLiteral("^conv2d=>features_conv2d"));
  EXPECT_EQ(dialog.proposals().size(), 30u);
  ASSERT_TRUE(reset.wait(2000));
  EXPECT_EQ(dialog.proposals().size(), 44u);
  EXPECT_TRUE(dialog.errorText().isEmpty());
  EXPECT_EQ(dialog.addButton()->text(), "Add 44 Pairs");
  EXPECT_TRUE(dialog.addButton()->isEnabled());

  const MatchPreviewModel* m = dialog.previewModel();
  const int row = rowOf(m, "conv2d_3/kernel:0");
  ASSERT_GE(row, 0);
  EXPECT_EQ(m->row(row).operation.target, "features_conv2d_3/kernel:0");
  EXPECT_EQ(cell(m, row, MatchPreviewModel::PairColumn), "conv2d_3/kernel:0 → features_conv2d_3/kernel:0");
  EXPECT_EQ(cell(m, row, MatchPreviewModel::ReasonColumn), "same path 'features_conv2d_3/kernel:0' after rule ^conv2d=>features_conv2d");
  EXPECT_EQ(cell(m, row, MatchPreviewModel::StatusColumn), "fits");
  EXPECT_TRUE(doc_->plan().operations.empty()) << "the preview never changes the plan";
}

TEST_F(MatchDialog, TakeOnlyLimitsPairsToMatchingSourcePaths) {
  ui::MatchDialog dialog(doc_.get());
  dialog.setStrategy(MatchStrategy::Normalized);
  dialog.setTakeText(QStringLiteral("^batch_normalization_2/"));
  dialog.refreshNow();
  ASSERT_EQ(dialog.proposals().size(), 4u);  // gamma, beta and the moving statistics
  for (const auto& op : dialog.proposals()) EXPECT_EQ(op.source.rfind("batch_normalization_2/", 0), 0u) << op.source;

  dialog.setStrategy(MatchStrategy::Name);
  dialog.setRulesText(QStringLiteral("^conv2d=>features_conv2d"));
  dialog.setTakeText(QStringLiteral("conv"));
  dialog.refreshNow();
  EXPECT_EQ(dialog.proposals().size(), 14u);
  EXPECT_EQ(dialog.previewModel()->rowCount(), 14);
  for (const auto& op : dialog.proposals()) EXPECT_NE(op.source.find("conv"), std::string::npos) << op.source;
}

TEST_F(MatchDialog, BadInputNamesTheLineAndDisablesAdding) {
  ui::MatchDialog dialog(doc_.get());
  dialog.setStrategy(MatchStrategy::Name);
  dialog.setRulesText(QStringLiteral("^conv2d=>features_conv2d\n\n(unclosed=>x"));
  dialog.refreshNow();
  EXPECT_TRUE(dialog.errorText().startsWith("Line 3: rename rule '(unclosed=>x': invalid regular expression")) << dialog.errorText().toStdString();
  EXPECT_FALSE(dialog.addButton()->isEnabled());
  EXPECT_TRUE(dialog.proposals().empty());
  EXPECT_EQ(dialog.previewModel()->rowCount(), 0);

  dialog.setRulesText(QStringLiteral("# comments and blank lines are skipped\n\nno arrow here"));
  dialog.refreshNow();
  EXPECT_EQ(dialog.errorText(), "Line 3: rename rule 'no arrow here' must look like 'REGEX=>REPLACEMENT'");

  dialog.setRulesText({});
  dialog.setTakeText(QStringLiteral("conv2d_[1"));
  dialog.refreshNow();
  EXPECT_TRUE(dialog.errorText().startsWith("Take only: invalid regular expression")) << dialog.errorText().toStdString();
  EXPECT_FALSE(dialog.addButton()->isEnabled());

  dialog.accept();  // refused: nothing to add
  EXPECT_TRUE(doc_->plan().operations.empty());

  dialog.setTakeText(QStringLiteral("^dense/"));
  dialog.refreshNow();
  EXPECT_TRUE(dialog.errorText().isEmpty());
  EXPECT_TRUE(dialog.addButton()->isEnabled());
}

TEST_F(MatchDialog, AddingTheProposalsIsOneUndoStep) {
  ui::MatchDialog dialog(doc_.get());
  dialog.setStrategy(MatchStrategy::Name);
  dialog.setRulesText(QStringLiteral("^conv2d=>features_conv2d"));
  // OK right after typing (before the pause ends) takes what was typed.
  const std::size_t before = dialog.proposals().size();
  dialog.addButton()->click();
  EXPECT_EQ(dialog.result(), QDialog::Accepted);
  const std::vector<Operation> added = dialog.proposals();
  ASSERT_EQ(added.size(), 44u);
  EXPECT_NE(before, added.size());
  EXPECT_EQ(doc_->plan().operations, added);
  EXPECT_EQ(doc_->undoStack()->count(), 1);
  EXPECT_EQ(doc_->undoStack()->undoText(), "Auto-match by name (44 pairs)");

  // A second run has nothing new to add.
  ui::MatchDialog again(doc_.get());
  again.setStrategy(MatchStrategy::Name);
  again.setRulesText(QStringLiteral("^conv2d=>features_conv2d"));
  again.refreshNow();
  EXPECT_TRUE(again.proposals().empty());
  EXPECT_NE(again.summaryText().indexOf("44 already in the plan"), -1) << again.summaryText().toStdString();
  EXPECT_FALSE(again.addButton()->isEnabled());

  doc_->undoStack()->undo();
  EXPECT_TRUE(doc_->plan().operations.empty());
  doc_->undoStack()->redo();
  EXPECT_EQ(doc_->plan().operations, added);
}

TEST_F(MatchDialog, ConflictingPairShowsAsConflict) {
  ui::MatchDialog dialog(doc_.get());
  dialog.setStrategy(MatchStrategy::Name);
  dialog.setRulesText(QStringLiteral("^conv2d=>features_conv2d"));
  dialog.refreshNow();
  const MatchPreviewModel* m = dialog.previewModel();
  const int row = rowOf(m, "dense/kernel:0");
  ASSERT_GE(row, 0);
  EXPECT_EQ(m->row(row).status, SlotStatus::ConflictShape);
  EXPECT_EQ(cell(m, row, MatchPreviewModel::StatusColumn), "conflict");
  EXPECT_EQ(cell(m, row, MatchPreviewModel::StatusColumn, Qt::ToolTipRole),
            "dense/kernel:0: source (128, 10) does not fit target (128, 5) — slice or pad dimension 1");
  EXPECT_FALSE(m->index(row, MatchPreviewModel::StatusColumn).data(Qt::DecorationRole).value<QIcon>().isNull());
  EXPECT_EQ(m->index(row, MatchPreviewModel::StatusColumn).data(Qt::ForegroundRole).value<QColor>(), ui::statusColor(SlotStatus::ConflictShape));
  const QString summary = dialog.summaryText();
  EXPECT_TRUE(summary.startsWith("44 pairs · 42 fit · ")) << summary.toStdString();
  EXPECT_NE(summary.indexOf("2 conflicts"), -1) << summary.toStdString();
}

TEST_F(MatchDialog, ScreenshotWithRulesAndAConflict) {
  ui::MatchDialog dialog(doc_.get());
  dialog.setStrategy(MatchStrategy::Name);
  dialog.setRulesText(QStringLiteral("# the new model calls its conv layers features_*\n^conv2d=>features_conv2d"));
  dialog.setTakeText(QStringLiteral("conv2d_[3-6]/|dense"));
  dialog.show();
  ASSERT_TRUE(QTest::qWaitForWindowExposed(&dialog));
  dialog.refreshNow();
  QApplication::processEvents();
  const QImage image = dialog.grab().toImage();
  const QString dir = qEnvironmentVariable("GRAFT_SCREENSHOT_DIR", QDir::tempPath());
  ASSERT_TRUE(image.save(dir + "/match-dialog.png"));
  int red = 0;  // the conflict's status icon is on screen, not only in the model
  for (int y = 0; y < image.height(); y += 2)
    for (int x = 0; x < image.width(); x += 2) {
      const QColor c = image.pixelColor(x, y);
      red += c.red() > 180 && c.green() < 70 && c.blue() < 70;
    }
  EXPECT_GT(red, 10);

  // And the error state, for a look at the message row.
  dialog.setRulesText(QStringLiteral("^conv2d=>features_conv2d\n^(dense=>head"));
  dialog.refreshNow();
  QApplication::processEvents();
  ASSERT_TRUE(dialog.grab().toImage().save(dir + "/match-dialog-error.png"));
}

TEST(MatchDialogWithoutCheckpoints, ProposesNothingAndSaysWhy) {
  ui::PlanDocument doc;
  ui::MatchDialog dialog(&doc);
  EXPECT_TRUE(dialog.proposals().empty());
  EXPECT_FALSE(dialog.addButton()->isEnabled());
  EXPECT_EQ(dialog.summaryText(), "Open a source and a target first.");
}
