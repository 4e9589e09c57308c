// The Inspector dock on real checkpoints: what a selection shows, that its bars are exactly the
// core's histogram, pair overlays on shared bins with diff metrics, cancellation of superseded
// work, and a screenshot of an overlay.

#include <gtest/gtest.h>

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QProgressBar>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTableView>
#include <QTest>
#include <QTreeView>

#include "checkpoint_variants.h"
#include "inspector/facts_view.h"
#include "inspector/histogram_plot.h"
#include "inspector/inspector_dock.h"
#include "inspector/number_text.h"
#include "inspector/qcustomplot_no_keywords.h"
#include "main_window.h"
#include "window_test_support.h"
#include "panes/checkpoint_loader.h"
#include "panes/checkpoint_pane.h"
#include "panes/checkpoint_tree_model.h"
#include "plan/conflict_actions.h"
#include "plan/plan_dock.h"
#include "plan/plan_document.h"
#include "stats/tensor_statistics.h"
#include "test_support.h"

using namespace graft;
using graft::ui::InspectorDock;
using graft::ui::MainWindow;
using Side = MainWindow::Side;
namespace fs = std::filesystem;

namespace {

const char* kCnn = "keras2-model-h5/tf-fashion_my_model.h5";

using test::openBoth;

// The target a researcher compares against: the same CNN rounded through float16, with a 5-class
// head (a shape conflict) and conv2d_1's kernel taken from a deeper layer (other values, same shape).
void writeRetrainedTarget(const fs::path& real, const fs::path& out) {
  test::writeVariant(real, out,
                     {test::dropOp("conv2d_1/kernel:0"),
                      test::addOp("conv2d_4/kernel:0", {Transform::slice({{0, 3}, {0, 3}, {0, 32}, {0, 32}})}, "conv2d_1/kernel:0"),
                      test::dropOp("dense"), test::addOp("dense/kernel:0", {Transform::slice({{0, 128}, {0, 5}})}),
                      test::addOp("dense/bias:0", {Transform::slice({{0, 5}})})});
}

TensorStatistics coreStatistics(const Checkpoint& c, const Node& v, std::size_t bins,
                                std::optional<std::pair<double, double>> range = std::nullopt) {
  StatisticsOptions options;
  options.bins = bins;
  options.range = range;
  auto stream = c.openTensor(v);
  return computeStatistics(*stream, v.tensor()->dtype, options);
}

std::vector<double> heights(const QCPBars* bars) {
  std::vector<double> out;
  for (auto it = bars->data()->constBegin(); it != bars->data()->constEnd(); ++it) out.push_back(it->value);
  return out;
}

std::vector<double> keys(const QCPBars* bars) {
  std::vector<double> out;
  for (auto it = bars->data()->constBegin(); it != bars->data()->constEnd(); ++it) out.push_back(it->key);
  return out;
}

std::vector<double> asDoubles(const std::vector<std::uint64_t>& counts) { return {counts.begin(), counts.end()}; }

}  // namespace

class Inspector : public ::testing::Test {
 protected:
  void SetUp() override {
    GRAFT_REAL_DATA_OR_SKIP(real);
    real_ = real;
    writeRetrainedTarget(real_ / kCnn, dir_ / "retrained.h5");
    window_ = std::make_unique<MainWindow>();
    window_->resize(1400, 900);
    window_->show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(window_.get()));
    ASSERT_TRUE(openBoth(*window_, real_ / kCnn, dir_ / "retrained.h5"));
    dock_ = window_->findChild<InspectorDock*>();
    ASSERT_NE(dock_, nullptr);
    doc_ = window_->document();
  }

  const Node* node(Side side, const std::string& path) const {
    const Checkpoint* c = side == Side::Source ? doc_->source() : doc_->target();
    return c->findNode(path);
  }

  // Makes path the current row of a tree, as a click does.
  void select(Side side, const std::string& path) {
    ui::CheckpointPane* pane = window_->pane(side);
    const QModelIndex index = pane->model()->indexOf(node(side, path));
    ASSERT_TRUE(index.isValid()) << path;
    pane->treeView()->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
  }

  void addCopy(const std::string& source, const std::string& target, OperationKind kind = OperationKind::Copy) {
    Operation op;
    op.kind = kind;
    op.source = source;
    op.target = target;
    op.reason = "by hand";
    doc_->addOperations({op}, QStringLiteral("Copy"));
  }

  void selectPlanRow(int row) {
    QTableView* table = window_->planDock()->table();
    table->selectionModel()->setCurrentIndex(table->model()->index(row, 0), QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
  }

  fs::path real_;
  test::TempDir dir_;
  std::unique_ptr<MainWindow> window_;
  InspectorDock* dock_ = nullptr;
  ui::PlanDocument* doc_ = nullptr;
};

