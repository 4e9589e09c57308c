#pragma once

#include <CLI/CLI.hpp>

#include <functional>

namespace graft::cli {

// `graft-cli ls FILE [--json] [--checksums] [--filter REGEX] [--depth N]`
// Registers the subcommand; `run` is set to the action to perform when it was chosen.
void addLsCommand(CLI::App& app, std::function<int()>& run);

}  // namespace graft::cli
