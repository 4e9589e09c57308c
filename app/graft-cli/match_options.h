#pragma once
// --strategy / --rule / --take, shared by `match` and `merge`.

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

#include "merge/matcher.h"

namespace graft::cli {

struct MatchArgs {
  std::string strategy = "normalized";
  std::vector<std::string> rules;
  std::string take;
};

void addMatchOptions(CLI::App& command, MatchArgs& args);
// Throws UsageError for an unknown strategy, a malformed rule or a bad regex.
MatchOptions toMatchOptions(const MatchArgs& args);

}  // namespace graft::cli
