// The seed tasks done through the window as a person does them — filter, select, drag, drop,
// resolve from the context menu, export from the dialog — each checked on the exported file's
// bytes against the source and target it was made from.

#include <gtest/gtest.h>

#include <QAction>
#include <QMenuBar>
#include <QToolButton>

#include <cstring>

#include "checkpoint_variants.h"
#include "formats/format_registry.h"
#include "merge/matcher.h"
#include "plan/match_dialog.h"
#include "plan/plan_document.h"
#include "test_support.h"
#include "window_gestures.h"
#include "window_test_support.h"

using namespace graft;
using graft::ui::MainWindow;
using Side = MainWindow::Side;
namespace fs = std::filesystem;

namespace {

const char* kCnn = "keras2-model-h5/tf-fashion_my_model.h5";
const std::vector<std::string> kConvLayers = {"conv2d", "conv2d_1", "conv2d_2", "conv2d_3", "conv2d_4", "conv2d_5", "conv2d_6"};

std::unique_ptr<Checkpoint> open(const fs::path& p) { return FormatRegistry::builtin().open(p); }

// Triggers the menu bar entry menu › item (labels without '&').
bool triggerMenu(MainWindow& w, const QString& menu, const QString& item) {
  for (QAction* top : w.menuBar()->actions()) {
    if (top->text().remove('&') != menu || !top->menu()) continue;
    QList<QAction*> actions = top->menu()->actions();
    while (!actions.isEmpty()) {
      QAction* a = actions.takeFirst();
      if (a->menu()) actions += a->menu()->actions();
      if (a->text().remove('&') == item) {
        a->trigger();
        return true;
      }
    }
  }
  return false;
}

}  // namespace

class SeedTask : public ::testing::Test {
 protected:
  void SetUp() override {
    GRAFT_REAL_DATA_OR_SKIP(real);
    real_ = real;
    window_ = std::make_unique<MainWindow>();
    window_->resize(1400, 900);
    window_->show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(window_.get()));
  }

  void openPair(const fs::path& source, const fs::path& target) { ASSERT_TRUE(test::openBoth(*window_, source, target)); }

  // Exports through the dialog and opens the result with the core reader.
  std::unique_ptr<Checkpoint> exportResult() {
    const fs::path out = dir_ / "result.h5";
    const QString summary = test::exportThroughDialog(*window_, QString::fromStdString(out.string()));
    EXPECT_NE(summary.indexOf("verified"), -1) << summary.toStdString();
    return fs::exists(out) ? open(out) : nullptr;
  }

  fs::path real_;
  test::TempDir dir_;
  std::unique_ptr<MainWindow> window_;
};

TEST_F(SeedTask, TakeTheFeatureExtractorIntoANewModel) {
  test::writeWithNewHead(real_ / kCnn, dir_ / "new.h5");
  openPair(real_ / kCnn, dir_ / "new.h5");
  // Everything but the head: filter the source to conv and batch-norm layers, select them,
  // drag them onto empty space of the target (each lands on its namesake).
  std::vector<std::string> features = kConvLayers;
  for (int i = 0; i < 7; ++i) features.push_back(i ? "batch_normalization_" + std::to_string(i) : "batch_normalization");
  window_->pane(Side::Source)->filterEdit()->setText(QStringLiteral("conv|batch"));
  window_->pane(Side::Source)->regexToggle()->setChecked(true);
  EXPECT_EQ(window_->pane(Side::Source)->filterStatus(), "42 matches");
  test::selectRows(*window_, Side::Source, features);
  bool accepted = false;
  const QString preview = test::dragSelectionOnto(*window_, "", &accepted);
  ASSERT_TRUE(accepted) << preview.toStdString();
  EXPECT_EQ(preview.indexOf("conflict"), -1) << preview.toStdString();
  EXPECT_EQ(window_->document()->evaluation().count(SlotStatus::Replaced), 42u);
  EXPECT_FALSE(window_->document()->evaluation().hasConflicts());

  const auto result = exportResult();
  ASSERT_NE(result, nullptr);
  const auto src = open(real_ / kCnn);
  const auto dst = open(dir_ / "new.h5");
  for (const Node* v : result->variables()) {
    const std::string& key = v->tensor()->key;
    const bool head = key.rfind("dense/", 0) == 0;
    EXPECT_EQ(test::tensorBytes(*result, key), test::tensorBytes(head ? *dst : *src, key)) << key;
  }
  EXPECT_EQ(result->findByKey("dense/dense/kernel:0")->tensor()->shape, Shape({128, 5}));
}

