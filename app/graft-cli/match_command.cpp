#include "match_command.h"

#include <iostream>
#include <memory>

#include "cli_context.h"
#include "evaluation_report.h"
#include "formats/format_registry.h"
#include "match_options.h"

namespace graft::cli {
namespace {

struct MatchCommandArgs {
  std::string source, target;
  MatchArgs match;
  bool json = false;
};

int runMatch(const MatchCommandArgs& a) {
  const MatchOptions options = toMatchOptions(a.match);
  const auto source = FormatRegistry::builtin().open(a.source);
  const auto target = FormatRegistry::builtin().open(a.target);
  const MergePlan plan = planFromMatches(*source, *target, options);
  const MergeEvaluation evaluation = evaluatePlan(*source, *target, plan);
  if (a.json)
    std::cout << evaluationJson(plan, evaluation).dump(1) << '\n';
  else
    printEvaluation(std::cout, plan, evaluation);
  return kOk;
}

}  // namespace

void addMatchCommand(CLI::App& app, std::function<int()>& run) {
  auto a = std::make_shared<MatchCommandArgs>();
  CLI::App* c = app.add_subcommand("match", "Propose which source variables go into which target slots, with reasons and statuses");
  c->add_option("SOURCE", a->source, "Checkpoint to take weights from")->required();
  c->add_option("TARGET", a->target, "Checkpoint to put weights into")->required();
  addMatchOptions(*c, a->match);
  c->add_flag("--json", a->json, "Print operations and every slot's status as JSON");
  c->callback([a, &run] { run = [a] { return runMatch(*a); }; });
}

}  // namespace graft::cli
