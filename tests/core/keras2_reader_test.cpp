// What the Keras 2 reader shows of real files: order, nesting, classes, metadata, roles,
// and tensor bytes streamed in any chunks.

#include <gtest/gtest.h>

#include <cstring>

#include "checkpoint/listing.h"
#include "formats/format_registry.h"
#include "hdf5_fixtures.h"
#include "checkpoint_variants.h"
#include "test_support.h"

using namespace graft;
namespace fs = std::filesystem;
using graft::test::childNames;

namespace {


std::vector<std::byte> readAll(const Checkpoint& ckpt, const Node& v, std::size_t chunk) {
  std::vector<std::byte> out;
  auto stream = ckpt.openTensor(v);
  forEachChunk(*stream, chunk, [&](std::span<const std::byte> c) { out.insert(out.end(), c.begin(), c.end()); });
  return out;
}


}  // namespace

TEST(Keras2Reader, LayersFollowLayerNamesIncludingWeightlessOnes) {
  GRAFT_REAL_DATA_OR_SKIP(real);
  const auto ckpt = FormatRegistry::builtin().open(real / "keras2-weights-h5/emoji_model.h5");
  const auto names = childNames(ckpt->root());
  ASSERT_EQ(names.size(), 6u);  // 6 layers, 3 with weights; weightless ones have weight_names = float64[0]
  int withWeights = 0;
  for (const auto& c : ckpt->root().children()) {
    EXPECT_EQ(c->kind(), NodeKind::Layer);
    withWeights += c->childCount() > 0;
  }
  EXPECT_EQ(withWeights, 3);
  EXPECT_EQ(ckpt->metadata().get("layout"), "save_weights (weights only)");
  EXPECT_EQ(ckpt->metadata().get("model_config"), "absent");
  EXPECT_EQ(ckpt->framework(), "Keras 2.2.4");
}

TEST(Keras2Reader, VariablesFollowWeightNamesAndLayerClassesComeFromModelConfig) {
  GRAFT_REAL_DATA_OR_SKIP(real);
  const auto ckpt = FormatRegistry::builtin().open(real / "keras2-model-h5/tf-fashion_my_model.h5");
  const Node& conv = *ckpt->root().child(0);
  EXPECT_EQ(conv.name(), "conv2d");
  EXPECT_EQ(conv.layerClass(), "Conv2D");
  EXPECT_EQ(childNames(conv), (std::vector<std::string>{"kernel:0", "bias:0"}));
  EXPECT_EQ(childNames(*ckpt->root().child(1)),
            (std::vector<std::string>{"gamma:0", "beta:0", "moving_mean:0", "moving_variance:0"}));
  EXPECT_EQ(ckpt->root().child(1)->layerClass(), "BatchNormalization");
  EXPECT_EQ(conv.child(0)->tensor()->shape, Shape({3, 3, 1, 32}));
  EXPECT_EQ(conv.child(0)->tensor()->key, "conv2d/conv2d/kernel:0");
  EXPECT_EQ(ckpt->metadata().get("model_config"), "present");
  EXPECT_EQ(ckpt->metadata().get("backend"), "tensorflow");
  EXPECT_EQ(ckpt->metadata().get("keras_version"), "2.2.4-tf");
  EXPECT_EQ(ckpt->variables().size(), 44u);
}

TEST(Keras2Reader, WrapperWeightsNestUnderTheLayer) {
  GRAFT_REAL_DATA_OR_SKIP(real);
  const auto ckpt = FormatRegistry::builtin().open(real / "keras2-model-h5/dl4j_convlstm2d_0.h5");
  const Node* v = ckpt->findByKey("bidirectional/bidirectional/forward_conv_lst_m2d/kernel:0");
  ASSERT_NE(v, nullptr);
  EXPECT_EQ(v->path(), "bidirectional/forward_conv_lst_m2d/kernel:0");
  EXPECT_EQ(v->parent()->kind(), NodeKind::Group);
  EXPECT_EQ(v->parent()->parent()->layerClass(), "Bidirectional");
  EXPECT_EQ(ckpt->findByPath("bidirectional/forward_conv_lst_m2d/kernel:0"), v);
}

TEST(Keras2Reader, OptimizerWeightsAreTheirOwnTopLevelGroup) {
  GRAFT_REAL_DATA_OR_SKIP(real);
  const auto ckpt = FormatRegistry::builtin().open(real / "keras2-model-h5/mario_model.keras");
  const Node& last = *ckpt->root().children().back();
  EXPECT_EQ(last.name(), "optimizer_weights");
  EXPECT_EQ(last.role(), NodeRole::Optimizer);
  const Node* slot = ckpt->findByKey("optimizer_weights/training/RMSprop/Variable_1:0");
  ASSERT_NE(slot, nullptr);
  EXPECT_EQ(slot->role(), NodeRole::Optimizer);
  EXPECT_EQ(ckpt->modelParameterCount(), 80791u);  // optimizer slots are not model parameters
  EXPECT_EQ(ckpt->root().parameterCount(), 2 * 80791u);
}

