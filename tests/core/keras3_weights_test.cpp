// What the Keras 3 `.weights.h5` reader shows: goldens of the real files, the tree (layers,
// numeric variable order, optimizer state apart), and that Keras 2 files stay Keras 2's.

#include <gtest/gtest.h>

#include <algorithm>

#include "formats/format_registry.h"
#include "formats/keras3_weights_format.h"
#include "golden_listing.h"
#include "hdf5_fixtures.h"
#include "io/error.h"
#include "checkpoint_variants.h"
#include "test_support.h"

using namespace graft;
using graft::test::matchesGolden;
namespace fs = std::filesystem;
using graft::test::childNames;
using graft::test::openError;

namespace {


const Node* childNamed(const Node& n, const std::string& name) {
  for (const auto& c : n.children())
    if (c->name() == name) return c.get();
  return nullptr;
}


}  // namespace

TEST(Keras3WeightsGolden, BothRealWeightsFilesMatchTheirGoldens) {
  GRAFT_REAL_DATA_OR_SKIP(real);
  EXPECT_TRUE(matchesGolden(real, "keras3-weights-h5/snake_model.weights.h5"));
  EXPECT_TRUE(matchesGolden(real, "keras3-weights-h5/pinn_model.weights.h5"));
}

TEST(Keras3Weights, SnakeModelShowsLayersThenOptimizerStateInNumericOrder) {
  GRAFT_REAL_DATA_OR_SKIP(real);
  const auto ckpt = FormatRegistry::builtin().open(real / "keras3-weights-h5/snake_model.weights.h5");
  EXPECT_EQ(ckpt->formatId(), "keras3-weights-h5");
  EXPECT_EQ(ckpt->metadata().get("layout"), "Keras 3 save_weights");
  EXPECT_EQ(ckpt->metadata().get("optimizer variables"), "18");
  EXPECT_EQ(ckpt->metadata().get("variables"), "26");
  // Weightless layers (pooling) keep their empty vars groups and so appear too.
  EXPECT_EQ(childNames(ckpt->root()), (std::vector<std::string>{"conv2d", "conv2d_1", "dense", "dense_1",
                                                                  "global_average_pooling2d", "max_pooling2d",
                                                                  "optimizer"}));
  const Node& conv = *ckpt->root().child(0);
  EXPECT_EQ(conv.kind(), NodeKind::Layer);
  EXPECT_EQ(conv.role(), NodeRole::Weights);
  EXPECT_EQ(childNames(conv), (std::vector<std::string>{"0", "1"}));
  EXPECT_EQ(childNamed(ckpt->root(), "max_pooling2d")->childCount(), 0u);

  const Node* optimizer = childNamed(ckpt->root(), "optimizer");
  ASSERT_NE(optimizer, nullptr);
  EXPECT_EQ(optimizer->kind(), NodeKind::Group);
  EXPECT_EQ(optimizer->role(), NodeRole::Optimizer);
  const auto names = childNames(*optimizer);
  ASSERT_EQ(names.size(), 18u);
  for (std::size_t i = 0; i < names.size(); ++i) EXPECT_EQ(names[i], std::to_string(i));
  const auto at = [&](const char* n) { return std::find(names.begin(), names.end(), n) - names.begin(); };
  EXPECT_LT(at("2"), at("10"));
  for (const auto& v : optimizer->children()) EXPECT_EQ(v->role(), NodeRole::Optimizer);

  const Node* iteration = ckpt->findByKey("optimizer/vars/0");
  ASSERT_NE(iteration, nullptr);
  EXPECT_EQ(iteration->tensor()->dtype, DType::Int64);
  EXPECT_EQ(iteration->role(), NodeRole::Optimizer);
  EXPECT_EQ(iteration->path(), "optimizer/0");
  const Node* kernel = ckpt->findByKey("layers/conv2d/vars/0");
  ASSERT_NE(kernel, nullptr);
  EXPECT_EQ(kernel->path(), "conv2d/0");
  // 3*3*3*32+32 + 3*3*32*64+64 + 64*64+64 + 64*4+4: optimizer state is not counted.
  EXPECT_EQ(ckpt->modelParameterCount(), 896u + 18496u + 4160u + 260u);
}

