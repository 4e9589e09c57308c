// What the trees show: the filter row (substring, regex, count, highlight, context kept),
// optimizer state hidden until asked for, and variables the plan adds appearing in the
// target tree where they will be written.

#include <gtest/gtest.h>

#include <QAction>
#include <QLineEdit>
#include <QTest>
#include <QToolButton>
#include <QTreeView>
#include <QUndoStack>

#include "checkpoint_variants.h"
#include "inspector/inspector_dock.h"
#include "main_window.h"
#include "panes/checkpoint_pane.h"
#include "panes/checkpoint_tree_model.h"
#include "plan/plan_document.h"
#include "plan/transplant_controller.h"
#include "test_support.h"
#include "window_test_support.h"

using namespace graft;
using graft::ui::CheckpointTreeModel;
using graft::ui::MainWindow;
using Side = MainWindow::Side;
namespace fs = std::filesystem;

namespace {

const char* kCnn = "keras2-model-h5/tf-fashion_my_model.h5";
const char* kWithOptimizer = "keras2-model-h5/dl4j_keras-attention.h5";

// Every variable of the checkpoint whose tree path passes `pred`.
template <typename Pred>
std::size_t countVariables(const Checkpoint& c, Pred pred) {
  std::size_t n = 0;
  for (const Node* v : c.variables())
    if (pred(v->path())) ++n;
  return n;
}

}  // namespace

class TreeView : public ::testing::Test {
 protected:
  void SetUp() override {
    GRAFT_REAL_DATA_OR_SKIP(real);
    real_ = real;
    window_ = std::make_unique<MainWindow>();
    window_->show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(window_.get()));
  }

  fs::path real_;
  test::TempDir dir_;
  std::unique_ptr<MainWindow> window_;
};

TEST_F(TreeView, TypingInTheFilterKeepsMatchesWithTheirLayersAndCountsThem) {
  ASSERT_TRUE(test::openBoth(*window_, real_ / kCnn, real_ / kCnn));
  ui::CheckpointPane* pane = window_->pane(Side::Source);
  CheckpointTreeModel* m = pane->model();
  const Checkpoint& c = *m->checkpoint();
  const std::size_t kernels = countVariables(c, [](const std::string& p) { return p.find("kernel") != std::string::npos; });
  ASSERT_EQ(kernels, 8u);

  pane->filterEdit()->setFocus();
  QTest::keyClicks(pane->filterEdit(), "KERNEL");  // case-insensitive
  EXPECT_TRUE(m->filtering());
  EXPECT_EQ(m->matchCount(), kernels);
  EXPECT_EQ(pane->filterStatus(), "8 matches");
  const Node* kernel = c.findNode("conv2d_3/kernel:0");
  const Node* bias = c.findNode("conv2d_3/bias:0");
  const QModelIndex k = m->indexOf(kernel);
  ASSERT_TRUE(k.isValid());
  EXPECT_TRUE(m->isMatch(kernel));
  EXPECT_TRUE(k.data(Qt::BackgroundRole).isValid());  // highlighted
  EXPECT_TRUE(k.data(Qt::FontRole).value<QFont>().bold());
  EXPECT_FALSE(m->indexOf(bias).isValid());          // filtered out
  EXPECT_FALSE(m->indexOf(c.findNode("batch_normalization")).isValid());
  EXPECT_TRUE(k.parent().isValid());                 // its layer stays as context
  EXPECT_FALSE(m->isMatch(c.findNode("conv2d_3")));
  EXPECT_TRUE(pane->treeView()->isExpanded(k.parent()));  // and is opened to show it
  EXPECT_EQ(m->rowCount(), 8);                        // the 8 layers holding a kernel

  // Regex: bias of the conv layers with a number only.
  pane->regexToggle()->setChecked(true);
  pane->filterEdit()->setText(QStringLiteral("^conv2d_\\d+/bias"));
  EXPECT_EQ(m->matchCount(), 6u);
  EXPECT_TRUE(m->indexOf(bias).isValid());
  EXPECT_FALSE(m->indexOf(kernel).isValid());

  pane->filterEdit()->setText(QStringLiteral("conv2d_(\\d"));
  EXPECT_EQ(pane->filterStatus(), "invalid");
  EXPECT_EQ(m->matchCount(), 6u);  // an invalid expression leaves the last good filter

  pane->filterEdit()->setText(QStringLiteral("no such weight"));
  EXPECT_EQ(pane->filterStatus(), "0 matches");
  EXPECT_EQ(m->rowCount(), 0);

  pane->filterEdit()->clear();
  EXPECT_FALSE(m->filtering());
  EXPECT_EQ(pane->filterStatus(), "");
  EXPECT_EQ(m->rowCount(), static_cast<int>(c.root().childCount()));
  EXPECT_TRUE(m->indexOf(bias).isValid());
}

