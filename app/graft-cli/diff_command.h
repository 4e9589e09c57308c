#pragma once
#include <CLI/CLI.hpp>
#include <functional>
namespace graft::cli {
// `graft-cli diff A B [--values] [--json]`: keys only in A / only in B / shape or dtype
// differences; with --values, diff metrics of every common tensor.
void addDiffCommand(CLI::App& app, std::function<int()>& run);
}  // namespace graft::cli