TEST(Keras3Weights, PinnModelShowsTheNameAttributesAndKeepsThemForARewrite) {
  GRAFT_REAL_DATA_OR_SKIP(real);
  const auto ckpt = FormatRegistry::builtin().open(real / "keras3-weights-h5/pinn_model.weights.h5");
  EXPECT_EQ(ckpt->metadata().get("vars groups with a name attribute"), "8");
  EXPECT_EQ(ckpt->metadata().get("optimizer variables"), "0");
  // The attribute is the layer's own name, not its class: the path key stays the node name.
  EXPECT_EQ(ckpt->formatAttributes().get("name:layers/dense"), "dense_78");
  EXPECT_EQ(ckpt->root().child(0)->name(), "dense");
  // The window shows the layer's own name; paths and keys keep the container key.
  EXPECT_EQ(ckpt->root().child(0)->displayName(), "dense_78");
  EXPECT_TRUE(ckpt->findNode("dense/0"));
  EXPECT_EQ(ckpt->root().child(0)->layerClass(), "");
  const Node* eps = childNamed(ckpt->root(), "eps_layer");
  ASSERT_NE(eps, nullptr);
  EXPECT_EQ(eps->kind(), NodeKind::Layer);
  EXPECT_EQ(eps->childCount(), 0u);
  EXPECT_EQ(childNamed(ckpt->root(), "dense_5")->row() + 1, eps->row());
}

TEST(Keras3Weights, NestedLayersContainersOptimizerAndMetricsFromAWrittenFile) {
  test::TempDir dir;
  const auto path = dir / "nested.weights.h5";
  {
    test::H5Writer w(path);
    w.group("vars");
    w.group("layers/input_layer/vars");
    w.group("layers/lstm/vars");
    for (const char* v : {"0", "1", "2"}) w.floatDataset(w.root(), std::string("layers/lstm/cell/vars/") + v, {2, 3});
    w.group("layers/custom_layer/vars");
    w.floatDataset(w.root(), "layers/custom_layer/_custom_layers/dense/vars/0", {3, 4});
    w.floatDataset(w.root(), "layers/custom_layer/_custom_layers/dense/vars/1", {4});
    for (int i = 0; i < 12; ++i) w.floatDataset(w.root(), "optimizer/vars/" + std::to_string(i), {2});
    w.floatDataset(w.root(), "metrics/mean/vars/0", {});
  }
  EXPECT_EQ(FormatRegistry::builtin().detect(path).id(), "keras3-weights-h5");
  const auto ckpt = FormatRegistry::builtin().open(path);
  EXPECT_EQ(childNames(ckpt->root()),
            (std::vector<std::string>{"custom_layer", "input_layer", "lstm", "metrics", "optimizer"}));
  const Node* cell = ckpt->findNode("lstm/cell");
  ASSERT_NE(cell, nullptr);
  EXPECT_EQ(cell->kind(), NodeKind::Layer);
  EXPECT_EQ(childNames(*cell), (std::vector<std::string>{"0", "1", "2"}));
  EXPECT_EQ(ckpt->findNode("lstm")->kind(), NodeKind::Layer);
  const Node* dense = ckpt->findNode("custom_layer/_custom_layers/dense");
  ASSERT_NE(dense, nullptr);
  EXPECT_EQ(dense->kind(), NodeKind::Layer);
  EXPECT_EQ(ckpt->findNode("custom_layer/_custom_layers")->kind(), NodeKind::Group);
  EXPECT_EQ(ckpt->findByKey("layers/custom_layer/_custom_layers/dense/vars/1")->path(),
            "custom_layer/_custom_layers/dense/1");
  EXPECT_EQ(ckpt->findNode("input_layer")->childCount(), 0u);
  const Node* optimizer = ckpt->findNode("optimizer");
  ASSERT_NE(optimizer, nullptr);
  const auto names = childNames(*optimizer);
  ASSERT_EQ(names.size(), 12u);
  EXPECT_EQ(names[2], "2");
  EXPECT_EQ(names[10], "10");
  const Node* mean = ckpt->findByKey("metrics/mean/vars/0");
  ASSERT_NE(mean, nullptr);
  EXPECT_EQ(mean->role(), NodeRole::Bookkeeping);
  EXPECT_EQ(ckpt->modelParameterCount(), 3u * 6u + 12u + 4u);
  EXPECT_EQ(ckpt->variables().size(), 3u + 2u + 12u + 1u);
}

