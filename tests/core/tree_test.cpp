#include <gtest/gtest.h>

#include "checkpoint/tree_builder.h"
#include "io/error.h"
#include "types/shape.h"

using namespace graft;

namespace {
TensorInfo tensor(std::string key, Shape shape, DType dtype = DType::Float32) {
  TensorInfo t;
  t.key = std::move(key);
  t.dtype = dtype;
  t.shape = std::move(shape);
  t.elementCount = *t.shape.elementCount();
  t.byteSize = t.elementCount * dtypeSize(dtype);
  return t;
}
}  // namespace

TEST(Shape, ElementCountAndText) {
  EXPECT_EQ(Shape({128, 10}).elementCount(), 1280u);
  EXPECT_EQ(Shape().elementCount(), 1u);
  EXPECT_EQ(Shape({3, 0, 5}).elementCount(), 0u);
  EXPECT_EQ(Shape({128, 10}).toString(), "(128, 10)");
  EXPECT_EQ(Shape({5}).toString(), "(5,)");
  EXPECT_EQ(Shape().toString(), "()");
}

TEST(Shape, OverflowingOrNegativeDimensionsHaveNoElementCount) {
  EXPECT_FALSE(Shape({1LL << 40, 1LL << 40}).elementCount());
  EXPECT_FALSE(Shape({-1, 3}).elementCount());
}

TEST(TreeBuilder, BuildsPathsParentsRowsAndTotals) {
  TreeBuilder b;
  Node& dense = b.child(b.root(), "dense", NodeKind::Layer, NodeRole::Weights);
  b.variable(dense, "kernel:0", tensor("dense/dense/kernel:0", {4, 3}), NodeRole::Weights);
  b.variable(dense, "bias:0", tensor("dense/dense/bias:0", {3}), NodeRole::Weights);
  Node& bi = b.child(b.root(), "bidirectional", NodeKind::Layer, NodeRole::Weights);
  Node& fwd = b.groups(bi, {"forward_lstm"}, NodeRole::Weights);
  b.variable(fwd, "kernel:0", tensor("bidirectional/bidirectional/forward_lstm/kernel:0", {2, 8}), NodeRole::Weights);
  EXPECT_EQ(&b.child(b.root(), "dense", NodeKind::Layer, NodeRole::Weights), &dense);  // found, not duplicated

  auto root = b.take();
  root->computeTotals();
  ASSERT_EQ(root->childCount(), 2u);
  const Node* kernel = root->child(0)->child(0);
  EXPECT_EQ(kernel->path(), "dense/kernel:0");
  EXPECT_EQ(kernel->parent(), root->child(0));
  EXPECT_EQ(root->child(0)->child(1)->row(), 1);
  EXPECT_EQ(root->child(1)->child(0)->child(0)->path(), "bidirectional/forward_lstm/kernel:0");
  EXPECT_EQ(root->child(0)->parameterCount(), 15u);
  EXPECT_EQ(root->parameterCount(), 31u);
  EXPECT_EQ(root->byteSize(), 124u);
  EXPECT_EQ(root->variableCount(), 3u);
  EXPECT_EQ(root->path(), "");
}

TEST(TreeBuilder, DuplicateVariableIsAnError) {
  TreeBuilder b;
  b.variable(b.root(), "x", tensor("x", {1}), NodeRole::Weights);
  EXPECT_THROW(b.variable(b.root(), "x", tensor("x", {1}), NodeRole::Weights), Error);
}

TEST(TreeBuilder, SplitPathDropsEmptyComponents) {
  EXPECT_EQ(splitPath("a/b//c/"), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_TRUE(splitPath("").empty());
  EXPECT_EQ(splitPath(R"(layers\lstm\cell)"), std::vector<std::string>{R"(layers\lstm\cell)"});
}

TEST(TreeBuilder, DeepTreesDoNotOverflowTheStack) {
  TreeBuilder b;
  Node* at = &b.root();
  for (int i = 0; i < 200000; ++i) at = &b.child(*at, "g", NodeKind::Group, NodeRole::Weights);
  b.variable(*at, "v", tensor("v", {2}), NodeRole::Weights);
  auto root = b.take();
  root->computeTotals();
  EXPECT_EQ(root->parameterCount(), 2u);
  int variables = 0;
  forEachVariable(*root, [&](const Node&) { ++variables; });
  EXPECT_EQ(variables, 1);
}
