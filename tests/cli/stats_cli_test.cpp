// `graft-cli stats` as a user runs it, on a real Keras file, against numbers numpy computed.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <numeric>

#include "test_support.h"

using namespace graft;

namespace {

const char* const kFashion = "keras2-model-h5/tf-fashion_my_model.h5";

test::CommandResult cli(std::vector<std::string> args) {
  args.insert(args.begin(), GRAFT_CLI_PATH);
  return test::runCommand(args);
}

const nlohmann::json* tensorByKey(const nlohmann::json& out, const std::string& key) {
  for (const auto& t : out["tensors"])
    if (t["key"] == key) return &t;
  return nullptr;
}

}  // namespace

// Expected values computed once with Debian's python3-h5py 3.7 and python3-numpy 1.24:
//   a = h5py.File(FILE)["model_weights/" + KEY][()].astype(np.float64).ravel()
//   a.min(), a.max(), a.mean(), a.std(), (a == 0).sum(), np.histogram(a, bins=N)
TEST(StatsCli, JsonMatchesNumpyOnARealKerasFile) {
  GRAFT_REAL_DATA_OR_SKIP(real);
  const auto file = (real / kFashion).string();
  const auto r = cli({"stats", file, "conv2d_6/conv2d_6/kernel:0", "conv2d/kernel:0", "--json"});
  ASSERT_EQ(r.exitCode, 0) << r.err;
  const auto out = nlohmann::json::parse(r.out);
  EXPECT_EQ(out["file"], file);
  EXPECT_EQ(out["format"], "keras2-h5");
  ASSERT_EQ(out["tensors"].size(), 2u);

  const auto& big = out["tensors"][0];  // 131,072 values: vectorized blocks on two threads
  EXPECT_EQ(big["key"], "conv2d_6/conv2d_6/kernel:0");
  EXPECT_EQ(big["path"], "conv2d_6/kernel:0");
  EXPECT_EQ(big["dtype"], "float32");
  EXPECT_EQ(big["shape"], nlohmann::json::parse("[4, 4, 64, 128]"));
  EXPECT_EQ(big["count"], 131072);
  EXPECT_DOUBLE_EQ(big["min"].get<double>(), -0.11085505038499832);
  EXPECT_DOUBLE_EQ(big["max"].get<double>(), 0.12173536419868469);
  EXPECT_NEAR(big["mean"].get<double>(), -0.0011686891163583193, 1e-12);
  EXPECT_NEAR(big["std"].get<double>(), 0.028056992089217081, 1e-9);
  EXPECT_EQ(big["zeros"], 0);
  EXPECT_EQ(big["nan"], 0);
  EXPECT_EQ(big["inf"], 0);
  EXPECT_EQ(big["histogram"]["min"], big["min"]);
  EXPECT_EQ(big["histogram"]["max"], big["max"]);
  EXPECT_EQ(big["histogram"]["counts"].get<std::vector<std::uint64_t>>(),
            (std::vector<std::uint64_t>{1, 7, 85, 585, 2682, 7309, 12578, 16400, 18102, 17923, 17701, 16382, 12266,
                                        6459, 2169, 377, 43, 2, 0, 1}));

  const auto& small = out["tensors"][1];  // named by tree path
  EXPECT_EQ(small["key"], "conv2d/conv2d/kernel:0");
  EXPECT_DOUBLE_EQ(small["min"].get<double>(), -0.16131758689880371);
  EXPECT_DOUBLE_EQ(small["max"].get<double>(), 0.15237537026405334);
  EXPECT_NEAR(small["mean"].get<double>(), 0.0083612740009913165, 1e-12);
  EXPECT_NEAR(small["std"].get<double>(), 0.084195094471324602, 1e-9);
  EXPECT_EQ(small["histogram"]["counts"].get<std::vector<std::uint64_t>>(),
            (std::vector<std::uint64_t>{3, 8, 18, 14, 8, 17, 23, 8, 9, 17, 9, 19, 13, 25, 20, 16, 18, 15, 22, 6}));
}

