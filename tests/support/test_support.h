#pragma once
// Shared helpers for Graft's tests: where the real checkpoints are, temp folders, running
// graft-cli as a user would.

#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace graft::test {

// $GRAFT_REAL_TESTDATA, else ../shared/testdata/real beside the source tree; nullopt if absent.
std::optional<std::filesystem::path> realTestData();
bool runningInCI();  // CI=true: missing real data is a failure, not a skip

// A fresh folder removed with everything in it when the object dies.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

struct CommandResult {
  int exitCode = -1;  // 128 + N when killed by signal N; -1 when it ran out of time
  std::string out;
  std::string err;
};
// Runs argv[0] with arguments, no shell; captures stdout and stderr. With a timeout (seconds),
// a run that takes longer is killed and reported with exitCode -1.
CommandResult runCommand(const std::vector<std::string>& argv, double timeoutSeconds = 0);

// Starts argv[0] with arguments, no shell, stdin from /dev/null and stdout / stderr into the
// given files (/dev/null by default); returns its pid.
int spawnProcess(const std::vector<std::string>& argv, const std::string& outPath = "/dev/null",
                 const std::string& errPath = "/dev/null");
// Waits for pid: its exit code, 128 + N when signal N killed it, or -1 after timeoutSeconds
// (> 0), when it is killed.
int waitForExit(int pid, double timeoutSeconds = 0);

void writeFile(const std::filesystem::path& path, const std::string& bytes);
std::string readFile(const std::filesystem::path& path);
// Writes `value` into bytes[at, at + n) least significant byte first, as HDF5 stores numbers.
void putLittleEndian(std::string& bytes, std::size_t at, std::uint64_t value, unsigned n);

}  // namespace graft::test

// Binds `var` to the real test data folder, or skips (fails under CI=true) when it is missing.
#define GRAFT_REAL_DATA_OR_SKIP(var)                                                          \
  const auto var##_opt = ::graft::test::realTestData();                                        \
  if (!var##_opt) {                                                                            \
    if (::graft::test::runningInCI()) FAIL() << "real test data missing (CI=true): set GRAFT_REAL_TESTDATA"; \
    GTEST_SKIP() << "real test data not found: set GRAFT_REAL_TESTDATA or place ../shared/testdata/real"; \
  }                                                                                            \
  const std::filesystem::path var = *var##_opt
