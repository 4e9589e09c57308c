#pragma once
// A one-line progress bar on stderr, drawn only when stderr is a terminal.

#include <chrono>
#include <string>

#include "merge/exporter.h"

namespace graft::cli {

class ProgressBar {
 public:
  explicit ProgressBar(bool quiet);
  void update(const ExportProgress& p);
  void finish();

 private:
  bool enabled_;
  std::chrono::steady_clock::time_point last_{};
  std::chrono::steady_clock::time_point start_;
  bool drawn_ = false;
};

}  // namespace graft::cli
