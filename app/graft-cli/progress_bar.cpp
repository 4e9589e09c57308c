#include "progress_bar.h"

#include <unistd.h>

#include <cstdio>

#include "text/units.h"

namespace graft::cli {

ProgressBar::ProgressBar(bool quiet) : enabled_(!quiet && ::isatty(2)), start_(std::chrono::steady_clock::now()) {}

void ProgressBar::update(const ExportProgress& p) {
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  if (drawn_ && now - last_ < std::chrono::milliseconds(100) && p.bytesDone < p.bytesTotal) return;  // ~10 redraws/s
  last_ = now;
  const double fraction = p.bytesTotal ? static_cast<double>(p.bytesDone) / static_cast<double>(p.bytesTotal) : 1.0;
  const int width = 30, filled = static_cast<int>(fraction * width);
  std::string bar(static_cast<std::size_t>(filled), '#');
  bar.resize(width, '.');
  const double secs = std::chrono::duration<double>(now - start_).count();
  std::string name = p.current.size() > 40 ? "…" + p.current.substr(p.current.size() - 39) : p.current;
  std::fprintf(stderr, "\r[%s] %3.0f%%  %s / %s  %zu/%zu  %.1fs  %-40s", bar.c_str(), fraction * 100,
               humanBytes(p.bytesDone).c_str(), humanBytes(p.bytesTotal).c_str(), p.tensorsDone, p.tensorsTotal, secs,
               name.c_str());
  std::fflush(stderr);
  drawn_ = true;
}

void ProgressBar::finish() {
  if (enabled_ && drawn_) std::fprintf(stderr, "\r%*s\r", 120, "");
}

}  // namespace graft::cli
