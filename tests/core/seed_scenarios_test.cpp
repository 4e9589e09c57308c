// The seed tasks end to end on a real Keras 2 CNN, with targets written by Graft's own
// engine: values are checked tensor by tensor in the exported file.

#include <gtest/gtest.h>

#include "checkpoint/listing.h"
#include "checkpoint_variants.h"
#include "formats/format_registry.h"
#include "merge/conflict_resolution.h"
#include "merge/exporter.h"
#include "merge/matcher.h"
#include "test_support.h"

using namespace graft;
namespace fs = std::filesystem;

namespace {

const char* kCnn = "keras2-model-h5/tf-fashion_my_model.h5";

std::unique_ptr<Checkpoint> open(const fs::path& p) { return FormatRegistry::builtin().open(p); }

// Merges with a strategy and take-filter, resolving conflicts by policy; returns the result.
std::unique_ptr<Checkpoint> merge(const Checkpoint& src, const Checkpoint& dst, const fs::path& out, MatchOptions options,
                                  ConflictPolicy policy = ConflictPolicy::Fail) {
  MergePlan plan = resolveConflicts(planFromMatches(src, dst, options), src, dst, policy);
  const MergeEvaluation evaluation = evaluatePlan(src, dst, plan);
  EXPECT_FALSE(evaluation.hasConflicts());
  const ExportReport report = exportMerge(src, dst, evaluation, out);
  EXPECT_TRUE(report.verified);
  return open(out);
}

}  // namespace

TEST(SeedScenarios, TransferLearningTakesConvAndBatchNormLayersKeepsHead) {
  GRAFT_REAL_DATA_OR_SKIP(real);
  test::TempDir dir;
  // The "new" model: same feature extractor, a 5-class head, its own (rounded) values.
  test::writeWithNewHead(real / kCnn, dir / "new.h5");
  const auto src = open(real / kCnn);
  const auto dst = open(dir / "new.h5");
  ASSERT_EQ(dst->findByKey("dense/dense/kernel:0")->tensor()->shape, Shape({128, 5}));

  MatchOptions options;
  options.strategy = MatchStrategy::Name;
  options.take = std::regex("^(conv2d|batch_normalization)");
  const auto result = merge(*src, *dst, dir / "result.h5", options);

  int fromSource = 0;
  for (const Node* v : result->variables()) {
    const std::string& key = v->tensor()->key;
    const bool feature = key.rfind("conv2d", 0) == 0 || key.rfind("batch_normalization", 0) == 0;
    EXPECT_EQ(test::tensorBytes(*result, key), test::tensorBytes(feature ? *src : *dst, key)) << key;
    EXPECT_NE(test::tensorBytes(*src, key), test::tensorBytes(*dst, key)) << key << " should differ between the inputs";
    fromSource += feature;
  }
  EXPECT_EQ(fromSource, 42);  // 7 conv x (kernel, bias) + 7 batch norm x (gamma, beta, mean, variance)
  EXPECT_EQ(result->findByKey("dense/dense/kernel:0")->tensor()->shape, Shape({128, 5}));
}

TEST(SeedScenarios, RestoreOneLayerFromAnotherCheckpoint) {
  GRAFT_REAL_DATA_OR_SKIP(real);
  test::TempDir dir;
  test::writeVariant(real / kCnn, dir / "drifted.h5", {});
  const auto good = open(real / kCnn);
  const auto drifted = open(dir / "drifted.h5");
  MatchOptions options;
  options.strategy = MatchStrategy::Name;
  options.take = std::regex("^conv2d_3/");
  const auto result = merge(*good, *drifted, dir / "restored.h5", options);
  for (const Node* v : result->variables()) {
    const std::string& key = v->tensor()->key;
    const bool restored = key.rfind("conv2d_3/", 0) == 0;
    EXPECT_EQ(test::tensorBytes(*result, key), test::tensorBytes(restored ? *good : *drifted, key)) << key;
  }
}

TEST(SeedScenarios, RenamedLayersMapByRuleAndByOrder) {
  GRAFT_REAL_DATA_OR_SKIP(real);
  test::TempDir dir;
  std::vector<Operation> renames;
  for (const char* layer : {"conv2d", "conv2d_1", "conv2d_2", "conv2d_3", "conv2d_4", "conv2d_5", "conv2d_6"})
    renames.push_back(test::renameOp(layer, std::string("features_") + layer));
  test::writeVariant(real / kCnn, dir / "renamed.h5", renames);
  const auto src = open(real / kCnn);
  const auto dst = open(dir / "renamed.h5");
  ASSERT_NE(dst->findByKey("features_conv2d_3/features_conv2d_3/kernel:0"), nullptr);

  MatchOptions byRule;
  byRule.strategy = MatchStrategy::Name;
  byRule.rules = {RenameRule::parse("^(conv2d[_0-9]*)/\\1/=>features_$1/features_$1/")};
  byRule.take = std::regex("^conv2d");
  const auto viaRule = merge(*src, *dst, dir / "by-rule.h5", byRule);
  EXPECT_EQ(test::tensorBytes(*viaRule, "features_conv2d_3/features_conv2d_3/kernel:0"),
            test::tensorBytes(*src, "conv2d_3/conv2d_3/kernel:0"));
  EXPECT_EQ(test::tensorBytes(*viaRule, "batch_normalization/batch_normalization/gamma:0"),
            test::tensorBytes(*dst, "batch_normalization/batch_normalization/gamma:0"));

  MatchOptions byOrder;
  byOrder.strategy = MatchStrategy::Order;
  const auto viaOrder = merge(*src, *dst, dir / "by-order.h5", byOrder);
  for (const Node* v : src->variables()) {
    if (v->role() != NodeRole::Weights) continue;
    std::string key = v->tensor()->key;
    if (key.rfind("conv2d", 0) == 0) {
      const std::string layer = key.substr(0, key.find('/'));
      key = "features_" + layer + "/features_" + layer + key.substr(2 * layer.size() + 1);
    }
    EXPECT_EQ(test::tensorBytes(*viaOrder, key), test::tensorBytes(*src, v->tensor()->key)) << key;
  }
}

