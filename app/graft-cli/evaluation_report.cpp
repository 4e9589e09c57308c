#include "evaluation_report.h"

#include <algorithm>
#include <ostream>

namespace graft::cli {
namespace {
constexpr SlotStatus kStatuses[] = {SlotStatus::Replaced,      SlotStatus::Converted,     SlotStatus::Added,
                                    SlotStatus::Dropped,       SlotStatus::Unchanged,     SlotStatus::ConflictShape,
                                    SlotStatus::ConflictDType, SlotStatus::ConflictMissing};
}

std::string evaluationSummary(const MergeEvaluation& e) {
  std::string s;
  for (SlotStatus st : kStatuses)
    if (const std::size_t n = e.count(st)) s += (s.empty() ? "" : ", ") + std::to_string(n) + " " + std::string(slotStatusName(st));
  if (!e.problems.empty()) s += (s.empty() ? "" : ", ") + std::to_string(e.problems.size()) + " plan problem(s)";
  return s.empty() ? "nothing to do" : s;
}

nlohmann::ordered_json evaluationJson(const MergePlan& plan, const MergeEvaluation& e) {
  nlohmann::ordered_json j;
  j["source"] = plan.source.string();
  j["target"] = plan.target.string();
  j["operations"] = nlohmann::ordered_json::array();
  for (const auto& op : plan.operations) {
    nlohmann::ordered_json o;
    o["op"] = std::string(operationKindName(op.kind));
    o["source"] = op.source;
    o["target"] = op.target;
    if (!op.transforms.empty()) o["transforms"] = describeTransforms(op.transforms);
    o["reason"] = op.reason;
    j["operations"].push_back(std::move(o));
  }
  j["slots"] = nlohmann::ordered_json::array();
  for (const auto& s : e.slots) {
    nlohmann::ordered_json o;
    o["path"] = s.path;
    o["key"] = s.outputKey;
    o["status"] = std::string(slotStatusName(s.status));
    if (s.source) o["from"] = s.source->path();
    if (!s.transforms.empty()) o["transforms"] = describeTransforms(s.transforms);
    o["message"] = s.message;
    j["slots"].push_back(std::move(o));
  }
  j["problems"] = nlohmann::ordered_json::array();
  for (const auto& p : e.problems) j["problems"].push_back(p.message);
  nlohmann::ordered_json counts;
  for (SlotStatus st : kStatuses) counts[std::string(slotStatusName(st))] = e.count(st);
  j["summary"] = counts;
  j["conflicts"] = e.conflictCount();
  return j;
}

void printEvaluation(std::ostream& out, const MergePlan& plan, const MergeEvaluation& e) {
  out << "Proposed operations (" << plan.operations.size() << "):\n";
  std::size_t w = 0;
  for (const auto& op : plan.operations) w = std::max(w, op.source.size());
  for (const auto& op : plan.operations)
    out << "  " << op.source << std::string(w - op.source.size(), ' ') << "  →  " << op.target
        << (op.transforms.empty() ? "" : "  [" + describeTransforms(op.transforms) + "]") << "   (" << op.reason << ")\n";
  out << "Result:\n";
  std::size_t pw = 0;
  for (const auto& s : e.slots) pw = std::max(pw, s.path.size());
  for (const auto& s : e.slots) {
    const std::string status(slotStatusName(s.status));
    out << "  " << status << std::string(17 - std::min<std::size_t>(17, status.size()), ' ') << s.path;
    if (isConflict(s.status))
      out << "\n    " << s.message;
    else if (s.source)
      out << std::string(pw - s.path.size(), ' ') << "  ← " << s.source->path()
          << (s.transforms.empty() ? "" : " [" + describeTransforms(s.transforms) + "]");
    out << '\n';
  }
  for (const auto& p : e.problems) out << "  problem: " << p.message << '\n';
  out << "Summary: " << evaluationSummary(e) << '\n';
}

void printConflicts(std::ostream& out, const MergeEvaluation& e) {
  for (const auto& s : e.slots)
    if (isConflict(s.status)) out << "conflict: " << s.message << '\n';
  for (const auto& p : e.problems) out << "conflict: " << p.message << '\n';
}

}  // namespace graft::cli
