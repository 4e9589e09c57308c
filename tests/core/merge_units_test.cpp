// Units of the merge engine: name normalisation, transform shape algebra, conflict
// messages, plan JSON.

#include <gtest/gtest.h>

#include "io/error.h"
#include "merge/conflict_resolution.h"
#include "merge/merge_evaluation.h"
#include "merge/name_normalizer.h"
#include "merge/plan_json.h"
#include "test_support.h"

using namespace graft;

TEST(NameNormalizer, StripsFrameworkDecorations) {
  EXPECT_EQ(normalizeName("dense_1/dense_1/kernel:0"), "dense_1/kernel");
  EXPECT_EQ(normalizeName("model/layer_with_weights-0/kernel/.ATTRIBUTES/VARIABLE_VALUE"), "model/layer_with_weights-0/kernel");
  EXPECT_EQ(normalizeName("module.features.0.weight"), "features/0/weight");
  EXPECT_EQ(normalizeName("bidirectional/bidirectional/forward_lstm/kernel:0"), "bidirectional/forward_lstm/kernel");
  EXPECT_EQ(normalizeName("optimizer_weights/Adam/iter:0"), "optimizer_weights/Adam/iter");
}

TEST(NameNormalizer, WithoutNumberingDropsKerasAutoNumbers) {
  EXPECT_EQ(withoutNumbering("dense_3/kernel"), "dense/kernel");
  EXPECT_EQ(withoutNumbering("conv2d_12/bias"), "conv2d/bias");
  EXPECT_EQ(withoutNumbering("batch_normalization/gamma"), "batch_normalization/gamma");
  EXPECT_EQ(withoutNumbering("lstm_1_W_i"), "lstm_1_W_i");  // only a trailing number is auto-numbering
}

TEST(Transforms, ShapeAndDTypeAlgebra) {
  auto out = applyTransforms(DType::Float32, Shape{128, 10}, {Transform::slice({{0, 128}, {0, 5}})});
  EXPECT_TRUE(out.error.empty());
  EXPECT_EQ(out.shape, Shape({128, 5}));
  out = applyTransforms(DType::Float32, Shape{128, 10}, {Transform::pad(Shape{128, 20}), Transform::cast(DType::BFloat16)});
  EXPECT_EQ(out.shape, Shape({128, 20}));
  EXPECT_EQ(out.dtype, DType::BFloat16);
  out = applyTransforms(DType::Float32, Shape{3, 4}, {Transform::transpose({1, 0}), Transform::reshape(Shape{2, 6})});
  EXPECT_EQ(out.shape, Shape({2, 6}));
  EXPECT_NE(applyTransforms(DType::Float32, Shape{3, 4}, {Transform::reshape(Shape{5})}).error.find("element counts differ"), std::string::npos);
  EXPECT_NE(applyTransforms(DType::Float32, Shape{3, 4}, {Transform::slice({{0, 5}, {0, 4}})}).error.find("outside dimension 0"), std::string::npos);
  EXPECT_NE(applyTransforms(DType::Float32, Shape{3, 4}, {Transform::pad(Shape{2, 4})}).error.find("shrink"), std::string::npos);
  EXPECT_NE(applyTransforms(DType::Float32, Shape{3, 4}, {Transform::transpose({0, 0})}).error.find("not a permutation"), std::string::npos);
}

TEST(Conflicts, ShapeMismatchMessageSaysHowToFix) {
  EXPECT_EQ(describeShapeMismatch(Shape{128, 10}, Shape{128, 5}),
            "source (128, 10) does not fit target (128, 5) — slice or pad dimension 1");
  EXPECT_EQ(describeShapeMismatch(Shape{10, 128}, Shape{128, 10}),
            "source (10, 128) does not fit target (128, 10) — slice or pad dimensions 0, 1, or transpose, or reshape");
  EXPECT_EQ(describeShapeMismatch(Shape{6}, Shape{2, 3}), "source (6,) does not fit target (2, 3) — reshape");
}

TEST(Conflicts, FitTransformsSliceOrPadEachDimension) {
  auto fit = fitTransforms(Shape{128, 10}, Shape{128, 5}, true, false);
  ASSERT_TRUE(fit);
  EXPECT_EQ(*fit, std::vector<Transform>{Transform::slice({{0, 128}, {0, 5}})});
  EXPECT_FALSE(fitTransforms(Shape{128, 10}, Shape{128, 5}, false, true));
  fit = fitTransforms(Shape{128, 10}, Shape{128, 20}, false, true);
  ASSERT_TRUE(fit);
  EXPECT_EQ(*fit, std::vector<Transform>{Transform::pad(Shape{128, 20})});
  EXPECT_FALSE(fitTransforms(Shape{128, 10}, Shape{10}, true, true));
}

TEST(PlanJson, RoundTripsWithRelativePaths) {
  test::TempDir dir;
  MergePlan plan;
  plan.source = dir / "models" / "pretrained.h5";
  plan.target = dir / "new.h5";
  plan.output = dir / "out.h5";
  plan.keepOptimizer = false;
  Operation copy;
  copy.kind = OperationKind::Copy;
  copy.source = "dense/kernel:0";
  copy.target = "head/kernel:0";
  copy.transforms = {Transform::slice({{0, 128}, {0, 5}}), Transform::cast(DType::BFloat16), Transform::transpose({1, 0}),
                     Transform::reshape(Shape{640}), Transform::pad(Shape{700}, 0.5)};
  copy.reason = "by hand";
  Operation rename;
  rename.kind = OperationKind::Rename;
  rename.target = "dense_1";
  rename.newName = "classifier";
  plan.operations = {copy, rename};
  savePlan(plan, dir / "plan.json");
  const std::string text = test::readFile(dir / "plan.json");
  EXPECT_NE(text.find("\"graft_plan\": 1"), std::string::npos) << text;
  EXPECT_NE(text.find("\"source\": \"models/pretrained.h5\""), std::string::npos) << text;
  EXPECT_EQ(loadPlan(dir / "plan.json"), plan);
}

TEST(PlanJson, BadPlansGiveClearErrors) {
  test::TempDir dir;
  auto error = [&](const std::string& text) {
    test::writeFile(dir / "p.json", text);
    try {
      loadPlan(dir / "p.json");
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(error("{").find("invalid JSON"), std::string::npos);
  EXPECT_NE(error("{}").find("no \"graft_plan\""), std::string::npos);
  EXPECT_NE(error(R"({"graft_plan": 9})").find("version 9 is not supported"), std::string::npos);
  EXPECT_NE(error(R"({"graft_plan": 1, "operations": [{"op": "explode"}]})").find("operation #1: unknown operation 'explode'"), std::string::npos);
  EXPECT_NE(error(R"({"graft_plan": 1, "operations": [{"op": "copy", "transforms": [{"cast": "float99"}]}]})").find("unknown dtype"), std::string::npos);
  EXPECT_EQ(error("[1, 2]").rfind((dir / "p.json").string() + ": ", 0), 0u);  // errors name the plan file
  EXPECT_EQ(error(R"({"graft_plan": 1})"), "no error");                       // an empty plan is valid
}
