#pragma once

#include <CLI/CLI.hpp>

#include <functional>

namespace graft::cli {

// `graft-cli stats FILE [NAME...] [--bins N] [--json]`: count, min, max, mean, std, zeros,
// NaN, inf and a histogram of each named variable (native key or tree path), or of all.
void addStatsCommand(CLI::App& app, std::function<int()>& run);

}  // namespace graft::cli
