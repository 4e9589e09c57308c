// The one-scan regex filter must give exactly the verdicts of matching each path alone,
// including patterns that can run across the line breaks the scan joins paths with.

#include <gtest/gtest.h>

#include <QRegularExpression>

#include "checkpoint/flat_tree.h"
#include "checkpoint/tree_builder.h"
#include "checkpoint_variants.h"
#include "panes/regex_path_matcher.h"

using namespace graft;

namespace {

TensorInfo scalar(std::string key) { return test::scalarTensor(std::move(key)); }

std::vector<std::uint8_t> oneByOne(const QRegularExpression& re, const FlatTree& tree) {
  std::vector<std::uint8_t> out(tree.size(), 0);
  for (std::uint32_t i = 0; i < tree.size(); ++i) {
    const std::string_view p = tree.lowerPath(i);
    out[i] = re.match(QString::fromUtf8(p.data(), static_cast<qsizetype>(p.size()))).hasMatch() ? 1 : 0;
  }
  return out;
}

}  // namespace

TEST(RegexPathMatcher, GivesTheVerdictsOfMatchingEachPathAlone) {
  TreeBuilder b;
  for (const char* layer : {"conv2d", "conv2d_1", "dense", "Dense_Head", "batch_normalization"}) {
    Node& l = b.child(b.root(), layer, NodeKind::Layer, NodeRole::Weights);
    for (const char* var : {"kernel:0", "bias:0", "gamma:0"})
      b.variable(l, var, scalar(std::string(layer) + "/" + var), NodeRole::Weights);
  }
  auto tree = std::make_shared<const FlatTree>(b.root());
  ui::RegexPathMatcher matcher;
  matcher.setTree(tree);
  // Plain, anchored, case-folded, empty-matching, and patterns whose match can cross '\n'.
  for (const char* pattern : {"conv2d_\\d+/bias", "^dense", "bias:0$", "DENSE_head", "x*", "[^z]+gamma",
                              "kernel:0\\s+conv", "bias[\\s\\S]*gamma", "(?s)conv.*head", "^$", "no_such_layer"}) {
    const QRegularExpression re(QString::fromLatin1(pattern), QRegularExpression::CaseInsensitiveOption);
    ASSERT_TRUE(re.isValid()) << pattern;
    std::vector<std::uint8_t> bulk(tree->size(), 0);
    matcher.matchAll(re, *tree, bulk);
    EXPECT_EQ(bulk, oneByOne(re, *tree)) << pattern;
  }
}