TEST(Keras3Weights, ModelOwnVariablesSitUnderVars) {
  test::TempDir dir;
  const auto path = dir / "own.weights.h5";
  {
    test::H5Writer w(path);
    w.floatDataset(w.root(), "vars/0", {2});
    w.floatDataset(w.root(), "encoder/vars/0", {2, 2});
  }
  const auto ckpt = FormatRegistry::builtin().open(path);
  EXPECT_EQ(childNames(ckpt->root()), (std::vector<std::string>{"vars", "encoder"}));
  EXPECT_EQ(ckpt->findByKey("vars/0")->path(), "vars/0");
  EXPECT_EQ(ckpt->findNode("encoder")->kind(), NodeKind::Layer);
}

TEST(Keras3Weights, EveryRealKeras2FileStillOpensAsKeras2) {
  GRAFT_REAL_DATA_OR_SKIP(real);
  const Keras3WeightsFormat keras3;
  int files = 0;
  for (const char* sub : {"keras2-weights-h5", "keras2-model-h5"})
    for (const auto& e : fs::directory_iterator(real / sub)) {
      SCOPED_TRACE(e.path().string());
      const FileProbe probe(e.path());
      const SniffResult r = keras3.sniff(probe);
      EXPECT_EQ(r.score, 0);
      EXPECT_NE(r.reason.find("Keras 2"), std::string::npos) << r.reason;
      EXPECT_EQ(FormatRegistry::builtin().detect(e.path()).id(), "keras2-h5");
      ++files;
    }
  EXPECT_EQ(files, 12);
}

TEST(Keras3Weights, Keras2FileWithALayersGroupStaysKeras2) {
  test::TempDir dir;
  const auto path = dir / "k2.h5";
  {
    test::H5Writer w(path);
    w.varStrings(w.root(), "layer_names", {"layers"}, H5T_CSET_UTF8);
    w.varStrings(w.group("layers"), "weight_names", {"layers/kernel:0"}, H5T_CSET_UTF8);
    w.floatDataset(w.root(), "layers/layers/kernel:0", {2, 2});
  }
  EXPECT_EQ(FormatRegistry::builtin().detect(path).id(), "keras2-h5");
  try {
    Keras3WeightsFormat().open(path);
    ADD_FAILURE() << "the Keras 3 reader opened a Keras 2 file";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("Keras 2"), std::string::npos) << e.what();
  }
}

TEST(Keras3Weights, Hdf5ThatIsNotKerasIsRefused) {
  test::TempDir dir;
  const auto path = dir / "plain.weights.h5";
  {
    test::H5Writer w(path);
    w.floatDataset(w.root(), "data/x", {4, 4});
  }
  const std::string message = openError(path);
  EXPECT_EQ(message.rfind(path.string() + ": ", 0), 0u) << message;
  EXPECT_NE(message.find("HDF5 file without Keras weights"), std::string::npos) << message;
  const FileProbe probe(path);
  const SniffResult r = Keras3WeightsFormat().sniff(probe);
  EXPECT_EQ(r.score, 0);
  EXPECT_NE(r.reason.find("no layers or vars group at the root"), std::string::npos) << r.reason;
  try {
    Keras3WeightsFormat().open(path);
    ADD_FAILURE() << "opened a non-Keras HDF5 file";
  } catch (const Error& e) {
    const std::string what = e.what();
    EXPECT_EQ(what.rfind(path.string() + ": not a Keras 3 weights file", 0), 0u) << what;
  }
}
