// Cross-framework layouts on export: Keras kernels become PyTorch weights transposed the way
// each layer needs, batch-norm names map both ways, a Keras -> PyTorch -> Keras round trip gives
// back every value, and floating tensors cast on request.

#include <gtest/gtest.h>

#include "checkpoint/memory_checkpoint.h"
#include "checkpoint_variants.h"
#include "formats/format_registry.h"
#include "merge/exporter.h"
#include "merge/layout_conversion.h"
#include "test_support.h"

using namespace graft;
using graft::test::TempDir;
using graft::test::tensorBytes;
namespace fs = std::filesystem;

namespace {

// Exports `c` to `out` in `format` through the given passes over an identity plan.
template <typename Passes>
ExportReport convertWith(const Checkpoint& c, const fs::path& out, const std::string& format, Passes&& passes) {
  MergePlan plan;
  plan.source = plan.target = c.path();
  MergeEvaluation evaluation = evaluatePlan(c, c, plan);
  passes(evaluation);
  ExportOptions options;
  options.format = FormatRegistry::builtin().find(format);
  return exportMerge(c, c, evaluation, out, options);
}

std::vector<float> iota(std::size_t n) {
  std::vector<float> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<float>(i) + 0.5f;
  return v;
}

std::unique_ptr<Checkpoint> kerasModel() {
  MemoryCheckpointBuilder b("keras2-h5");
  b.layer("conv2d", "Conv2D").variable("kernel:0", Shape{2, 3, 4, 5}, iota(120)).variable("bias:0", Shape{5}, iota(5));
  b.layer("batch_normalization", "BatchNormalization")
      .variable("gamma:0", Shape{5}, iota(5))
      .variable("beta:0", Shape{5}, iota(5))
      .variable("moving_mean:0", Shape{5}, iota(5))
      .variable("moving_variance:0", Shape{5}, iota(5));
  b.layer("dense", "Dense").variable("kernel:0", Shape{6, 3}, iota(18)).variable("bias:0", Shape{3}, iota(3));
  b.setFormatAttribute("layout", "weights");
  return b.build("memory");
}

}  // namespace

TEST(LayoutConversion, KerasKernelsBecomeTorchWeightsTransposedPerLayer) {
  TempDir tmp;
  const auto keras = kerasModel();
  convertWith(*keras, tmp / "t.safetensors", "safetensors", [](MergeEvaluation& e) {
    const LayoutReport r = convertLayout(e, WeightLayout::Torch);
    EXPECT_EQ(r.converted, 8u);
    EXPECT_EQ(r.unchanged, 0u);
  });
  const auto torch = FormatRegistry::builtin().open(tmp / "t.safetensors");
  ASSERT_TRUE(torch->findByKey("dense.weight"));
  EXPECT_EQ(torch->findByKey("dense.weight")->tensor()->shape, (Shape{3, 6}));
  EXPECT_EQ(torch->findByKey("conv2d.weight")->tensor()->shape, (Shape{5, 4, 2, 3}));
  for (const char* name : {"batch_normalization.weight", "batch_normalization.bias", "batch_normalization.running_mean",
                           "batch_normalization.running_var", "conv2d.bias", "dense.bias"})
    EXPECT_TRUE(torch->findByKey(name)) << name;
  // Linear weight[o][i] = kernel[i][o].
  const auto kernel = iota(18);
  const auto weight = test::floats(tensorBytes(*torch, "dense.weight"));
  for (int i = 0; i < 6; ++i)
    for (int o = 0; o < 3; ++o) EXPECT_EQ(weight[static_cast<std::size_t>(o * 6 + i)], kernel[static_cast<std::size_t>(i * 3 + o)]);
  // Conv weight[o][i][h][w] = kernel[h][w][i][o] (kernel 2x3x4x5).
  const auto conv = test::floats(tensorBytes(*torch, "conv2d.weight"));
  const auto hwio = iota(120);
  for (int h = 0; h < 2; ++h)
    for (int w = 0; w < 3; ++w)
      for (int i = 0; i < 4; ++i)
        for (int o = 0; o < 5; ++o)
          EXPECT_EQ(conv[static_cast<std::size_t>(((o * 4 + i) * 2 + h) * 3 + w)], hwio[static_cast<std::size_t>(((h * 3 + w) * 4 + i) * 5 + o)]);
}

TEST(LayoutConversion, KerasToTorchAndBackRestoresEveryValue) {
  TempDir tmp;
  const auto keras = kerasModel();
  convertWith(*keras, tmp / "t.safetensors", "safetensors", [](MergeEvaluation& e) { convertLayout(e, WeightLayout::Torch); });
  const auto torch = FormatRegistry::builtin().open(tmp / "t.safetensors");
  convertWith(*torch, tmp / "back.h5", "keras2-h5", [](MergeEvaluation& e) { convertLayout(e, WeightLayout::Keras); });
  const auto back = FormatRegistry::builtin().open(tmp / "back.h5");
  ASSERT_EQ(back->variables().size(), keras->variables().size());
  for (const Node* v : keras->variables()) {
    const Node* got = back->findByKey(v->tensor()->key);
    ASSERT_TRUE(got) << v->tensor()->key;
    EXPECT_EQ(got->tensor()->shape, v->tensor()->shape) << v->tensor()->key;
    EXPECT_EQ(tensorBytes(*back, v->tensor()->key), tensorBytes(*keras, v->tensor()->key)) << v->tensor()->key;
  }
}

