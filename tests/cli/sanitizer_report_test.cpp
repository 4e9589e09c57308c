// The rule that counts a sanitizer report as libhdf5's own bug (fuzz/libhdf5_report.awk) decides
// what a fuzz run calls a finding, so it is tested on real reports (tests/cli/sanitizer-reports/).

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "libhdf5_report.h"
#include "test_support.h"

using namespace graft;
namespace fs = std::filesystem;

namespace {

// Checks every report in tests/cli/sanitizer-reports/FOLDER; returns how many there were.
int expectEveryReportIn(const std::string& folder, bool libhdf5sOwn) {
  int reports = 0;
  for (const auto& e : fs::directory_iterator(fs::path(GRAFT_SOURCE_DIR) / "tests" / "cli" / "sanitizer-reports" / folder)) {
    ++reports;
    EXPECT_EQ(test::reportIsLibhdf5sOwn(test::readFile(e.path())), libhdf5sOwn) << e.path().filename();
  }
  return reports;
}

}  // namespace

TEST(SanitizerReports, FaultsInsideLibhdf5OnItsOwnMemoryAreLibhdf5s) {
  EXPECT_GE(expectEveryReportIn("libhdf5", true), 7);
}

// A fault inside libhdf5 on memory Graft allocated (a buffer too small for what Graft asked it to
// read), and any UBSan report, are Graft's and must stop a fuzz run.
TEST(SanitizerReports, FaultsOnGraftsMemoryOrInGraftsCodeAreGrafts) {
  EXPECT_GE(expectEveryReportIn("graft", false), 3);
}

TEST(SanitizerReports, NoReportIsNotCountedAsLibhdf5s) {
  EXPECT_FALSE(test::reportIsLibhdf5sOwn(""));
  EXPECT_FALSE(test::reportIsLibhdf5sOwn("INFO: Seed: 1\nDone 1000 runs in 2 second(s)\n"));
}
