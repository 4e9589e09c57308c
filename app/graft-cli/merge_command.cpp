#include "merge_command.h"

#include <iostream>
#include <memory>

#include "cli_context.h"
#include "evaluation_report.h"
#include "export_runner.h"
#include "formats/format_registry.h"
#include "match_options.h"
#include "merge/conflict_resolution.h"
#include "merge/plan_json.h"

namespace graft::cli {
namespace {

struct MergeArgs {
  std::string source, target, output, planFile, savePlan, onConflict = "fail";
  MatchArgs match;
  bool noVerify = false, quiet = false, sync = false;
};

int runMerge(const MergeArgs& a) {
  const auto policy = conflictPolicyFromName(a.onConflict);
  if (!policy) throw UsageError{"--on-conflict must be fail, skip, slice or pad, not '" + a.onConflict + "'"};
  MergePlan plan;
  std::unique_ptr<Checkpoint> source, target;
  if (!a.planFile.empty()) {
    if (!a.source.empty() || !a.target.empty()) throw UsageError{"give either --plan or SOURCE TARGET, not both"};
    plan = loadPlan(a.planFile);
    if (plan.source.empty() || plan.target.empty()) throw UsageError{a.planFile + ": the plan names no source or target"};
    source = FormatRegistry::builtin().open(plan.source);
    target = FormatRegistry::builtin().open(plan.target);
  } else {
    if (a.source.empty() || a.target.empty()) throw UsageError{"merge needs SOURCE and TARGET (or --plan PLAN.json)"};
    const MatchOptions options = toMatchOptions(a.match);
    source = FormatRegistry::builtin().open(a.source);
    target = FormatRegistry::builtin().open(a.target);
    plan = planFromMatches(*source, *target, options);
  }
  const std::filesystem::path output = a.output.empty() ? plan.output : std::filesystem::path(a.output);
  if (output.empty()) throw UsageError{"no output file: give -o OUT"};
  const CheckpointFormat* format = outputFormat("", *target, output, a.quiet);
  plan = resolveConflicts(plan, *source, *target, *policy);
  if (!a.savePlan.empty()) {
    plan.output = output;
    savePlan(plan, a.savePlan);
  }
  const MergeEvaluation evaluation = evaluatePlan(*source, *target, plan);
  if (evaluation.hasConflicts()) {
    printConflicts(std::cerr, evaluation);
    std::cerr << "graft-cli: " << evaluation.conflictCount() << " unresolved conflict(s); nothing was written"
              << " (use --on-conflict skip|slice|pad, or edit the plan)\n";
    return kConflicts;
  }
  if (!a.quiet) std::cout << evaluationSummary(evaluation) << '\n';
  return exportWithProgress(*source, *target, evaluation, output, !a.noVerify, a.quiet, a.sync, format);
}

}  // namespace

void addMergeCommand(CLI::App& app, std::function<int()>& run) {
  auto a = std::make_shared<MergeArgs>();
  CLI::App* c = app.add_subcommand("merge", "Write the target with source weights transplanted into it");
  c->add_option("SOURCE", a->source, "Checkpoint to take weights from");
  c->add_option("TARGET", a->target, "Checkpoint to put weights into");
  c->add_option("-o,--output", a->output, "Result file, in the target's format unless its name asks for another (written atomically; the inputs are never modified)");
  c->add_option("--plan", a->planFile, "A plan saved by the window or by --save-plan (docs/plan-format.md)");
  addMatchOptions(*c, a->match);
  c->add_option("--on-conflict", a->onConflict, "fail (default: exit 3, write nothing), skip (keep the target's tensor), "
                                                "slice or pad (fit shapes)")->capture_default_str();
  c->add_option("--save-plan", a->savePlan, "Also save the plan that was applied");
  c->add_flag("--no-verify", a->noVerify, "Do not re-read and compare the written file");
  c->add_flag("--sync", a->sync, "fsync the result before moving it into place (survives a power loss)");
  c->add_flag("-q,--quiet", a->quiet, "No progress bar and no summary");
  c->callback([a, &run] { run = [a] { return runMerge(*a); }; });
}

}  // namespace graft::cli
