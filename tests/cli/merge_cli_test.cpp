// graft-cli match / merge / convert as a user runs them.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <set>

#include "checkpoint_variants.h"
#include "merge/transform.h"
#include "test_support.h"

using namespace graft;
namespace fs = std::filesystem;

namespace {

const char* kCnn = "keras2-model-h5/tf-fashion_my_model.h5";

test::CommandResult cli(std::vector<std::string> args) {
  args.insert(args.begin(), GRAFT_CLI_PATH);
  return test::runCommand(args);
}

nlohmann::json listing(const fs::path& file) {
  const auto r = cli({"ls", "--json", "--checksums", file.string()});
  EXPECT_EQ(r.exitCode, 0) << r.err;
  return nlohmann::json::parse(r.out);
}


}  // namespace

TEST(MergeCli, ShapeConflictPrintsEachConflictExits3AndWritesNothing) {
  GRAFT_REAL_DATA_OR_SKIP(real);
  test::TempDir dir;
  test::writeWithNewHead(real / kCnn, dir / "new.h5");
  const auto r = cli({"merge", (real / kCnn).string(), (dir / "new.h5").string(), "-o", (dir / "out.h5").string()});
  EXPECT_EQ(r.exitCode, 3) << r.err;
  EXPECT_NE(r.err.find("conflict: dense/kernel:0: source (128, 10) does not fit target (128, 5) — slice or pad dimension 1"),
            std::string::npos) << r.err;
  EXPECT_NE(r.err.find("conflict: dense/bias:0"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("nothing was written"), std::string::npos);
  EXPECT_FALSE(fs::exists(dir / "out.h5"));
}

TEST(MergeCli, SkipSliceAndSavedPlanProduceTheSameFileAsTheWindowWould) {
  GRAFT_REAL_DATA_OR_SKIP(real);
  test::TempDir dir;
  test::writeWithNewHead(real / kCnn, dir / "new.h5");
  const auto skip = cli({"merge", (real / kCnn).string(), (dir / "new.h5").string(), "-o", (dir / "skip.h5").string(),
                         "--on-conflict", "skip", "--save-plan", (dir / "plan.json").string()});
  ASSERT_EQ(skip.exitCode, 0) << skip.err;
  EXPECT_NE(skip.out.find("42 replaced, 2 unchanged"), std::string::npos) << skip.out;
  EXPECT_NE(skip.out.find(", verified"), std::string::npos) << skip.out;
  const auto again = cli({"merge", "--plan", (dir / "plan.json").string(), "-o", (dir / "again.h5").string(), "--quiet"});
  ASSERT_EQ(again.exitCode, 0) << again.err;
  EXPECT_TRUE(again.out.empty());
  EXPECT_EQ(listing(dir / "again.h5"), listing(dir / "skip.h5"));

  const auto slice = cli({"merge", (real / kCnn).string(), (dir / "new.h5").string(), "-o", (dir / "slice.h5").string(),
                          "--on-conflict", "slice", "-q"});
  ASSERT_EQ(slice.exitCode, 0) << slice.err;
  const auto sliced = listing(dir / "slice.h5");
  for (const auto& v : sliced["variables"]) {
    if (v["key"] == "dense/dense/kernel:0") {
      EXPECT_EQ(v["shape"], nlohmann::json::array({128, 5}));
    }
  }
}

TEST(MergeCli, MatchShowsPairsReasonsAndStatuses) {
  GRAFT_REAL_DATA_OR_SKIP(real);
  test::TempDir dir;
  test::writeWithNewHead(real / kCnn, dir / "new.h5");
  const auto r = cli({"match", (real / kCnn).string(), (dir / "new.h5").string(), "--json", "--take", "^dense"});
  ASSERT_EQ(r.exitCode, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["operations"].size(), 2u);
  EXPECT_EQ(j["operations"][0]["reason"], "same normalized name 'dense/kernel'");
  EXPECT_EQ(j["summary"]["conflict-shape"], 2);
  EXPECT_EQ(j["summary"]["unchanged"], 42);
  const auto text = cli({"match", (real / kCnn).string(), (dir / "new.h5").string(), "--strategy", "order"});
  EXPECT_NE(text.out.find("layer with weights #15 (order)"), std::string::npos) << text.out;
  EXPECT_EQ(cli({"match", "a", "b", "--strategy", "psychic"}).exitCode, 2);
  EXPECT_EQ(cli({"match", "a", "b", "--rule", "no-arrow"}).exitCode, 2);
}

TEST(ConvertCli, IdentityConvertOfEveryRealKeras2FileIsH5diffIdenticalWithEqualChecksums) {
  GRAFT_REAL_DATA_OR_SKIP(real);
  if (!fs::exists("/usr/bin/h5diff")) {
    if (test::runningInCI()) FAIL() << "h5diff missing (Debian package hdf5-tools)";
    GTEST_SKIP() << "h5diff missing: apt-get install hdf5-tools";
  }
  test::TempDir dir;
  int converted = 0;
  for (const char* folder : {"keras2-weights-h5", "keras2-model-h5"})
    for (const auto& e : fs::directory_iterator(real / folder)) {
      SCOPED_TRACE(e.path().string());
      const auto out = dir / (e.path().filename().string() + ".out.h5");
      const auto r = cli({"convert", e.path().string(), out.string(), "-q"});
      ASSERT_EQ(r.exitCode, 0) << r.err;
      const auto diff = test::runCommand({"/usr/bin/h5diff", e.path().string(), out.string()});
      EXPECT_EQ(diff.exitCode, 0) << diff.out << diff.err;
      EXPECT_EQ(listing(out)["variables"], listing(e.path())["variables"]);
      ++converted;
    }
  EXPECT_EQ(converted, 12);
}

TEST(ConvertCli, UnknownFormatIsAUsageError) {
  GRAFT_REAL_DATA_OR_SKIP(real);
  test::TempDir dir;
  const auto r = cli({"convert", (real / kCnn).string(), (dir / "x").string(), "--format", "onnx"});
  EXPECT_EQ(r.exitCode, 2);
  EXPECT_NE(r.err.find("writable formats: keras2-h5"), std::string::npos) << r.err;
}

std::multiset<std::string> checksumsOf(const nlohmann::json& listing) {
  std::multiset<std::string> sums;
  for (const auto& v : listing["variables"]) sums.insert(v["sha256"].get<std::string>());
  return sums;
}

// Without --format, an output named for another format gets that format, said on stderr; the
// bytes are that format's, and every tensor survives.
TEST(ConvertCli, WithoutFormatTheOutputsNameChoosesItsFormat) {
  GRAFT_REAL_DATA_OR_SKIP(real);
  test::TempDir dir;
  const auto original = listing(real / kCnn);
  for (const auto& [name, id] : std::vector<std::pair<std::string, std::string>>{
           {"model.SafeTensors", "safetensors"}, {"model.pt", "pytorch"}, {"model.keras", "keras2-h5"},
           {"shards/model.safetensors.index.json", "safetensors"}, {"model.weights.h5", "keras2-h5"}}) {
    SCOPED_TRACE(name);
    fs::create_directories((dir / name).parent_path());
    const auto r = cli({"convert", (real / kCnn).string(), (dir / name).string()});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    const bool renamed = id != "keras2-h5";
    EXPECT_EQ(r.err.find("format: " + id + ", from the name " + fs::path(name).filename().string()) != std::string::npos, renamed)
        << r.err;
    const auto out = listing(dir / name);
    EXPECT_EQ(out["format"], id);
    EXPECT_EQ(checksumsOf(out), checksumsOf(original));
  }
}

TEST(ConvertCli, ANameThatFitsTwoOtherFormatsAsksForFormatAndWritesNothing) {
  GRAFT_REAL_DATA_OR_SKIP(real);
  test::TempDir dir;
  ASSERT_EQ(cli({"convert", "-q", (real / kCnn).string(), (dir / "model.pt").string()}).exitCode, 0);
  for (const std::string name : {"back.h5", "back.keras"}) {
    const auto r = cli({"convert", (dir / "model.pt").string(), (dir / name).string()});
    EXPECT_EQ(r.exitCode, 2) << r.err;
    EXPECT_NE(r.err.find("the name " + name + " fits several formats"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("choose one with --format"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(dir / name));
  }
  const auto chosen = cli({"convert", "-q", (dir / "model.pt").string(), (dir / "back.h5").string(), "--format", "keras2-h5"});
  ASSERT_EQ(chosen.exitCode, 0) << chosen.err;
  EXPECT_EQ(listing(dir / "back.h5")["format"], "keras2-h5");
}

TEST(MergeCli, TheOutputsNameChoosesTheFormatLikeConvert) {
  GRAFT_REAL_DATA_OR_SKIP(real);
  test::TempDir dir;
  const auto r = cli({"merge", (real / kCnn).string(), (real / kCnn).string(), "-o", (dir / "merged.safetensors").string()});
  ASSERT_EQ(r.exitCode, 0) << r.err;
  EXPECT_NE(r.err.find("format: safetensors, from the name merged.safetensors"), std::string::npos) << r.err;
  const auto out = listing(dir / "merged.safetensors");
  EXPECT_EQ(out["format"], "safetensors");
  EXPECT_EQ(checksumsOf(out), checksumsOf(listing(real / kCnn)));
}

TEST(DiffCli, ReportsMissingKeysShapeChangesAndValueDistances) {
  GRAFT_REAL_DATA_OR_SKIP(real);
  test::TempDir dir;
  test::writeWithNewHead(real / kCnn, dir / "new.h5");
  const auto r = cli({"diff", (real / kCnn).string(), (dir / "new.h5").string(), "--values", "--json"});
  ASSERT_EQ(r.exitCode, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_TRUE(j["only_in_a"].empty());
  EXPECT_TRUE(j["only_in_b"].empty());
  ASSERT_EQ(j["different"].size(), 2u);
  EXPECT_EQ(j["different"][0]["key"], "dense/dense/bias:0");
  EXPECT_EQ(j["different"][1]["a"], "(128, 10) float32");
  EXPECT_EQ(j["different"][1]["b"], "(128, 5) float32");
  EXPECT_EQ(j["same"], 42);
  ASSERT_EQ(j["values"].size(), 42u);
  for (const auto& v : j["values"]) {
    // float16 rounding: close but not identical (a few exactly representable tensors may be)
    EXPECT_LT(v["max_abs_diff"].get<double>(), 0.01) << v;
    EXPECT_GT(v["cosine"].get<double>(), 0.9999) << v;
  }
  const auto self = cli({"diff", (real / kCnn).string(), (real / kCnn).string(), "--values"});
  ASSERT_EQ(self.exitCode, 0);
  EXPECT_NE(self.out.find("same shape and dtype: 44"), std::string::npos) << self.out;
  EXPECT_EQ(self.out.find("rel.L2"), std::string::npos) << "identical files report no distances";
}

// Symlinks never make an export write outside the chosen output: a link to an input is refused
// as that input, and a link to anything else is replaced by the result (the rename replaces the
// link itself), leaving the file it pointed at untouched. A checkpoint opened through a link
// reads as the file.
TEST(ConvertCli, SymlinkedOutputsNeverWriteThroughTheLink) {
  GRAFT_REAL_DATA_OR_SKIP(real);
  test::TempDir dir;
  fs::copy_file(real / kCnn, dir / "source.h5");
  fs::create_directories(dir / "elsewhere");
  test::writeFile(dir / "elsewhere" / "notes.txt", "keep me");
  fs::create_symlink(dir / "source.h5", dir / "to-source.h5");
  fs::create_symlink(dir / "elsewhere" / "notes.txt", dir / "to-notes.h5");
  const std::string before = test::readFile(dir / "source.h5");

  const auto intoInput = cli({"convert", (dir / "source.h5").string(), (dir / "to-source.h5").string(), "-q"});
  EXPECT_EQ(intoInput.exitCode, 1);
  EXPECT_NE(intoInput.err.find("is one of the merge's inputs"), std::string::npos) << intoInput.err;
  EXPECT_TRUE(fs::is_symlink(dir / "to-source.h5"));

  const auto overLink = cli({"convert", (dir / "to-source.h5").string(), (dir / "to-notes.h5").string(), "-q"});
  EXPECT_EQ(overLink.exitCode, 0) << overLink.err;
  EXPECT_FALSE(fs::is_symlink(dir / "to-notes.h5"));
  EXPECT_EQ(test::readFile(dir / "elsewhere" / "notes.txt"), "keep me");
  EXPECT_EQ(listing(dir / "to-notes.h5")["variables"], listing(dir / "source.h5")["variables"]);
  EXPECT_EQ(test::readFile(dir / "source.h5"), before);
  EXPECT_EQ(fs::directory_iterator(dir / "elsewhere")->path().filename(), "notes.txt");
}