TEST(StatsCli, BinsOptionSetsTheHistogramResolution) {
  GRAFT_REAL_DATA_OR_SKIP(real);
  const auto r = cli({"stats", (real / kFashion).string(), "conv2d_6/conv2d_6/kernel:0", "--bins", "256", "--json"});
  ASSERT_EQ(r.exitCode, 0) << r.err;
  const auto counts = nlohmann::json::parse(r.out)["tensors"][0]["histogram"]["counts"].get<std::vector<std::uint64_t>>();
  // numpy: np.histogram(a, bins=256): 201 non-empty bins, the fullest is bin 129 with 1484.
  ASSERT_EQ(counts.size(), 256u);
  EXPECT_EQ(std::accumulate(counts.begin(), counts.end(), std::uint64_t{0}), 131072u);
  EXPECT_EQ(std::count_if(counts.begin(), counts.end(), [](std::uint64_t c) { return c > 0; }), 201);
  EXPECT_EQ(std::max_element(counts.begin(), counts.end()) - counts.begin(), 129);
  EXPECT_EQ(counts[129], 1484u);
  EXPECT_EQ(std::vector<std::uint64_t>(counts.begin(), counts.begin() + 8), (std::vector<std::uint64_t>{1, 0, 0, 0, 0, 0, 0, 0}));
}

TEST(StatsCli, WithoutNamesEveryVariableIsSummarized) {
  GRAFT_REAL_DATA_OR_SKIP(real);
  const auto r = cli({"stats", (real / kFashion).string(), "--json"});
  ASSERT_EQ(r.exitCode, 0) << r.err;
  const auto out = nlohmann::json::parse(r.out);
  EXPECT_EQ(out["tensors"].size(), 44u);
  const auto* variance = tensorByKey(out, "batch_normalization/batch_normalization/moving_variance:0");
  ASSERT_NE(variance, nullptr);
  EXPECT_DOUBLE_EQ((*variance)["min"].get<double>(), 0.0080335000529885292);
  EXPECT_NEAR((*variance)["std"].get<double>(), 0.0087881709427719192, 1e-10);
}

TEST(StatsCli, HumanOutputShowsSummaryAndHistogramBars) {
  GRAFT_REAL_DATA_OR_SKIP(real);
  const auto r = cli({"stats", (real / kFashion).string(), "conv2d/conv2d/kernel:0"});
  ASSERT_EQ(r.exitCode, 0) << r.err;
  EXPECT_NE(r.out.find("tf-fashion_my_model.h5  [keras2-h5]  1 tensor"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("conv2d/conv2d/kernel:0  (3, 3, 1, 32)  float32  288 values"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("min -0.161318  max 0.152375  mean 0.00836127  std 0.0841951"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("zeros 0  NaN 0  inf 0"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("histogram: 20 bins"), std::string::npos) << r.out;
  // The fullest bin (25 values) gets the full 40-cell bar.
  EXPECT_NE(r.out.find("0.042583 ████████████████████████████████████████ 25"), std::string::npos) << r.out;
}

TEST(StatsCli, UnknownNameIsAOneLineErrorNamingTheFile) {
  GRAFT_REAL_DATA_OR_SKIP(real);
  const auto file = (real / kFashion).string();
  const auto r = cli({"stats", file, "conv2d/conv2d/kernel:0", "no/such:0"});
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_TRUE(r.out.empty()) << r.out;  // names are checked before anything is printed
  EXPECT_EQ(r.err, "graft-cli: error: " + file + ": no variable 'no/such:0'\n");
}

TEST(StatsCli, BadBinsIsAUsageError) {
  GRAFT_REAL_DATA_OR_SKIP(real);
  for (const char* bins : {"0", "-3", "many"}) {
    const auto r = cli({"stats", (real / kFashion).string(), "--bins", bins});
    EXPECT_EQ(r.exitCode, 2) << bins << ": " << r.err;
    EXPECT_TRUE(r.out.empty()) << r.out;
    EXPECT_NE(r.err.find("--bins"), std::string::npos) << r.err;
  }
}
