// In-memory checkpoints look like opened Keras 2 files, are written as full Keras models, and
// the bundled demo checkpoints made from them show a first-time user a transplant with a
// conflicting head.

#include <gtest/gtest.h>

#include <cstring>
#include <nlohmann/json.hpp>

#include "checkpoint/listing.h"
#include "checkpoint/memory_checkpoint.h"
#include "formats/format_registry.h"
#include "io/error.h"
#include "merge/exporter.h"
#include "merge/matcher.h"
#include "test_support.h"

using namespace graft;
namespace fs = std::filesystem;

namespace {

std::vector<float> ramp(std::size_t n, float start) {
  std::vector<float> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = start + 0.25f * static_cast<float>(i);
  return v;
}

std::vector<std::byte> tensorBytes(const Checkpoint& c, const Node& variable) {
  auto stream = c.openTensor(variable);
  std::vector<std::byte> bytes(stream->size());
  stream->read(0, bytes);
  return bytes;
}

std::string smallModelConfig() {
  auto layer = [](const char* cls, const char* name) { return nlohmann::json{{"class_name", cls}, {"config", {{"name", name}}}}; };
  return nlohmann::json{{"class_name", "Sequential"},
                        {"config",
                         {{"name", "sequential"},
                          {"layers",
                           {layer("Conv2D", "conv2d"), layer("MaxPooling2D", "max_pooling2d"), layer("Flatten", "flatten"),
                            layer("Dense", "dense"), layer("Dropout", "dropout")}}}}}
      .dump();
}

// conv2d, max_pooling2d, flatten, dense, dropout: weightless layers between weighted ones.
std::unique_ptr<Checkpoint> smallModel(bool declareKeras2) {
  MemoryCheckpointBuilder b("memory");
  b.layer("conv2d", "Conv2D").variable("kernel:0", Shape{3, 3, 1, 2}, ramp(18, -1.0f)).variable("bias:0", Shape{2}, {0.5f, -0.5f});
  b.layer("max_pooling2d", "MaxPooling2D");
  b.layer("flatten", "Flatten");
  b.layer("dense", "Dense").variable("kernel:0", Shape{8, 3}, ramp(24, 2.0f)).variable("bias:0", Shape{3}, {1.0f, 2.0f, 3.0f});
  b.layer("dropout", "Dropout");
  if (declareKeras2) {
    b.setFormatAttribute("layout", "model");
    b.setFormatAttribute("keras_version", "2.11.0");
    b.setFormatAttribute("backend", "tensorflow");
    b.setFormatAttribute("model_config", smallModelConfig());
  }
  return b.build("small model (memory)");
}

ExportReport writeKeras2(const Checkpoint& c, const fs::path& output) {
  MergePlan identity;
  const MergeEvaluation evaluation = evaluatePlan(c, c, identity);
  ExportOptions options;
  options.format = FormatRegistry::builtin().find("keras2-h5");
  return exportMerge(c, c, evaluation, output, options);
}

std::vector<std::string> topLevelNames(const Checkpoint& c) {
  std::vector<std::string> names;
  for (const auto& child : c.root().children()) names.push_back(child->name());
  return names;
}

}  // namespace

TEST(MemoryCheckpoint, KeysRepeatTheLayerNameAndPathsDoNot) {
  const auto c = smallModel(false);
  EXPECT_EQ(c->formatId(), "memory");
  EXPECT_EQ(c->path(), "small model (memory)");
  EXPECT_TRUE(c->files().empty());
  EXPECT_EQ(topLevelNames(*c), (std::vector<std::string>{"conv2d", "max_pooling2d", "flatten", "dense", "dropout"}));
  const Node* pool = c->root().child(1);
  EXPECT_EQ(pool->kind(), NodeKind::Layer);
  EXPECT_EQ(pool->layerClass(), "MaxPooling2D");
  EXPECT_EQ(pool->childCount(), 0u);

  const Node* kernel = c->findByKey("conv2d/conv2d/kernel:0");
  ASSERT_NE(kernel, nullptr);
  EXPECT_EQ(kernel->path(), "conv2d/kernel:0");
  EXPECT_EQ(c->findByPath("dense/bias:0"), c->findByKey("dense/dense/bias:0"));
  EXPECT_EQ(kernel->tensor()->shape, (Shape{3, 3, 1, 2}));
  EXPECT_EQ(kernel->tensor()->byteSize, 18u * 4u);
  EXPECT_EQ(c->variables().size(), 4u);
  EXPECT_EQ(c->modelParameterCount(), 18u + 2u + 24u + 3u);

  const auto bytes = tensorBytes(*c, *c->findByKey("dense/dense/bias:0"));
  std::vector<float> values(3);
  std::memcpy(values.data(), bytes.data(), bytes.size());
  EXPECT_EQ(values, (std::vector<float>{1.0f, 2.0f, 3.0f}));
}