TEST_F(SeedTask, RestoreOneLayerFromAnotherCheckpoint) {
  test::writeVariant(real_ / kCnn, dir_ / "drifted.h5", {});
  openPair(real_ / kCnn, dir_ / "drifted.h5");
  test::selectRows(*window_, Side::Source, {"conv2d_3"});
  bool accepted = false;
  const QString preview = test::dragSelectionOnto(*window_, "conv2d_3", &accepted);
  ASSERT_TRUE(accepted);
  EXPECT_NE(preview.indexOf("conv2d_3/kernel:0 → conv2d_3/kernel:0"), -1) << preview.toStdString();
  ASSERT_EQ(window_->document()->plan().operations.size(), 1u);

  const auto result = exportResult();
  ASSERT_NE(result, nullptr);
  const auto good = open(real_ / kCnn);
  const auto drifted = open(dir_ / "drifted.h5");
  for (const Node* v : result->variables()) {
    const std::string& key = v->tensor()->key;
    const bool restored = key.rfind("conv2d_3/", 0) == 0;
    EXPECT_EQ(test::tensorBytes(*result, key), test::tensorBytes(restored ? *good : *drifted, key)) << key;
  }
}

TEST_F(SeedTask, RenamedLayersMappedByLayerOrderFromThePlanMenu) {
  std::vector<Operation> renames;
  for (const auto& layer : kConvLayers) renames.push_back(test::renameOp(layer, "features_" + layer));
  test::writeVariant(real_ / kCnn, dir_ / "renamed.h5", renames);
  openPair(real_ / kCnn, dir_ / "renamed.h5");
  ASSERT_TRUE(triggerMenu(*window_, "Plan", "By Layer Order"));
  EXPECT_FALSE(window_->document()->evaluation().hasConflicts());
  EXPECT_EQ(window_->document()->evaluation().count(SlotStatus::Replaced), 44u);

  const auto result = exportResult();
  ASSERT_NE(result, nullptr);
  const auto src = open(real_ / kCnn);
  for (const Node* v : src->variables()) {
    std::string key = v->tensor()->key;
    if (key.rfind("conv2d", 0) == 0) {
      const std::string layer = key.substr(0, key.find('/'));
      key = "features_" + layer + "/features_" + layer + key.substr(2 * layer.size() + 1);
    }
    EXPECT_EQ(test::tensorBytes(*result, key), test::tensorBytes(*src, v->tensor()->key)) << key;
  }
}

TEST_F(SeedTask, RenamedLayersMappedByARenameRuleInTheAutoMatchDialog) {
  std::vector<Operation> renames;
  for (const auto& layer : kConvLayers) renames.push_back(test::renameOp(layer, "features_" + layer));
  test::writeVariant(real_ / kCnn, dir_ / "renamed.h5", renames);
  openPair(real_ / kCnn, dir_ / "renamed.h5");
  ui::MatchDialog* dialog = window_->showMatchDialog();
  ASSERT_NE(dialog, nullptr);
  dialog->setStrategy(MatchStrategy::Name);
  dialog->setRulesText(QStringLiteral("^(conv2d[_0-9]*)/=>features_$1/"));
  dialog->setTakeText(QStringLiteral("^conv2d"));
  dialog->refreshNow();
  ASSERT_TRUE(dialog->errorText().isEmpty()) << dialog->errorText().toStdString();
  ASSERT_EQ(dialog->proposals().size(), 14u);  // 7 conv layers x (kernel, bias)
  dialog->accept();
  EXPECT_EQ(window_->document()->evaluation().count(SlotStatus::Replaced), 14u);
  EXPECT_FALSE(window_->document()->evaluation().hasConflicts());

  const auto result = exportResult();
  ASSERT_NE(result, nullptr);
  const auto src = open(real_ / kCnn);
  const auto dst = open(dir_ / "renamed.h5");
  EXPECT_EQ(test::tensorBytes(*result, "features_conv2d_3/features_conv2d_3/kernel:0"), test::tensorBytes(*src, "conv2d_3/conv2d_3/kernel:0"));
  EXPECT_EQ(test::tensorBytes(*result, "features_conv2d/features_conv2d/bias:0"), test::tensorBytes(*src, "conv2d/conv2d/bias:0"));
  EXPECT_EQ(test::tensorBytes(*result, "batch_normalization/batch_normalization/gamma:0"),
            test::tensorBytes(*dst, "batch_normalization/batch_normalization/gamma:0"));
}

