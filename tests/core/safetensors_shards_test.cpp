// Sharded safetensors output: tensors in order into shards no bigger than asked, named like
// transformers' sets, an index whose total_size and weight_map are right, nothing temporary
// left behind, and the set reopens with the same tensors as a single-file export.

#include <gtest/gtest.h>

#include <atomic>
#include <nlohmann/json.hpp>

#include "checkpoint/memory_checkpoint.h"
#include "checkpoint_variants.h"
#include "formats/format_registry.h"
#include "merge/exporter.h"
#include "test_support.h"

using namespace graft;
using graft::test::TempDir;
using graft::test::tensorBytes;
namespace fs = std::filesystem;

namespace {

std::unique_ptr<Checkpoint> model() {
  MemoryCheckpointBuilder b("keras2-h5");
  // 400, 40, 400, 4000 bytes.
  b.layer("a", "Dense").variable("kernel:0", Shape{10, 10}, std::vector<float>(100, 1.0f)).variable("bias:0", Shape{10}, std::vector<float>(10, 2.0f));
  b.layer("b", "Dense").variable("kernel:0", Shape{10, 10}, std::vector<float>(100, 3.0f));
  b.layer("c", "Dense").variable("kernel:0", Shape{10, 100}, std::vector<float>(1000, 4.0f));
  return b.build("memory");
}

ExportReport exportTo(const Checkpoint& c, const fs::path& out, std::uint64_t shardBytes) {
  MergePlan plan;
  plan.source = plan.target = c.path();
  ExportOptions options;
  options.format = FormatRegistry::builtin().find("safetensors");
  options.shardBytes = shardBytes;
  return exportMerge(c, c, evaluatePlan(c, c, plan), out, options);
}

}  // namespace

TEST(SafetensorsShards, ASetWithAnIndexLikeTransformersWrites) {
  TempDir tmp;
  const auto c = model();
  EXPECT_TRUE(exportTo(*c, tmp / "model.safetensors.index.json", 500).verified);
  std::vector<std::string> files;
  for (const auto& e : fs::directory_iterator(tmp.path())) files.push_back(e.path().filename().string());
  std::sort(files.begin(), files.end());
  // 400+40 fit in 500; 400 starts a new shard; 4000 is bigger than a shard and gets its own.
  EXPECT_EQ(files, (std::vector<std::string>{"model-00001-of-00003.safetensors", "model-00002-of-00003.safetensors",
                                             "model-00003-of-00003.safetensors", "model.safetensors.index.json"}));
  const auto index = nlohmann::json::parse(test::readFile(tmp / "model.safetensors.index.json"));
  EXPECT_EQ(index["metadata"]["total_size"], 4840);
  EXPECT_EQ(index["weight_map"]["a.kernel"], "model-00001-of-00003.safetensors");
  EXPECT_EQ(index["weight_map"]["a.bias"], "model-00001-of-00003.safetensors");
  EXPECT_EQ(index["weight_map"]["b.kernel"], "model-00002-of-00003.safetensors");
  EXPECT_EQ(index["weight_map"]["c.kernel"], "model-00003-of-00003.safetensors");
  // Each shard is a whole safetensors file of its own; opened by name it brings its whole set.
  EXPECT_EQ(FormatRegistry::builtin().find("safetensors")->open(tmp / "model-00002-of-00003.safetensors")->variables().size(), 1u);
  EXPECT_EQ(FormatRegistry::builtin().open(tmp / "model-00002-of-00003.safetensors")->variables().size(), 4u);

  const auto set = FormatRegistry::builtin().open(tmp / "model.safetensors.index.json");
  exportTo(*c, tmp / "single.safetensors", 0);
  const auto single = FormatRegistry::builtin().open(tmp / "single.safetensors");
  ASSERT_EQ(set->variables().size(), 4u);
  for (const Node* v : single->variables())
    EXPECT_EQ(tensorBytes(*set, v->tensor()->key), tensorBytes(*single, v->tensor()->key)) << v->tensor()->key;
}

TEST(SafetensorsShards, TheDefaultShardHoldsASmallModelWhole) {
  TempDir tmp;
  const auto c = model();
  exportTo(*c, tmp / "m.safetensors.index.json", 0);
  EXPECT_TRUE(fs::exists(tmp / "m-00001-of-00001.safetensors"));
  EXPECT_EQ(std::distance(fs::directory_iterator(tmp.path()), fs::directory_iterator()), 2);
}

TEST(SafetensorsShards, ACancelledExportLeavesNoShardBehind) {
  TempDir tmp;
  const auto c = model();
  MergePlan plan;
  plan.source = plan.target = c->path();
  std::atomic<bool> cancel{false};
  ExportOptions options;
  options.format = FormatRegistry::builtin().find("safetensors");
  options.shardBytes = 500;
  options.cancel = &cancel;
  // Cancelled once the first shard is written and the second begun.
  options.progress = [&](const ExportProgress& p) { if (p.tensorsDone >= 3) cancel = true; };
  EXPECT_THROW(exportMerge(*c, *c, evaluatePlan(*c, *c, plan), tmp / "model.safetensors.index.json", options), ExportCancelled);
  EXPECT_TRUE(fs::is_empty(tmp.path()));
}
