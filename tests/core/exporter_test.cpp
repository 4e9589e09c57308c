// Exports are atomic: cancel or failure leaves no output and never touches the inputs.

#include <gtest/gtest.h>

#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include "checkpoint/listing.h"
#include "formats/format_registry.h"
#include "merge/exporter.h"
#include "test_support.h"

using namespace graft;
namespace fs = std::filesystem;

namespace {

const char* kCnn = "keras2-model-h5/tf-fashion_my_model.h5";

bool folderHasOnly(const fs::path& dir, std::size_t count) {
  return static_cast<std::size_t>(std::distance(fs::directory_iterator(dir), fs::directory_iterator())) == count;
}

MergeEvaluation identity(const Checkpoint& c) {
  MergePlan plan;
  return evaluatePlan(c, c, plan);
}

}  // namespace

TEST(Exporter, IdentityExportListsLikeTheInput) {
  GRAFT_REAL_DATA_OR_SKIP(real);
  test::TempDir dir;
  const auto in = FormatRegistry::builtin().open(real / kCnn);
  std::vector<ExportProgress> seen;
  ExportOptions options;
  options.progress = [&](const ExportProgress& p) { seen.push_back(p); };
  const ExportReport report = exportMerge(*in, *in, identity(*in), dir / "copy.h5", options);
  EXPECT_EQ(report.tensors, 44u);
  EXPECT_TRUE(report.verified);
  ASSERT_FALSE(seen.empty());
  EXPECT_EQ(seen.back().tensorsDone, 44u);
  EXPECT_EQ(seen.back().bytesDone, seen.back().bytesTotal);
  const auto out = FormatRegistry::builtin().open(dir / "copy.h5");
  ListingOptions lo;
  lo.checksums = true;
  EXPECT_EQ(listingJson(*out, lo), listingJson(*in, lo));
  EXPECT_EQ(out->formatAttributes().get("model_config"), in->formatAttributes().get("model_config"));
  EXPECT_TRUE(folderHasOnly(dir.path(), 1));  // no temporary file left over
}

TEST(Exporter, CancelAtAnyPointLeavesNoOutput) {
  GRAFT_REAL_DATA_OR_SKIP(real);
  test::TempDir dir;
  const auto in = FormatRegistry::builtin().open(real / kCnn);
  const auto evaluation = identity(*in);
  for (int stopAfter : {0, 1, 10, 43, 60}) {
    std::atomic<bool> cancel{stopAfter == 0};
    int calls = 0;
    ExportOptions options;
    options.cancel = &cancel;
    options.progress = [&](const ExportProgress&) {
      if (++calls >= stopAfter) cancel = true;
    };
    EXPECT_THROW(exportMerge(*in, *in, evaluation, dir / "out.h5", options), ExportCancelled) << stopAfter;
    EXPECT_TRUE(folderHasOnly(dir.path(), 0)) << "after cancelling at call " << stopAfter;
  }
}

TEST(Exporter, DiskFullLeavesNoOutputAndAClearError) {
  GRAFT_REAL_DATA_OR_SKIP(real);
  test::TempDir dir;
  const auto in = FormatRegistry::builtin().open(real / kCnn);
  const auto evaluation = identity(*in);
  // A file-size limit makes writes fail with EFBIG, like a full disk (the signal is ignored).
  struct rlimit old {};
  getrlimit(RLIMIT_FSIZE, &old);
  auto previous = signal(SIGXFSZ, SIG_IGN);
  struct rlimit small = old;
  small.rlim_cur = 200 * 1024;
  setrlimit(RLIMIT_FSIZE, &small);
  std::string message;
  try {
    exportMerge(*in, *in, evaluation, dir / "out.h5");
  } catch (const Error& e) {
    message = e.what();
  }
  setrlimit(RLIMIT_FSIZE, &old);
  signal(SIGXFSZ, previous);
  EXPECT_EQ(message.rfind((dir / "out.h5").string() + ": ", 0), 0u) << message;
  EXPECT_TRUE(folderHasOnly(dir.path(), 0));
}

TEST(Exporter, RefusesToWriteIntoAnInputOrAMissingFolder) {
  GRAFT_REAL_DATA_OR_SKIP(real);
  test::TempDir dir;
  fs::copy_file(real / kCnn, dir / "model.h5");
  const auto in = FormatRegistry::builtin().open(dir / "model.h5");
  const std::string before = test::readFile(dir / "model.h5");
  try {
    exportMerge(*in, *in, identity(*in), dir / "model.h5");
    FAIL() << "wrote over its input";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("is one of the merge's inputs"), std::string::npos) << e.what();
  }
  EXPECT_EQ(test::readFile(dir / "model.h5"), before);
  EXPECT_THROW(exportMerge(*in, *in, identity(*in), dir / "no" / "such" / "out.h5"), Error);
}

TEST(Exporter, ReadOnlyDestinationFolderGivesAClearError) {
  GRAFT_REAL_DATA_OR_SKIP(real);
  if (geteuid() == 0) GTEST_SKIP() << "root writes into read-only folders; the disk-full test covers failing writes";
  test::TempDir dir;
  fs::create_directory(dir / "ro");
  fs::permissions(dir / "ro", fs::perms::owner_read | fs::perms::owner_exec);
  const auto in = FormatRegistry::builtin().open(real / kCnn);
  try {
    exportMerge(*in, *in, identity(*in), dir / "ro" / "out.h5");
    FAIL() << "wrote into a read-only folder";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("cannot create a file in its folder"), std::string::npos) << e.what();
  }
}
