#pragma once
// Proposes plan operations pairing source variables with target slots, each with the
// reason it matched (design.md, Merge: name, normalized name, order, shape, rename rules).

#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "checkpoint/checkpoint.h"
#include "merge/merge_plan.h"

namespace graft {

enum class MatchStrategy { Name, Normalized, Order, Shape };
std::optional<MatchStrategy> matchStrategyFromName(const std::string& name);  // "name", "normalized", "order", "shape"

// "RE=>REPLACEMENT", applied to source names before comparing (ECMAScript regex, $1 groups).
struct RenameRule {
  std::string text;
  std::regex pattern;
  std::string replacement;
  static RenameRule parse(const std::string& text);  // throws graft::Error on bad syntax
};

struct MatchOptions {
  MatchStrategy strategy = MatchStrategy::Normalized;
  std::vector<RenameRule> rules;
  std::optional<std::regex> take;  // only source variables whose path or key matches
};

// Copy (or, for the order strategy, copy-layer) operations; model weights only, never
// optimizer state. The target paths are the target's own.
std::vector<Operation> proposeMatches(const Checkpoint& source, const Checkpoint& target, const MatchOptions& options);

// A plan of the proposals, ready to evaluate or export.
MergePlan planFromMatches(const Checkpoint& source, const Checkpoint& target, const MatchOptions& options);

}  // namespace graft