TEST_F(TreeView, FilteringKeepsTheSelection) {
  ASSERT_TRUE(test::openBoth(*window_, real_ / kCnn, real_ / kCnn));
  ui::CheckpointPane* pane = window_->pane(Side::Source);
  CheckpointTreeModel* m = pane->model();
  const Node* kernel = m->checkpoint()->findNode("dense/kernel:0");
  pane->treeView()->setCurrentIndex(m->indexOf(kernel));
  pane->filterEdit()->setText(QStringLiteral("dense"));
  EXPECT_EQ(m->nodeAt(pane->treeView()->currentIndex()), kernel);
  pane->filterEdit()->clear();
  EXPECT_EQ(m->nodeAt(pane->treeView()->currentIndex()), kernel);
}

TEST_F(TreeView, OptimizerStateIsHiddenUntilTheViewMenuShowsIt) {
  ASSERT_TRUE(test::openBoth(*window_, real_ / kWithOptimizer, real_ / kWithOptimizer));
  for (Side side : {Side::Source, Side::Target}) {
    CheckpointTreeModel* m = window_->pane(side)->model();
    const Node* optimizer = m->checkpoint()->findNode("optimizer_weights");
    ASSERT_NE(optimizer, nullptr);
    ASSERT_NE(optimizer->role(), NodeRole::Weights);
    EXPECT_FALSE(m->indexOf(optimizer).isValid()) << "hidden by default";
  }
  QAction* toggle = window_->showOptimizerAction();
  ASSERT_NE(toggle, nullptr);
  EXPECT_FALSE(toggle->isChecked());
  toggle->trigger();
  for (Side side : {Side::Source, Side::Target}) {
    CheckpointTreeModel* m = window_->pane(side)->model();
    EXPECT_TRUE(m->indexOf(m->checkpoint()->findNode("optimizer_weights")).isValid());
  }
  toggle->trigger();
  EXPECT_FALSE(window_->pane(Side::Source)->model()->indexOf(
                     window_->pane(Side::Source)->model()->checkpoint()->findNode("optimizer_weights")).isValid());
}

