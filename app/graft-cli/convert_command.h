#pragma once
#include <CLI/CLI.hpp>
#include <functional>
namespace graft::cli {
// `graft-cli convert IN OUT [--format F] [--no-verify]`: an identity plan.
void addConvertCommand(CLI::App& app, std::function<int()>& run);
}  // namespace graft::cli