TEST(LayoutConversion, TorchConventionsMapToKerasNames) {
  TempDir tmp;
  MemoryCheckpointBuilder b("torch-in-memory");  // another format than the output's: keys come from tree paths
  b.layer("norm", "").variable("weight", Shape{4}, iota(4)).variable("bias", Shape{4}, iota(4));
  b.layer("bn", "")
      .variable("weight", Shape{2}, iota(2))
      .variable("bias", Shape{2}, iota(2))
      .variable("running_mean", Shape{2}, iota(2))
      .variable("running_var", Shape{2}, iota(2))
      .variable("num_batches_tracked", DType::Int64, Shape{}, std::vector<std::byte>(8));
  b.layer("token_embedding", "").variable("weight", Shape{10, 4}, iota(40));
  b.layer("lstm", "").variable("weight_ih_l0", Shape{8, 2}, iota(16));
  const auto torch = b.build("memory");
  LayoutReport report;
  convertWith(*torch, tmp / "k.safetensors", "safetensors", [&](MergeEvaluation& e) { report = convertLayout(e, WeightLayout::Keras); });
  EXPECT_EQ(report.dropped, 1u);
  EXPECT_EQ(report.unchanged, 1u);
  EXPECT_NE(report.note.find("weight_ih_l0"), std::string::npos) << report.note;
  const auto k = FormatRegistry::builtin().open(tmp / "k.safetensors");
  for (const char* name : {"norm.gamma", "norm.beta", "bn.gamma", "bn.beta", "bn.moving_mean", "bn.moving_variance", "token_embedding.embeddings",
                           "lstm.weight_ih_l0"})
    EXPECT_TRUE(k->findByKey(name)) << name;
  EXPECT_FALSE(k->findByKey("bn.num_batches_tracked"));
  EXPECT_EQ(k->findByKey("token_embedding.embeddings")->tensor()->shape, (Shape{10, 4}));  // embeddings are not transposed
}

TEST(LayoutConversion, FloatingTensorsCastOnRequestOthersStay) {
  TempDir tmp;
  MemoryCheckpointBuilder b("keras2-h5");
  b.layer("dense", "Dense").variable("kernel:0", Shape{2}, {1.5f, -2.25f}).variable("step:0", DType::Int64, Shape{}, std::vector<std::byte>(8));
  const auto c = b.build("memory");
  std::size_t cast = 0;
  convertWith(*c, tmp / "bf.safetensors", "safetensors", [&](MergeEvaluation& e) { cast = castFloatingTensors(e, DType::BFloat16); });
  EXPECT_EQ(cast, 1u);
  const auto out = FormatRegistry::builtin().open(tmp / "bf.safetensors");
  EXPECT_EQ(out->findByKey("dense.kernel")->tensor()->dtype, DType::BFloat16);
  EXPECT_EQ(out->findByKey("dense.step")->tensor()->dtype, DType::Int64);
  // 1.5 and -2.25 are exact in bfloat16: 0x3FC0, 0xC010.
  EXPECT_EQ(tensorBytes(*out, "dense.kernel"), (std::vector<std::byte>{std::byte{0xC0}, std::byte{0x3F}, std::byte{0x10}, std::byte{0xC0}}));
}

TEST(LayoutConversion, Keras2ToPyTorchAndBackRestoresValuesAndLayerOrder) {
  TempDir tmp;
  const auto keras = kerasModel();
  test::convertIdentity(*keras, tmp / "model.h5", FormatRegistry::builtin().find("keras2-h5"));
  const auto h5 = FormatRegistry::builtin().open(tmp / "model.h5");
  convertWith(*h5, tmp / "model.pt", "pytorch", [](MergeEvaluation& e) { convertLayout(e, WeightLayout::Torch); });
  // torch itself reads the middle step, weights_only, with PyTorch's shapes.
  const auto torch = test::runCommand({"/usr/bin/python3", "-c",
                                       "import sys, torch\n"
                                       "sd = torch.load(sys.argv[1], weights_only=True)\n"
                                       "print(list(sd)[0], tuple(sd['dense.weight'].shape), tuple(sd['conv2d.weight'].shape))\n",
                                       (tmp / "model.pt").string()});
  ASSERT_EQ(torch.exitCode, 0) << torch.err;
  EXPECT_EQ(torch.out, "conv2d.weight (3, 6) (5, 4, 2, 3)\n");
  const auto pt = FormatRegistry::builtin().open(tmp / "model.pt");
  convertWith(*pt, tmp / "back.h5", "keras2-h5", [](MergeEvaluation& e) { convertLayout(e, WeightLayout::Keras); });
  const auto back = FormatRegistry::builtin().open(tmp / "back.h5");
  std::vector<std::string> order, original;
  for (const auto& top : back->root().children()) order.push_back(top->name());
  for (const auto& top : h5->root().children()) original.push_back(top->name());
  EXPECT_EQ(order, original);
  for (const Node* v : h5->variables())
    EXPECT_EQ(tensorBytes(*back, v->tensor()->key), tensorBytes(*h5, v->tensor()->key)) << v->tensor()->key;
}