TEST(MemoryCheckpoint, NestedWeightNamesBecomeGroupsAndOtherDTypesKeepTheirBytes) {
  MemoryCheckpointBuilder b;
  const std::vector<std::byte> counts{std::byte{7}, std::byte{0}, std::byte{0}, std::byte{0}};
  b.layer("bidirectional", "Bidirectional")
      .variable("forward_lstm/kernel:0", Shape{2, 4}, ramp(8, 0.0f))
      .variable("steps:0", DType::Int32, Shape{}, counts);
  const auto c = b.build("nested (memory)");
  const Node* kernel = c->findByKey("bidirectional/bidirectional/forward_lstm/kernel:0");
  ASSERT_NE(kernel, nullptr);
  EXPECT_EQ(kernel->path(), "bidirectional/forward_lstm/kernel:0");
  EXPECT_EQ(kernel->parent()->kind(), NodeKind::Group);
  const Node* steps = c->findByKey("bidirectional/bidirectional/steps:0");
  ASSERT_NE(steps, nullptr);
  EXPECT_EQ(steps->tensor()->dtype, DType::Int32);
  EXPECT_EQ(tensorBytes(*c, *steps), counts);
}

TEST(MemoryCheckpoint, WrongValueCountsDuplicatesAndReadsPastTheEndAreErrors) {
  MemoryCheckpointBuilder b;
  EXPECT_THROW(b.layer("dense").variable("kernel:0", Shape{2, 2}, ramp(3, 0.0f)), Error);
  EXPECT_THROW(b.layer("a/b"), Error);
  b.layer("dense").variable("bias:0", Shape{2}, {1.0f, 2.0f});
  EXPECT_THROW(b.layer("dense").variable("bias:0", Shape{2}, {1.0f, 2.0f}), Error);
  const auto c = b.build("errors (memory)");
  auto stream = c->openTensor(*c->findByKey("dense/dense/bias:0"));
  std::vector<std::byte> out(4);
  EXPECT_NO_THROW(stream->read(4, out));
  try {
    stream->read(6, out);
    FAIL() << "a read past the end must throw";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("errors (memory)"), std::string::npos) << e.what();
  }
}

TEST(MemoryCheckpoint, DeclaringKeras2AttributesWritesAFullModel) {
  test::TempDir dir;
  const auto c = smallModel(true);
  const ExportReport report = writeKeras2(*c, dir / "small.h5");
  EXPECT_TRUE(report.verified);
  EXPECT_TRUE(report.warnings.empty());
  EXPECT_LT(fs::file_size(dir / "small.h5"), 64u << 10);  // the space reserved for writing was released

  const auto out = FormatRegistry::builtin().open(dir / "small.h5");
  EXPECT_EQ(out->formatId(), "keras2-h5");
  EXPECT_EQ(out->formatAttributes().get("layout"), "model");
  EXPECT_EQ(out->metadata().get("keras_version"), "2.11.0");
  EXPECT_EQ(out->metadata().get("backend"), "tensorflow");
  EXPECT_EQ(out->metadata().get("model_class"), "Sequential");
  EXPECT_EQ(out->formatAttributes().get("model_config"), smallModelConfig());
  // layer_names keeps the weightless layers, in order; their classes come from model_config.
  EXPECT_EQ(topLevelNames(*out), topLevelNames(*c));
  std::vector<std::string> classes;
  for (const auto& layer : out->root().children()) classes.push_back(layer->layerClass());
  EXPECT_EQ(classes, (std::vector<std::string>{"Conv2D", "MaxPooling2D", "Flatten", "Dense", "Dropout"}));

  ASSERT_EQ(out->variables().size(), c->variables().size());
  for (const Node* v : c->variables()) {
    const Node* written = out->findByKey(v->tensor()->key);
    ASSERT_NE(written, nullptr) << v->tensor()->key;
    EXPECT_EQ(written->path(), v->path());
    EXPECT_EQ(tensorBytes(*out, *written), tensorBytes(*c, *v)) << v->tensor()->key;
  }
}