TEST_F(Inspector, SelectingAVariableShowsItsFactsThenTheCoreHistogram) {
  QSignalSpy ready(dock_, &InspectorDock::histogramReady);
  select(Side::Source, "conv2d_2/kernel:0");
  const Node* v = node(Side::Source, "conv2d_2/kernel:0");
  // Facts come from the tree at once; values are being computed off the UI thread.
  EXPECT_EQ(dock_->facts()->text("key").toStdString(), v->tensor()->key);
  EXPECT_EQ(dock_->title(), "conv2d_2/kernel:0");
  EXPECT_EQ(dock_->facts()->text("shape"), "(5, 5, 32, 32)");
  EXPECT_EQ(dock_->facts()->text("dtype"), "float32");
  EXPECT_EQ(dock_->facts()->text("parameters"), "25,600 (100 KiB)");
  EXPECT_TRUE(dock_->isComputing());
  EXPECT_TRUE(dock_->busyIndicator()->isVisible());

  ASSERT_TRUE(ready.wait(10000));
  EXPECT_FALSE(dock_->isComputing());
  EXPECT_FALSE(dock_->busyIndicator()->isVisible());
  const TensorStatistics core = coreStatistics(*doc_->source(), *v, InspectorDock::kDefaultBins);
  ASSERT_TRUE(core.histogram);
  const auto bars = dock_->plot()->bars();
  ASSERT_EQ(bars.size(), 1u);
  EXPECT_EQ(heights(bars[0]), asDoubles(core.histogram->counts));
  const double width = (core.histogram->hi - core.histogram->lo) / InspectorDock::kDefaultBins;
  EXPECT_DOUBLE_EQ(keys(bars[0]).front(), core.histogram->lo + width / 2);
  EXPECT_DOUBLE_EQ(bars[0]->width(), width);
  EXPECT_EQ(dock_->facts()->text("min"), ui::valueText(core.min));
  EXPECT_EQ(dock_->facts()->text("max"), ui::valueText(core.max));
  EXPECT_EQ(dock_->facts()->text("mean"), ui::valueText(core.mean));
  EXPECT_EQ(dock_->facts()->text("std"), ui::valueText(core.std));
  EXPECT_EQ(dock_->facts()->text("nonFinite"), "0 / 0");
  EXPECT_FALSE(dock_->plot()->customPlot()->legend->visible());
  EXPECT_EQ(dock_->plot()->customPlot()->xAxis->label(), "value");
  EXPECT_EQ(dock_->plot()->customPlot()->yAxis->label(), "count");
  const QString folder = qEnvironmentVariable("GRAFT_SCREENSHOT_DIR", QDir::tempPath());
  ASSERT_TRUE(dock_->grab().toImage().save(folder + "/inspector-variable.png"));
}

TEST_F(Inspector, BinCountRecomputesAndLogScaleOnlyRescales) {
  QSignalSpy ready(dock_, &InspectorDock::histogramReady);
  select(Side::Target, "conv2d_6/kernel:0");
  ASSERT_TRUE(ready.wait(10000));
  dock_->binCount()->setValue(10);
  ASSERT_TRUE(ready.wait(10000));
  const TensorStatistics core = coreStatistics(*doc_->target(), *node(Side::Target, "conv2d_6/kernel:0"), 10);
  ASSERT_EQ(dock_->plot()->bars().size(), 1u);
  EXPECT_EQ(heights(dock_->plot()->bars()[0]), asDoubles(core.histogram->counts));

  dock_->logScale()->setChecked(true);
  QCPAxis* y = dock_->plot()->customPlot()->yAxis;
  EXPECT_EQ(y->scaleType(), QCPAxis::stLogarithmic);
  EXPECT_FALSE(y->ticker().dynamicCast<QCPAxisTickerLog>().isNull());
  EXPECT_EQ(ready.count(), 2) << "a scale change must not recompute";
  const QString folder = qEnvironmentVariable("GRAFT_SCREENSHOT_DIR", QDir::tempPath());
  ASSERT_TRUE(dock_->grab().toImage().save(folder + "/inspector-log.png"));
  dock_->logScale()->setChecked(false);
  EXPECT_EQ(y->scaleType(), QCPAxis::stLinear);
}

