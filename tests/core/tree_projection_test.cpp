// The projection a tree view shows: filters keep context above and content below a match,
// hidden roles disappear, grafted nodes appear under their parent, rows are contiguous.

#include <gtest/gtest.h>

#include "checkpoint/tree_builder.h"
#include "checkpoint_variants.h"
#include "checkpoint/tree_projection.h"

using namespace graft;

namespace {

TensorInfo scalar(std::string key) { return test::scalarTensor(std::move(key)); }

struct Tree {
  TreeBuilder b;
  Node* conv = nullptr;
  Node* dense = nullptr;
  Node* opt = nullptr;
  Tree() {
    conv = &b.child(b.root(), "conv2d", NodeKind::Layer, NodeRole::Weights);
    b.variable(*conv, "kernel:0", scalar("conv2d/kernel:0"), NodeRole::Weights);
    b.variable(*conv, "bias:0", scalar("conv2d/bias:0"), NodeRole::Weights);
    dense = &b.child(b.root(), "dense", NodeKind::Layer, NodeRole::Weights);
    b.variable(*dense, "kernel:0", scalar("dense/kernel:0"), NodeRole::Weights);
    opt = &b.child(b.root(), "optimizer_weights", NodeKind::Group, NodeRole::Optimizer);
    b.variable(*opt, "iter:0", scalar("optimizer_weights/iter:0"), NodeRole::Optimizer);
  }
};

TreeProjection::Matcher contains(std::string needle) {
  return [needle](const Node&, std::string_view path) { return path.find(needle) != std::string_view::npos; };
}

}  // namespace

TEST(TreeProjection, WithoutFilterShowsEverythingInFileOrder) {
  Tree t;
  TreeProjection p(t.b.root(), {});
  ASSERT_EQ(p.childCount(&t.b.root()), 3u);
  EXPECT_EQ(p.child(&t.b.root(), 0), t.conv);
  EXPECT_EQ(p.child(&t.b.root(), 2), t.opt);
  EXPECT_EQ(p.childCount(t.conv), 2u);
  EXPECT_EQ(p.parentOf(t.conv->child(1)), t.conv);
  EXPECT_EQ(p.rowOf(t.conv->child(1)), 1);
  EXPECT_EQ(p.parentOf(t.dense), &t.b.root());
  EXPECT_FALSE(p.filtering());
  EXPECT_FALSE(p.isMatch(t.conv));
}

TEST(TreeProjection, HidingOptimizerStateRemovesItsSubtreeAndKeepsRowsContiguous) {
  Tree t;
  TreeProjection::Options o;
  o.showOptimizer = false;
  TreeProjection p(t.b.root(), o);
  EXPECT_EQ(p.childCount(&t.b.root()), 2u);
  EXPECT_FALSE(p.contains(t.opt));
  EXPECT_FALSE(p.contains(t.opt->child(0)));
  EXPECT_EQ(p.rowOf(t.dense), 1);
}

TEST(TreeProjection, AMatchKeepsItsAncestorsAndItsContent) {
  Tree t;
  TreeProjection::Options o;
  o.matches = contains("bias");
  TreeProjection p(t.b.root(), o);
  ASSERT_EQ(p.childCount(&t.b.root()), 1u);  // only conv2d holds a match
  EXPECT_EQ(p.child(&t.b.root(), 0), t.conv);
  ASSERT_EQ(p.childCount(t.conv), 1u);
  EXPECT_EQ(p.child(t.conv, 0), t.conv->child(1));
  EXPECT_EQ(p.rowOf(t.conv->child(1)), 0);
  EXPECT_TRUE(p.isMatch(t.conv->child(1)));
  EXPECT_FALSE(p.isMatch(t.conv));  // shown as context only
  EXPECT_EQ(p.matchCount(), 1u);

  o.matches = [](const Node& n, std::string_view) { return n.name() == "dense"; };
  TreeProjection layer(t.b.root(), o);
  EXPECT_EQ(layer.childCount(t.dense), 1u);  // a matched layer keeps its weights
  EXPECT_TRUE(layer.isMatch(t.dense));
  EXPECT_FALSE(layer.isMatch(t.dense->child(0)));
  EXPECT_EQ(layer.matchCount(), 1u);  // no variable matched: layers are counted
}

TEST(TreeProjection, MatchersSeeFullPaths) {
  Tree t;
  TreeProjection::Options o;
  o.matches = contains("dense/kernel");
  TreeProjection p(t.b.root(), o);
  EXPECT_EQ(p.matchCount(), 1u);
  EXPECT_TRUE(p.isMatch(t.dense->child(0)));
  o.matches = contains("nothing-like-this");
  TreeProjection none(t.b.root(), o);
  EXPECT_EQ(none.childCount(&t.b.root()), 0u);
  EXPECT_EQ(none.matchCount(), 0u);
}

TEST(TreeProjection, GraftedNodesAppearAfterTheParentsOwnChildrenAndAreFiltered) {
  Tree t;
  Node added(NodeKind::Variable, "gamma:0");
  added.setTensor(scalar("dense/gamma:0"));
  Node newLayer(NodeKind::Layer, "head");
  TreeProjection::Options o;
  o.grafts = {{t.dense, &added}, {&t.b.root(), &newLayer}};
  TreeProjection p(t.b.root(), o);
  ASSERT_EQ(p.childCount(t.dense), 2u);
  EXPECT_EQ(p.child(t.dense, 1), &added);
  EXPECT_EQ(p.parentOf(&added), t.dense);
  EXPECT_EQ(p.rowOf(&newLayer), 3);

  o.matches = contains("dense/gamma");
  TreeProjection f(t.b.root(), o);
  EXPECT_TRUE(f.isMatch(&added));
  EXPECT_EQ(f.childCount(t.dense), 1u);
  EXPECT_FALSE(f.contains(&newLayer));
}

TEST(TreeProjection, DeepNestingDoesNotOverflowTheStack) {
  TreeBuilder b;
  Node* n = &b.root();
  for (int i = 0; i < 10000; ++i) n = &b.child(*n, "g", NodeKind::Group, NodeRole::Weights);
  TreeProjection::Options o;
  o.matches = contains("nope");
  TreeProjection p(b.root(), o);
  EXPECT_EQ(p.childCount(&b.root()), 0u);
}
