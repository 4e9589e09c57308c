#include "match_options.h"

#include "cli_context.h"
#include "io/error.h"

namespace graft::cli {

void addMatchOptions(CLI::App& command, MatchArgs& args) {
  command.add_option("--strategy", args.strategy, "How to pair variables: name, normalized, order, shape")
      ->capture_default_str();
  command.add_option("--rule", args.rules, "Rename rule 'REGEX=>REPLACEMENT' applied to source names first (repeatable)");
  command.add_option("--take", args.take, "Only take source variables whose path or key matches this regex");
}

MatchOptions toMatchOptions(const MatchArgs& args) {
  MatchOptions o;
  const auto strategy = matchStrategyFromName(args.strategy);
  if (!strategy) throw UsageError{"--strategy must be name, normalized, order or shape, not '" + args.strategy + "'"};
  o.strategy = *strategy;
  for (const auto& r : args.rules) {
    try {
      o.rules.push_back(RenameRule::parse(r));
    } catch (const Error& e) {
      throw UsageError{std::string("--rule: ") + e.what()};
    }
  }
  if (!args.take.empty()) {
    try {
      o.take.emplace(args.take, std::regex::ECMAScript);
    } catch (const std::regex_error& e) {
      throw UsageError{"--take: invalid regular expression '" + args.take + "': " + e.what()};
    }
  }
  return o;
}

}  // namespace graft::cli
