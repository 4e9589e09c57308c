// graft-cli as a user runs it: exit codes, one-line errors, listings equal to the goldens.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "hdf5_fixtures.h"
#include "test_support.h"

using namespace graft;
namespace fs = std::filesystem;

namespace {

test::CommandResult cli(std::vector<std::string> args) {
  args.insert(args.begin(), GRAFT_CLI_PATH);
  return test::runCommand(args);
}

void expectOneLineError(const test::CommandResult& r, const fs::path& file, const std::string& what) {
  EXPECT_EQ(r.exitCode, 1) << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;
  EXPECT_EQ(r.err.rfind("graft-cli: error: " + file.string() + ": ", 0), 0u) << r.err;
  EXPECT_NE(r.err.find(what), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_EQ(r.err.find("HDF5-DIAG"), std::string::npos) << r.err;
}

}  // namespace

TEST(GraftCli, LsPrintsHeaderAndTree) {
  GRAFT_REAL_DATA_OR_SKIP(real);
  const auto r = cli({"ls", (real / "keras2-model-h5/tf-fashion_my_model.h5").string()});
  ASSERT_EQ(r.exitCode, 0) << r.err;
  EXPECT_NE(r.out.find("tf-fashion_my_model.h5  [keras2-h5]  Keras 2.2.4-tf  44 variables"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("conv2d                 Conv2D"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("  kernel:0             (3, 3, 1, 32)       float32      288  1.1 KiB"), std::string::npos) << r.out;
}

TEST(GraftCli, LsJsonChecksumsEqualsGolden) {
  GRAFT_REAL_DATA_OR_SKIP(real);
  const auto r = cli({"ls", "--json", "--checksums", (real / "keras2-model-h5/dl4j_keras-attention.h5").string()});
  ASSERT_EQ(r.exitCode, 0) << r.err;
  auto ours = nlohmann::json::parse(r.out);
  for (auto& v : ours["variables"]) {
    EXPECT_TRUE(v.contains("path"));
    v.erase("path");
  }
  auto golden = nlohmann::json::parse(test::readFile(real / "golden/keras2-model-h5/dl4j_keras-attention.h5.json"));
  EXPECT_EQ(ours["format"], golden["format"]);
  EXPECT_EQ(ours["variables"], golden["variables"]);
}

TEST(GraftCli, LsFilterKeepsMatchesAndTheirParents) {
  GRAFT_REAL_DATA_OR_SKIP(real);
  const auto file = (real / "keras2-model-h5/tf-fashion_my_model.h5").string();
  const auto json = cli({"ls", "--json", "--filter", "^conv2d_1/", file});
  ASSERT_EQ(json.exitCode, 0) << json.err;
  const auto listing = nlohmann::json::parse(json.out);
  ASSERT_EQ(listing["variables"].size(), 2u);
  EXPECT_EQ(listing["variables"][0]["key"], "conv2d_1/conv2d_1/bias:0");
  const auto tree = cli({"ls", "--filter", "moving_mean", file});
  EXPECT_NE(tree.out.find("batch_normalization_3"), std::string::npos);
  EXPECT_EQ(tree.out.find("conv2d "), std::string::npos) << tree.out;
}

TEST(GraftCli, LsDepthLimitsTheTree) {
  GRAFT_REAL_DATA_OR_SKIP(real);
  const auto r = cli({"ls", "--depth", "1", (real / "keras2-model-h5/tf-fashion_my_model.h5").string()});
  ASSERT_EQ(r.exitCode, 0);
  EXPECT_EQ(r.out.find("kernel:0"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("dense "), std::string::npos) << r.out;
}

TEST(GraftCli, BadInputsGiveOneLineErrorsAndExitCode1) {
  test::TempDir dir;
  test::writeFile(dir / "empty.h5", "");
  expectOneLineError(cli({"ls", (dir / "empty.h5").string()}), dir / "empty.h5", "empty file");
  test::writeFile(dir / "text.h5", "not hdf5 at all");
  expectOneLineError(cli({"ls", (dir / "text.h5").string()}), dir / "text.h5", "not a checkpoint");
  expectOneLineError(cli({"ls", (dir / "missing.h5").string()}), dir / "missing.h5", "no such file");
  expectOneLineError(cli({"ls", dir.path().string()}), dir.path(), "is a directory");
  {
    test::H5Writer w(dir / "plain.h5");
    w.floatDataset(w.root(), "x", {2});
  }
  expectOneLineError(cli({"ls", (dir / "plain.h5").string()}), dir / "plain.h5", "without Keras weights");
}

TEST(GraftCli, TruncatedHdf5GivesOneLineErrorWithoutHdf5Dump) {
  GRAFT_REAL_DATA_OR_SKIP(real);
  test::TempDir dir;
  const std::string whole = test::readFile(real / "keras2-model-h5/tf-fashion_my_model.h5");
  test::writeFile(dir / "cut.h5", whole.substr(0, whole.size() / 2));
  expectOneLineError(cli({"ls", "--json", "--checksums", (dir / "cut.h5").string()}), dir / "cut.h5",
                     "truncated HDF5 file: 688544 of 1377088 bytes present");
}

TEST(GraftCli, UsageErrorsExitWith2) {
  EXPECT_EQ(cli({}).exitCode, 2);
  EXPECT_EQ(cli({"ls"}).exitCode, 2);
  EXPECT_EQ(cli({"ls", "--bogus", "x.h5"}).exitCode, 2);
  EXPECT_EQ(cli({"frobnicate"}).exitCode, 2);
  const auto badRegex = cli({"ls", "--filter", "(", "x.h5"});
  EXPECT_EQ(badRegex.exitCode, 2);
  EXPECT_NE(badRegex.err.find("--filter"), std::string::npos) << badRegex.err;
  EXPECT_EQ(cli({"ls", "--help"}).exitCode, 0);
}

TEST(GraftCli, TensorFlowCheckpointListsLikeItsGoldenAndConvertsToAPrefix) {
  GRAFT_REAL_DATA_OR_SKIP(real);
  const fs::path dir = real / "tf2-checkpoint/vince_gan_ckpt-1";
  // Named by its prefix, as TensorFlow names checkpoints.
  const auto r = cli({"ls", "--json", "--checksums", (dir / "ckpt-1").string()});
  ASSERT_EQ(r.exitCode, 0) << r.err;
  auto ours = nlohmann::json::parse(r.out);
  for (auto& v : ours["variables"]) v.erase("path");
  const auto golden = nlohmann::json::parse(test::readFile(real / "golden/tf2-checkpoint/vince_gan_ckpt-1/ckpt-1.index.json"));
  EXPECT_EQ(ours["format"], golden["format"]);
  EXPECT_EQ(ours["variables"], golden["variables"]);

  test::TempDir tmp;
  const auto c = cli({"convert", "-q", (dir / "ckpt-1.index").string(), (tmp / "copy").string()});
  ASSERT_EQ(c.exitCode, 0) << c.err;
  EXPECT_EQ(test::readFile(tmp / "copy.index"), test::readFile(dir / "ckpt-1.index"));
  EXPECT_EQ(test::readFile(tmp / "copy.data-00000-of-00002"), test::readFile(dir / "ckpt-1.data-00000-of-00002"));
  EXPECT_EQ(test::readFile(tmp / "copy.data-00001-of-00002"), test::readFile(dir / "ckpt-1.data-00001-of-00002"));
  std::size_t files = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(tmp.path())) ++files;
  EXPECT_EQ(files, 3u) << "no temporary files left";
  // TF1's "model.ckpt" prefix stays a TensorFlow checkpoint, though PyTorch Lightning uses .ckpt.
  const auto tf1 = cli({"convert", "-q", (dir / "ckpt-1.index").string(), (tmp / "model.ckpt").string()});
  ASSERT_EQ(tf1.exitCode, 0) << tf1.err;
  EXPECT_EQ(test::readFile(tmp / "model.ckpt.index"), test::readFile(dir / "ckpt-1.index"));

  const auto tree = cli({"ls", (dir / "ckpt-1.index").string()});
  ASSERT_EQ(tree.exitCode, 0) << tree.err;
  EXPECT_NE(tree.out.find("ckpt-1.index  [tf-bundle]  TensorFlow  66 variables"), std::string::npos) << tree.out;
}

TEST(GraftCli, DamagedTensorFlowIndexGivesOneLineError) {
  GRAFT_REAL_DATA_OR_SKIP(real);
  test::TempDir tmp;
  std::string index = test::readFile(real / "tf1-checkpoint/onnx_regression/model.index");
  index[10] = static_cast<char>(index[10] ^ 0x40);
  test::writeFile(tmp / "model.index", index);
  expectOneLineError(cli({"ls", (tmp / "model.index").string()}), tmp / "model.index", "checksum mismatch");
}

TEST(GraftCli, StatsDiffAndMatchTakeTensorFlowCheckpoints) {
  GRAFT_REAL_DATA_OR_SKIP(real);
  const fs::path gan = real / "tf2-checkpoint/vince_gan_ckpt-1/ckpt-1.index";
  const auto stats = cli({"stats", "--json", gan.string(), "generator/layer_with_weights-0/kernel"});
  ASSERT_EQ(stats.exitCode, 0) << stats.err;
  EXPECT_FALSE(nlohmann::json::parse(stats.out).empty());
  EXPECT_NE(stats.out.find("generator/layer_with_weights-0/kernel/.ATTRIBUTES/VARIABLE_VALUE"), std::string::npos) << stats.out;
  EXPECT_NE(stats.out.find("700"), std::string::npos) << stats.out;
  const auto diff = cli({"diff", gan.string(), gan.string()});
  ASSERT_EQ(diff.exitCode, 0) << diff.err;
  EXPECT_NE(diff.out.find("same shape and dtype: 66"), std::string::npos) << diff.out;
  const auto match = cli({"match", gan.string(), gan.string(), "--strategy", "name"});
  ASSERT_EQ(match.exitCode, 0) << match.err;
  EXPECT_NE(match.out.find("generator/layer_with_weights-0/kernel"), std::string::npos) << match.out;
}

TEST(GraftCli, AFolderWithoutACheckpointSaysWhatWasLookedFor) {
  test::TempDir dir;
  test::writeFile(dir / "notes.txt", "not a checkpoint\n");
  expectOneLineError(cli({"ls", dir.path().string()}), dir.path(), "is a directory holding no checkpoint Graft recognises");
}
