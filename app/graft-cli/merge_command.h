#pragma once
#include <CLI/CLI.hpp>
#include <functional>
namespace graft::cli {
// `graft-cli merge SOURCE TARGET -o OUT [--strategy S] [--rule ...] [--take REGEX]
//     [--on-conflict fail|skip|slice|pad] [--no-verify] [--save-plan P]`
// `graft-cli merge --plan PLAN.json [-o OUT] [--no-verify]`
void addMergeCommand(CLI::App& app, std::function<int()>& run);
}  // namespace graft::cli