TEST(MemoryCheckpoint, WithoutKeras2AttributesItIsAWeightsOnlyFile) {
  test::TempDir dir;
  const auto c = smallModel(false);
  writeKeras2(*c, dir / "weights.h5");
  const auto out = FormatRegistry::builtin().open(dir / "weights.h5");
  EXPECT_EQ(out->formatAttributes().get("layout"), "weights");
  EXPECT_EQ(out->metadata().get("keras_version"), "2.15.0");  // what fresh files get
  EXPECT_EQ(topLevelNames(*out), topLevelNames(*c));
  ListingOptions checksums;
  checksums.checksums = true;
  EXPECT_EQ(listingJson(*out, checksums)["variables"], listingJson(*c, checksums)["variables"]);
}

TEST(DemoCheckpoints, GeneratorWritesAPretrainedAndANewCnnWhoseHeadsConflict) {
  test::TempDir dir;
  const auto run = test::runCommand({GRAFT_MAKE_DEMO_PATH, dir.path().string()});
  ASSERT_EQ(run.exitCode, 0) << run.err;
  const auto pretrained = FormatRegistry::builtin().open(dir / "pretrained_cnn.h5");
  const auto fresh = FormatRegistry::builtin().open(dir / "new_cnn.h5");
  EXPECT_LT(fs::file_size(dir / "pretrained_cnn.h5") + fs::file_size(dir / "new_cnn.h5"), 2u << 20);

  const std::vector<std::string> layers{"conv2d",  "batch_normalization", "max_pooling2d", "conv2d_1", "batch_normalization_1",
                                        "max_pooling2d_1", "flatten", "dense", "dropout", "dense_1"};
  const std::vector<std::string> classes{"Conv2D",       "BatchNormalization", "MaxPooling2D", "Conv2D", "BatchNormalization",
                                         "MaxPooling2D", "Flatten",            "Dense",        "Dropout", "Dense"};
  for (const Checkpoint* c : {pretrained.get(), fresh.get()}) {
    EXPECT_EQ(topLevelNames(*c), layers) << c->path();
    std::vector<std::string> got;
    for (const auto& layer : c->root().children()) got.push_back(layer->layerClass());
    EXPECT_EQ(got, classes) << c->path();
    EXPECT_EQ(c->formatAttributes().get("layout"), "model");
    EXPECT_EQ(c->metadata().get("keras_version"), "2.15.0");
  }
  EXPECT_EQ(pretrained->findByPath("dense_1/kernel:0")->tensor()->shape, (Shape{128, 10}));
  EXPECT_EQ(fresh->findByPath("dense_1/kernel:0")->tensor()->shape, (Shape{128, 5}));
  // Same layers, different values.
  const Node* conv = pretrained->findByPath("conv2d/kernel:0");
  EXPECT_NE(tensorBytes(*pretrained, *conv), tensorBytes(*fresh, *fresh->findByPath("conv2d/kernel:0")));

  MatchOptions options;
  options.strategy = MatchStrategy::Normalized;
  const MergePlan plan = planFromMatches(*pretrained, *fresh, options);
  const MergeEvaluation evaluation = evaluatePlan(*pretrained, *fresh, plan);
  EXPECT_EQ(evaluation.count(SlotStatus::ConflictShape), 2u);
  EXPECT_EQ(evaluation.conflictCount(), 2u);
  ASSERT_NE(evaluation.findByPath("dense_1/kernel:0"), nullptr);
  EXPECT_EQ(evaluation.findByPath("dense_1/kernel:0")->status, SlotStatus::ConflictShape);
  EXPECT_EQ(evaluation.findByPath("dense_1/bias:0")->status, SlotStatus::ConflictShape);
  EXPECT_EQ(evaluation.count(SlotStatus::Replaced), evaluation.slots.size() - 2);
  EXPECT_EQ(evaluation.slots.size(), 16u);
}

TEST(DemoCheckpoints, EveryRunWritesTheSameValues) {
  test::TempDir first, second;
  ASSERT_EQ(test::runCommand({GRAFT_MAKE_DEMO_PATH, first.path().string()}).exitCode, 0);
  ASSERT_EQ(test::runCommand({GRAFT_MAKE_DEMO_PATH, second.path().string()}).exitCode, 0);
  ListingOptions checksums;
  checksums.checksums = true;
  for (const char* name : {"pretrained_cnn.h5", "new_cnn.h5"})
    EXPECT_EQ(listingJson(*FormatRegistry::builtin().open(first / name), checksums),
              listingJson(*FormatRegistry::builtin().open(second / name), checksums))
        << name;
}

TEST(DemoCheckpoints, GeneratorWithoutAFolderIsAUsageError) {
  EXPECT_EQ(test::runCommand({GRAFT_MAKE_DEMO_PATH}).exitCode, 2);
}
