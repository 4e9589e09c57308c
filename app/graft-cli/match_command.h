#pragma once
#include <CLI/CLI.hpp>
#include <functional>
namespace graft::cli {
// `graft-cli match SOURCE TARGET [--strategy S] [--rule 'RE=>REPL']... [--take REGEX] [--json]`
void addMatchCommand(CLI::App& app, std::function<int()>& run);
}  // namespace graft::cli