TEST_F(SeedTask, WidenedLayerPaddedWithZerosFromTheContextMenu) {
  test::writeVariant(real_ / kCnn, dir_ / "wide.h5",
                     {test::dropOp("dense"), test::addOp("dense/kernel:0", {Transform::pad(Shape{128, 20}, 0.25)}),
                      test::addOp("dense/bias:0", {Transform::pad(Shape{20}, 0.25)})});
  openPair(real_ / kCnn, dir_ / "wide.h5");
  test::selectRows(*window_, Side::Source, {"dense"});
  bool accepted = false;
  const QString preview = test::dragSelectionOnto(*window_, "dense", &accepted);
  ASSERT_TRUE(accepted);
  EXPECT_NE(preview.indexOf("conflict"), -1) << "the preview warns before the drop: " << preview.toStdString();
  ASSERT_EQ(window_->document()->evaluation().conflictCount(), 2u);
  const QModelIndex status = window_->pane(Side::Target)->model()->indexOf(
      window_->pane(Side::Target)->model()->findNode("dense/kernel:0"), ui::CheckpointTreeModel::StatusColumn);
  EXPECT_EQ(status.data().toString(), "conflict-shape");

  for (const char* slot : {"dense/kernel:0", "dense/bias:0"}) {
    const QStringList offered = test::chooseFromTargetMenu(*window_, slot, QStringLiteral("Pad with zeros"));
    EXPECT_TRUE(offered.filter(QStringLiteral("Pad with zeros")).size() == 1) << offered.join(" | ").toStdString();
  }
  EXPECT_FALSE(window_->document()->evaluation().hasConflicts());
  EXPECT_EQ(status.data().toString(), "converted");

  const auto result = exportResult();
  ASSERT_NE(result, nullptr);
  const auto src = open(real_ / kCnn);
  const auto kernel = test::tensorBytes(*result, "dense/dense/kernel:0");
  const auto original = test::tensorBytes(*src, "dense/dense/kernel:0");
  ASSERT_EQ(kernel.size(), 128u * 20 * 4);
  for (std::size_t r = 0; r < 128; ++r) {
    EXPECT_EQ(std::memcmp(kernel.data() + r * 80, original.data() + r * 40, 40), 0) << "row " << r;
    for (std::size_t b = 40; b < 80; ++b) ASSERT_EQ(kernel[r * 80 + b], std::byte{0}) << "row " << r;  // zeros, not the 0.25 fill
  }
  const auto bias = test::tensorBytes(*result, "dense/dense/bias:0");
  ASSERT_EQ(bias.size(), 80u);
  EXPECT_EQ(std::memcmp(bias.data(), test::tensorBytes(*src, "dense/dense/bias:0").data(), 40), 0);
}

TEST_F(SeedTask, AConflictingDropIsShownBeforeAnythingIsWrittenAndSkippingExportsTheRest) {
  test::writeWithNewHead(real_ / kCnn, dir_ / "new.h5");
  openPair(real_ / kCnn, dir_ / "new.h5");
  ASSERT_TRUE(triggerMenu(*window_, "Plan", "By Name"));
  EXPECT_EQ(window_->document()->evaluation().conflictCount(), 2u);
  const QString refused = test::exportThroughDialog(*window_, QString::fromStdString((dir_ / "never.h5").string()));
  EXPECT_NE(refused.indexOf("2 unresolved conflict(s)"), -1) << refused.toStdString();
  EXPECT_FALSE(fs::exists(dir_ / "never.h5"));
  for (const char* slot : {"dense/kernel:0", "dense/bias:0"}) test::chooseFromTargetMenu(*window_, slot, QStringLiteral("Skip"));
  const auto result = exportResult();
  ASSERT_NE(result, nullptr);
  const auto dst = open(dir_ / "new.h5");
  EXPECT_EQ(test::tensorBytes(*result, "dense/dense/kernel:0"), test::tensorBytes(*dst, "dense/dense/kernel:0"));
}