TEST_F(Inspector, AnOperationOverlaysBothHistogramsOnSharedBinsWithDiffMetrics) {
  addCopy("conv2d_1/kernel:0", "conv2d_1/kernel:0");
  QSignalSpy ready(dock_, &InspectorDock::histogramReady);
  selectPlanRow(0);
  ASSERT_TRUE(ready.wait(10000));
  QTest::qWait(50);
  EXPECT_EQ(ready.count(), 1) << "the tree selections the operation makes must not replace the pair";
  EXPECT_EQ(dock_->title(), "conv2d_1/kernel:0 → conv2d_1/kernel:0");

  const Node* s = node(Side::Source, "conv2d_1/kernel:0");
  const Node* t = node(Side::Target, "conv2d_1/kernel:0");
  const TensorStatistics sStats = coreStatistics(*doc_->source(), *s, 0);
  const TensorStatistics tStats = coreStatistics(*doc_->target(), *t, 0);
  const auto range = ui::unionRange({&sStats, &tStats});
  ASSERT_TRUE(range);
  EXPECT_EQ(range->first, std::min(sStats.min, tStats.min));
  EXPECT_EQ(range->second, std::max(sStats.max, tStats.max));
  const auto sHist = coreStatistics(*doc_->source(), *s, InspectorDock::kDefaultBins, range).histogram;
  const auto tHist = coreStatistics(*doc_->target(), *t, InspectorDock::kDefaultBins, range).histogram;

  const auto bars = dock_->plot()->bars();
  ASSERT_EQ(bars.size(), 2u);
  EXPECT_EQ(heights(bars[0]), asDoubles(sHist->counts));
  EXPECT_EQ(heights(bars[1]), asDoubles(tHist->counts));
  EXPECT_EQ(keys(bars[0]), keys(bars[1])) << "both histograms share their bins";
  EXPECT_NE(bars[0]->brush().color().rgb(), bars[1]->brush().color().rgb());
  EXPECT_EQ(bars[0]->name(), "Source");
  EXPECT_EQ(bars[1]->name(), "Target");
  QCPLegend* legend = dock_->plot()->customPlot()->legend;
  EXPECT_TRUE(legend->visible());
  EXPECT_EQ(legend->itemCount(), 2);

  auto sa = doc_->source()->openTensor(*s);
  auto tb = doc_->target()->openTensor(*t);
  const DiffMetrics diff = diffTensors(*sa, DType::Float32, *tb, DType::Float32);
  EXPECT_EQ(dock_->facts()->text("maxAbsDiff"), ui::valueText(diff.maxAbsDiff));
  EXPECT_EQ(dock_->facts()->text("relativeL2"), ui::valueText(diff.relativeL2));
  EXPECT_EQ(dock_->facts()->text("cosine"), ui::cosineText(diff.cosine));
  EXPECT_GT(diff.maxAbsDiff, 0.0);  // really different tensors: the overlay shows two shapes
  EXPECT_EQ(dock_->facts()->text("min", 0), ui::valueText(sStats.min));
  EXPECT_EQ(dock_->facts()->text("min", 1), ui::valueText(tStats.min));
}

TEST_F(Inspector, APairOfDifferentShapesIsShownButNotCompared) {
  addCopy("dense/kernel:0", "dense/kernel:0");
  QSignalSpy ready(dock_, &InspectorDock::histogramReady);
  dock_->inspectOperation(0);
  ASSERT_TRUE(ready.wait(10000));
  EXPECT_EQ(dock_->facts()->text("shape", 0), "(128, 10)");
  EXPECT_EQ(dock_->facts()->text("shape", 1), "(128, 5)");
  EXPECT_EQ(dock_->facts()->text("diffNote"), "not compared: the shapes differ");
  EXPECT_EQ(dock_->facts()->text("cosine"), "");
  EXPECT_EQ(dock_->plot()->bars().size(), 2u);
}

TEST_F(Inspector, FollowsThePlanWhenItsOperationIsResolvedOrRemoved) {
  addCopy("dense/kernel:0", "dense/kernel:0");
  QSignalSpy ready(dock_, &InspectorDock::histogramReady);
  dock_->inspectOperation(0);
  ASSERT_TRUE(ready.wait(10000));
  EXPECT_NE(dock_->subtitle().indexOf("conflict-shape"), -1) << dock_->subtitle().toStdString();

  ui::resolutionsFor(doc_, *doc_->evaluation().findByPath("dense/kernel:0")).front().apply();  // slice to fit
  EXPECT_NE(dock_->subtitle().indexOf("converted"), -1) << dock_->subtitle().toStdString();
  ASSERT_TRUE(ready.wait(10000));

  doc_->removeOperations({0});
  EXPECT_EQ(dock_->title(), "dense/kernel:0 → dense/kernel:0") << "the variables stay on screen";
  dock_->pairChooser()->activated(0);  // must not reach for the removed operation
  select(Side::Target, "dense/bias:0");
  EXPECT_EQ(dock_->title(), "dense/bias:0");
  ASSERT_TRUE(ready.wait(10000));
}