TEST(SeedScenarios, WidenedLayerIsPaddedWithZeros) {
  GRAFT_REAL_DATA_OR_SKIP(real);
  test::TempDir dir;
  test::writeVariant(real / kCnn, dir / "wide.h5",
                     {test::dropOp("dense"), test::addOp("dense/kernel:0", {Transform::pad(Shape{128, 20}, 0.25)}),
                      test::addOp("dense/bias:0", {Transform::pad(Shape{20}, 0.25)})});
  const auto src = open(real / kCnn);
  const auto dst = open(dir / "wide.h5");
  MatchOptions options;
  options.strategy = MatchStrategy::Name;
  const auto result = merge(*src, *dst, dir / "padded.h5", options, ConflictPolicy::Pad);
  const auto kernel = test::tensorBytes(*result, "dense/dense/kernel:0");
  const auto original = test::tensorBytes(*src, "dense/dense/kernel:0");
  ASSERT_EQ(kernel.size(), 128u * 20 * 4);
  for (std::size_t r = 0; r < 128; ++r) {
    EXPECT_EQ(std::memcmp(kernel.data() + r * 80, original.data() + r * 40, 40), 0) << "row " << r;
    for (std::size_t b = 40; b < 80; ++b) ASSERT_EQ(kernel[r * 80 + b], std::byte{0}) << "row " << r;  // zeros, not 0.25
  }
}

TEST(SeedScenarios, ShapeConflictIsRefusedWithAClearMessage) {
  GRAFT_REAL_DATA_OR_SKIP(real);
  test::TempDir dir;
  test::writeWithNewHead(real / kCnn, dir / "new.h5");
  const auto src = open(real / kCnn);
  const auto dst = open(dir / "new.h5");
  MatchOptions options;
  options.strategy = MatchStrategy::Name;
  const MergePlan plan = planFromMatches(*src, *dst, options);
  const MergeEvaluation evaluation = evaluatePlan(*src, *dst, plan);
  ASSERT_EQ(evaluation.conflictCount(), 2u);
  const ResultSlot* kernel = evaluation.findByPath("dense/kernel:0");
  ASSERT_NE(kernel, nullptr);
  EXPECT_EQ(kernel->status, SlotStatus::ConflictShape);
  EXPECT_EQ(kernel->message, "dense/kernel:0: source (128, 10) does not fit target (128, 5) — slice or pad dimension 1");
  EXPECT_THROW(exportMerge(*src, *dst, evaluation, dir / "never.h5"), Error);
  EXPECT_FALSE(fs::exists(dir / "never.h5"));
  // Skipping keeps the target's head and everything else fits.
  const MergePlan skipped = resolveConflicts(plan, *src, *dst, ConflictPolicy::Skip);
  EXPECT_FALSE(evaluatePlan(*src, *dst, skipped).hasConflicts());
  EXPECT_EQ(evaluatePlan(*src, *dst, skipped).count(SlotStatus::Replaced), 42u);
}

TEST(SeedScenarios, NormalizedNamesPairRenumberedLayersInOrder) {
  GRAFT_REAL_DATA_OR_SKIP(real);
  test::TempDir dir;
  // A new Python session numbers layers differently: conv2d_3 -> conv2d_13, ...
  std::vector<Operation> renumber;
  for (int i = 6; i >= 1; --i) renumber.push_back(test::renameOp("conv2d_" + std::to_string(i), "conv2d_1" + std::to_string(i)));
  test::writeVariant(real / kCnn, dir / "renumbered.h5", renumber);
  const auto src = open(real / kCnn);
  const auto dst = open(dir / "renumbered.h5");
  MatchOptions options;  // normalized is the default
  const auto ops = proposeMatches(*src, *dst, options);
  bool found = false;
  for (const auto& op : ops)
    if (op.source == "conv2d_3/kernel:0") {
      found = true;
      EXPECT_EQ(op.target, "conv2d_13/kernel:0");
      EXPECT_NE(op.reason.find("same kind 'conv2d/kernel'"), std::string::npos) << op.reason;
    }
  EXPECT_TRUE(found);
}

TEST(SeedScenarios, ShapeSignaturePairsSameShapedVariablesInOrder) {
  GRAFT_REAL_DATA_OR_SKIP(real);
  test::TempDir dir;
  std::vector<Operation> renames;
  for (const char* layer : {"conv2d", "conv2d_1", "dense"}) renames.push_back(test::renameOp(layer, std::string("x_") + layer));
  test::writeVariant(real / kCnn, dir / "renamed.h5", renames);
  const auto src = open(real / kCnn);
  const auto dst = open(dir / "renamed.h5");
  MatchOptions options;
  options.strategy = MatchStrategy::Shape;
  const auto ops = proposeMatches(*src, *dst, options);
  ASSERT_EQ(ops.size(), 44u);
  for (const auto& op : ops) {
    const std::string expected = (op.target.rfind("x_", 0) == 0) ? op.target.substr(2) : op.target;
    EXPECT_EQ(op.source, expected) << op.reason;
    EXPECT_NE(op.reason.find("same shape"), std::string::npos);
  }
}
