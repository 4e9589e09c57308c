#pragma once
// What every subcommand shares: exit codes and the one-line error report.

#include <string>

namespace graft::cli {

enum ExitCode : int { kOk = 0, kError = 1, kUsage = 2, kConflicts = 3, kProbeRefused = 4 };

// Thrown by a subcommand for a bad argument value that CLI11 cannot see (a bad regex, ...).
struct UsageError {
  std::string message;
};

// "graft-cli: error: <message>" on stderr, one line.
void reportError(const std::string& message);

}  // namespace graft::cli
