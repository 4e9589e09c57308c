#pragma once
// Plans as JSON files (docs/plan-format.md), the same for the window and `graft-cli merge --plan`.

#include <filesystem>
#include <string>

#include "merge/merge_plan.h"

namespace graft {

inline constexpr int kPlanFormatVersion = 1;

// Checkpoint paths are written relative to planFile's folder where possible.
std::string planToJson(const MergePlan& plan, const std::filesystem::path& planFile);
void savePlan(const MergePlan& plan, const std::filesystem::path& planFile);

// Relative checkpoint paths resolve against planFile's folder. Throws graft::Error naming
// the file and what is wrong (bad JSON, unknown operation, newer format version, ...).
MergePlan planFromJson(const std::string& json, const std::filesystem::path& planFile);
MergePlan loadPlan(const std::filesystem::path& planFile);

}  // namespace graft