TEST_F(TreeView, AddedVariablesAppearInTheTargetTreeAsAddedAndGoWithUndo) {
  test::writeVariant(real_ / kCnn, dir_ / "headless.h5", {test::dropOp("dense")});
  ASSERT_TRUE(test::openBoth(*window_, real_ / kCnn, dir_ / "headless.h5"));
  CheckpointTreeModel* src = window_->pane(Side::Source)->model();
  CheckpointTreeModel* dst = window_->pane(Side::Target)->model();
  ASSERT_EQ(dst->checkpoint()->findNode("dense"), nullptr);
  const int rowsBefore = dst->rowCount();

  // Drag the source head onto empty space of the target tree: an add.
  ASSERT_TRUE(window_->transplanter()->transplant({src->checkpoint()->findNode("dense")}, nullptr));
  ASSERT_EQ(dst->rowCount(), rowsBefore + 1);
  const Node* layer = dst->findNode("dense");
  const Node* kernel = dst->findNode("dense/kernel:0");
  ASSERT_NE(layer, nullptr);
  ASSERT_NE(kernel, nullptr);
  const QModelIndex k = dst->indexOf(kernel, CheckpointTreeModel::StatusColumn);
  ASSERT_TRUE(k.isValid());
  EXPECT_EQ(k.data().toString(), "added");
  EXPECT_FALSE(k.data(Qt::DecorationRole).value<QIcon>().isNull());  // an icon, not colour alone
  EXPECT_EQ(dst->indexOf(kernel, CheckpointTreeModel::ShapeColumn).data().toString(), "(128, 10)");
  EXPECT_EQ(dst->indexOf(layer, CheckpointTreeModel::StatusColumn).data().toString(), "2 added");
  EXPECT_EQ(dst->indexOf(layer).row(), rowsBefore);  // after the target's own layers
  EXPECT_EQ(k.parent().siblingAtColumn(0), dst->indexOf(layer));

  // Selecting an added variable inspects the source values it will get.
  window_->pane(Side::Target)->treeView()->setCurrentIndex(k.siblingAtColumn(0));
  EXPECT_EQ(window_->inspectorDock()->title(), "dense/kernel:0");
  EXPECT_NE(window_->inspectorDock()->subtitle().indexOf("Source"), -1) << window_->inspectorDock()->subtitle().toStdString();

  // The filter sees added nodes too.
  window_->pane(Side::Target)->filterEdit()->setText(QStringLiteral("dense/kernel"));
  EXPECT_EQ(dst->matchCount(), 1u);
  window_->pane(Side::Target)->filterEdit()->clear();

  window_->document()->undoStack()->undo();
  EXPECT_EQ(dst->rowCount(), rowsBefore);
  EXPECT_EQ(dst->findNode("dense"), nullptr);
  window_->document()->undoStack()->redo();
  EXPECT_NE(dst->findNode("dense/bias:0"), nullptr);
}

TEST_F(TreeView, TensorFlowCheckpointShowsItsObjectTreeWithSlotsAndCountersHidden) {
  // Opened by prefix and by folder, as a researcher names TF checkpoints.
  const fs::path gan = real_ / "tf2-checkpoint/vince_gan_ckpt-1";
  ASSERT_TRUE(test::openBoth(*window_, gan / "ckpt-1", gan / "ckpt-1.data-00000-of-00002"));
  CheckpointTreeModel* m = window_->pane(Side::Source)->model();
  const Checkpoint& c = *m->checkpoint();
  EXPECT_EQ(c.formatId(), "tf-bundle");
  const Node* kernel = c.findNode("generator/layer_with_weights-0/kernel");
  ASSERT_NE(kernel, nullptr);
  EXPECT_EQ(kernel->tensor()->key, "generator/layer_with_weights-0/kernel/.ATTRIBUTES/VARIABLE_VALUE");
  EXPECT_TRUE(m->indexOf(kernel).isValid());
  const Node* slot = c.findNode("generator/layer_with_weights-0/generator_optimizer/m/kernel");
  ASSERT_NE(slot, nullptr);
  EXPECT_EQ(slot->role(), NodeRole::Optimizer);
  EXPECT_FALSE(m->indexOf(slot).isValid()) << "optimizer slots hidden by default";
  for (const char* counter : {"save_counter", "_CHECKPOINTABLE_OBJECT_GRAPH"}) {
    const Node* n = c.findNode(counter);
    ASSERT_NE(n, nullptr) << counter;
    EXPECT_FALSE(m->indexOf(n).isValid()) << counter;
  }
  // A layer's Params are its weights', not its optimizer slots'.
  const QModelIndex layer = m->indexOf(c.findNode("generator/layer_with_weights-0"));
  ASSERT_TRUE(layer.isValid());
  EXPECT_EQ(m->index(layer.row(), CheckpointTreeModel::ParamsColumn, layer.parent()).data().toString(), QStringLiteral("700"));
  window_->showOptimizerAction()->trigger();
  EXPECT_TRUE(m->indexOf(slot).isValid());
}