TEST(Keras2Reader, Keras1FilesHaveNoVersionOrBackend) {
  GRAFT_REAL_DATA_OR_SKIP(real);
  const auto ckpt = FormatRegistry::builtin().open(real / "keras2-weights-h5/dl4j_simple_lstm_tf_keras_1_weights.h5");
  EXPECT_EQ(ckpt->framework(), "Keras 1");
  EXPECT_FALSE(ckpt->metadata().has("backend"));
  EXPECT_NE(ckpt->findByKey("lstm_1/lstm_1_W_i:0"), nullptr);  // Keras 1 names are not prefixed by the layer
  const auto model = FormatRegistry::builtin().open(real / "keras2-model-h5/dl4j_lstm_tensorflow_1.h5");
  EXPECT_EQ(model->metadata().get("model_config"), "present");
  EXPECT_FALSE(model->metadata().has("backend"));
}

TEST(Keras2Reader, ChunkedUtf8AndFixedLengthNameAttributes) {
  test::TempDir dir;
  const auto path = dir / "chunked.h5";
  {
    test::H5Writer w(path);
    // Keras splits lists over 64 KiB into layer_names0..N (§3.4), written fixed-length.
    w.fixedStrings(w.root(), "layer_names0", {"dénse", "dropout"});
    w.fixedStrings(w.root(), "layer_names1", {"head"});
    w.varStrings(w.root(), "keras_version", {"2.15.0"}, H5T_CSET_UTF8, true);
    w.varStrings(w.root(), "backend", {"tensorflow"}, H5T_CSET_ASCII, true);
    hid_t dense = w.group("dénse");
    w.varStrings(dense, "weight_names0", {"dénse/kernel:0"}, H5T_CSET_UTF8);
    w.varStrings(dense, "weight_names1", {"dénse/bias:0"}, H5T_CSET_UTF8);
    w.floatDataset(w.root(), "dénse/dénse/kernel:0", {2, 3});
    w.floatDataset(w.root(), "dénse/dénse/bias:0", {3});
    w.emptyFloatList(w.group("dropout"), "weight_names");
    hid_t head = w.group("head");
    w.fixedStrings(head, "weight_names", {"head/w:0"});
    w.floatDataset(w.root(), "head/head/w:0", {});
  }
  const auto ckpt = FormatRegistry::builtin().open(path);
  EXPECT_EQ(childNames(ckpt->root()), (std::vector<std::string>{"dénse", "dropout", "head"}));
  EXPECT_EQ(childNames(*ckpt->root().child(0)), (std::vector<std::string>{"kernel:0", "bias:0"}));
  EXPECT_EQ(ckpt->framework(), "Keras 2.15.0");
  const Node* scalar = ckpt->findByKey("head/head/w:0");
  ASSERT_NE(scalar, nullptr);
  EXPECT_TRUE(scalar->tensor()->shape.isScalar());
  EXPECT_EQ(test::floats(readAll(*ckpt, *scalar, 64)), std::vector<float>{0.0f});
}

TEST(Keras2Reader, StreamsCompressedBigEndianAndContiguousDatasetsInAnyChunks) {
  test::TempDir dir;
  const auto path = dir / "layouts.h5";
  const std::vector<hsize_t> dims{5, 4, 3};
  {
    test::H5Writer w(path);
    w.fixedStrings(w.root(), "layer_names", {"l"});
    w.fixedStrings(w.group("l"), "weight_names", {"l/plain:0", "l/packed:0", "l/be:0"});
    w.floatDataset(w.root(), "l/l/plain:0", dims);
    w.floatDataset(w.root(), "l/l/packed:0", dims, {2, 3, 2}, true);
    w.floatDataset(w.root(), "l/l/be:0", dims, {}, false, true);
  }
  const auto ckpt = FormatRegistry::builtin().open(path);
  std::vector<float> expected(60);
  for (int i = 0; i < 60; ++i) expected[static_cast<std::size_t>(i)] = static_cast<float>(i);
  for (const char* key : {"l/l/plain:0", "l/l/packed:0", "l/l/be:0"}) {
    const Node* v = ckpt->findByKey(key);
    ASSERT_NE(v, nullptr) << key;
    EXPECT_EQ(v->tensor()->shape, Shape({5, 4, 3}));
    // Odd chunk sizes cut elements and rows in the middle.
    for (std::size_t chunk : {1u, 7u, 12u, 48u, 50u, 240u, 4096u})
      EXPECT_EQ(test::floats(readAll(*ckpt, *v, chunk)), expected) << key << " chunk " << chunk;
  }
  EXPECT_EQ(tensorSha256(*ckpt, *ckpt->findByKey("l/l/packed:0"), 7),
            tensorSha256(*ckpt, *ckpt->findByKey("l/l/plain:0"), 4096));
}