TEST_F(Inspector, ALayerCopyOffersEachOfItsPairs) {
  addCopy("batch_normalization_3", "batch_normalization_3", OperationKind::CopyLayer);
  QSignalSpy ready(dock_, &InspectorDock::histogramReady);
  dock_->inspectOperation(0);
  ASSERT_TRUE(ready.wait(10000));
  QComboBox* pairs = dock_->pairChooser();
  EXPECT_FALSE(pairs->isHidden());
  ASSERT_EQ(pairs->count(), 4);
  EXPECT_EQ(pairs->itemText(0), "batch_normalization_3/gamma:0 → batch_normalization_3/gamma:0");
  pairs->activated(2);
  ASSERT_TRUE(ready.wait(10000));
  EXPECT_EQ(dock_->title(), "batch_normalization_3/moving_mean:0 → batch_normalization_3/moving_mean:0");
  EXPECT_EQ(dock_->facts()->text("key", 0), "batch_normalization_3/batch_normalization_3/moving_mean:0");
}

TEST_F(Inspector, ARapidSecondSelectionWins) {
  QSignalSpy ready(dock_, &InspectorDock::histogramReady);
  select(Side::Source, "conv2d_6/kernel:0");  // the larger tensor, still being read...
  select(Side::Source, "conv2d/kernel:0");    // ...when the researcher moves on
  ASSERT_TRUE(ready.wait(10000));
  ASSERT_TRUE(QTest::qWaitFor([&] { return dock_->droppedResults() == 1; }, 10000));
  QTest::qWait(50);
  EXPECT_EQ(ready.count(), 1);
  EXPECT_EQ(dock_->title(), "conv2d/kernel:0");
  const TensorStatistics core = coreStatistics(*doc_->source(), *node(Side::Source, "conv2d/kernel:0"), InspectorDock::kDefaultBins);
  ASSERT_EQ(dock_->plot()->bars().size(), 1u);
  EXPECT_EQ(heights(dock_->plot()->bars()[0]), asDoubles(core.histogram->counts));
}

TEST_F(Inspector, LayersShowTheirTotalsAndNoHistogram) {
  QSignalSpy ready(dock_, &InspectorDock::histogramReady);
  select(Side::Source, "conv2d_1/kernel:0");
  select(Side::Source, "conv2d_1");
  // supersedes the variable before its values arrive
  EXPECT_FALSE(dock_->isComputing());
  EXPECT_EQ(dock_->facts()->text("variables"), "2");
  EXPECT_EQ(dock_->facts()->text("parameters"), "9,248 (36 KiB)");
  EXPECT_EQ(dock_->facts()->text("kind"), "Conv2D layer");
  EXPECT_TRUE(dock_->plot()->bars().empty());
  EXPECT_FALSE(dock_->placeholderText().isEmpty());
  EXPECT_FALSE(dock_->binCount()->isVisible());
  ASSERT_TRUE(QTest::qWaitFor([&] { return dock_->droppedResults() == 1; }, 10000));
  EXPECT_EQ(ready.count(), 0);
}

TEST_F(Inspector, ScreenshotOfAnOverlay) {
  addCopy("conv2d_1/kernel:0", "conv2d_1/kernel:0");
  window_->pane(Side::Source)->treeView()->expandAll();
  window_->pane(Side::Target)->treeView()->expandAll();
  QSignalSpy ready(dock_, &InspectorDock::histogramReady);
  selectPlanRow(0);
  ASSERT_TRUE(ready.wait(10000));
  QApplication::processEvents();
  const QString folder = qEnvironmentVariable("GRAFT_SCREENSHOT_DIR", QDir::tempPath());
  const QImage image = window_->grab().toImage();
  ASSERT_TRUE(image.save(folder + "/inspector-overlay.png"));
  ASSERT_TRUE(dock_->grab().toImage().save(folder + "/inspector-overlay-dock.png"));
  // Both series' colours are drawn, not only set: count bluish and orangish pixels of the plot.
  const QImage plot = dock_->plot()->grab().toImage();
  int blue = 0, orange = 0;
  for (int y = 0; y < plot.height(); ++y)
    for (int x = 0; x < plot.width(); ++x) {
      const QColor c = plot.pixelColor(x, y);
      blue += c.blue() > c.red() + 40 && c.blue() > c.green();
      orange += c.red() > c.blue() + 60 && c.green() > c.blue();
    }
  EXPECT_GT(blue, 200);
  EXPECT_GT(orange, 200);
}
