#include "libhdf5_report.h"

#include <filesystem>

#include "test_support.h"

namespace graft::test {

bool reportIsLibhdf5sOwn(const std::string& report) {
  TempDir dir;
  writeFile(dir / "report.txt", report);
  const auto rule = std::filesystem::path(GRAFT_SOURCE_DIR) / "fuzz" / "libhdf5_report.awk";
  return runCommand({"/usr/bin/awk", "-f", rule.string(), (dir / "report.txt").string()}, 30).exitCode == 0;
}

}  // namespace graft::test
