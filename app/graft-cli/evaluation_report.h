#pragma once
// How `match` and `merge` show a plan's evaluation: a table for people, JSON for tools.

#include <nlohmann/json.hpp>

#include <iosfwd>

#include "merge/merge_evaluation.h"

namespace graft::cli {

nlohmann::ordered_json evaluationJson(const MergePlan& plan, const MergeEvaluation& evaluation);
void printEvaluation(std::ostream& out, const MergePlan& plan, const MergeEvaluation& evaluation);
// Every conflict and plan-level problem, one per line.
void printConflicts(std::ostream& out, const MergeEvaluation& evaluation);
// "12 replaced, 2 converted, 30 unchanged, 1 conflict"
std::string evaluationSummary(const MergeEvaluation& evaluation);

}  // namespace graft::cli
