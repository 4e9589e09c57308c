// Every real checkpoint Graft reads must list exactly like its independent golden listing:
// keys, dtypes, shapes and the sha256 of every tensor's bytes.

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "checkpoint/listing.h"
#include "formats/format_registry.h"
#include "golden_listing.h"
#include "test_support.h"

using namespace graft;
using graft::test::matchesGolden;
namespace fs = std::filesystem;

namespace {

std::vector<fs::path> keras2Files(const fs::path& real) {
  std::vector<fs::path> files;
  for (const char* dir : {"keras2-weights-h5", "keras2-model-h5"})
    for (const auto& e : fs::directory_iterator(real / dir)) files.push_back(fs::relative(e.path(), real));
  std::sort(files.begin(), files.end());
  return files;
}


}  // namespace

TEST(Keras2Golden, EveryRealKeras2FileMatchesItsGolden) {
  GRAFT_REAL_DATA_OR_SKIP(real);
  const auto files = keras2Files(real);
  ASSERT_EQ(files.size(), 12u) << "the real test set has 4 save_weights and 8 model.save Keras 2 files";
  int matched = 0;
  for (const auto& rel : files) matched += matchesGolden(real, rel);
  EXPECT_EQ(matched, 12);
}

TEST(TensorBundleGolden, EveryRealTensorFlowCheckpointMatchesItsGolden) {
  GRAFT_REAL_DATA_OR_SKIP(real);
  std::vector<fs::path> files;
  for (const auto& f : test::realBundleIndexes(real)) files.push_back(fs::relative(f, real));
  ASSERT_EQ(files.size(), 9u) << "the real test set has 4 TF1, 4 TF2 and 1 partial bundle";
  int matched = 0;
  for (const auto& rel : files) matched += matchesGolden(real, rel);
  EXPECT_EQ(matched, 9);
}

TEST(TensorBundleGolden, OpensFromThePrefixADataShardTheFolderAndASavedModel) {
  GRAFT_REAL_DATA_OR_SKIP(real);
  const fs::path gan = "tf2-checkpoint/vince_gan_ckpt-1/ckpt-1.index";
  EXPECT_TRUE(matchesGolden(real, gan, real / "tf2-checkpoint/vince_gan_ckpt-1/ckpt-1"));
  EXPECT_TRUE(matchesGolden(real, gan, real / "tf2-checkpoint/vince_gan_ckpt-1/ckpt-1.data-00001-of-00002"));
  const fs::path estimator = "tf1-checkpoint/leyankoh_estimator_linear/model.ckpt-200.index";
  // The folder's `checkpoint` state file names model.ckpt-200.
  EXPECT_TRUE(matchesGolden(real, estimator, real / "tf1-checkpoint/leyankoh_estimator_linear"));
  EXPECT_TRUE(matchesGolden(real, estimator, real / "tf1-checkpoint/leyankoh_estimator_linear/checkpoint"));
  const fs::path saved = "tf2-checkpoint/rust_regression_savedmodel/variables.index";
  EXPECT_TRUE(matchesGolden(real, saved, real / "tf2-checkpoint/rust_regression_savedmodel"));
  // A SavedModel folder: its variables live in variables/variables.*.
  test::TempDir model;
  fs::create_directories(model / "variables");
  for (const auto& e : fs::directory_iterator(real / "tf2-checkpoint/serving_half_plus_two_tf2_cpu"))
    fs::copy_file(e.path(), model.path() / "variables" / e.path().filename());
  EXPECT_TRUE(matchesGolden(real, "tf2-checkpoint/serving_half_plus_two_tf2_cpu/variables.index", model.path()));
}

TEST(Listing, TextWrittenDirectlyIsTheJsonListing) {
  GRAFT_REAL_DATA_OR_SKIP(real);
  for (const char* rel : {"keras2-model-h5/dl4j_keras-attention.h5", "keras2-model-h5/dl4j_convlstm2d_0.h5"}) {
    const auto ckpt = FormatRegistry::builtin().open(real / rel);
    for (bool checksums : {false, true}) {
      ListingOptions options;
      options.checksums = checksums;
      const std::string direct = listingText(*ckpt, options);
      EXPECT_EQ(direct, listingText(listingJson(*ckpt, options))) << rel;
      EXPECT_EQ(nlohmann::ordered_json::parse(direct), listingJson(*ckpt, options)) << rel;
    }
  }
  ListingOptions none;
  none.filter = std::regex("nothing-matches-this");
  const auto ckpt = FormatRegistry::builtin().open(real / "keras2-model-h5/dl4j_keras-attention.h5");
  EXPECT_EQ(listingText(*ckpt, none), listingText(listingJson(*ckpt, none)));
}
