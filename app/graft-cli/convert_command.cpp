#include "convert_command.h"

#include <memory>

#include "cli_context.h"
#include "export_runner.h"
#include "formats/format_registry.h"

namespace graft::cli {
namespace {

struct ConvertArgs {
  std::string input, output, format;
  bool noVerify = false, quiet = false, sync = false;
};

int runConvert(const ConvertArgs& a) {
  const CheckpointFormat* format = nullptr;
  if (!a.format.empty()) {
    format = FormatRegistry::builtin().find(a.format);
    if (!format || !format->createWriter()) {
      std::string writable;
      for (const auto& f : FormatRegistry::builtin().formats())
        if (f->createWriter()) writable += (writable.empty() ? "" : ", ") + f->id();
      throw UsageError{"--format '" + a.format + "' cannot be written; writable formats: " + writable};
    }
  }
  const auto input = FormatRegistry::builtin().open(a.input);
  MergePlan identity;
  identity.source = identity.target = input->path();
  const MergeEvaluation evaluation = evaluatePlan(*input, *input, identity);
  return exportWithProgress(*input, *input, evaluation, a.output, !a.noVerify, a.quiet, a.sync, format);
}

}  // namespace

void addConvertCommand(CLI::App& app, std::function<int()>& run) {
  auto a = std::make_shared<ConvertArgs>();
  CLI::App* c = app.add_subcommand("convert", "Rewrite a checkpoint, optionally in another format");
  c->add_option("IN", a->input, "Checkpoint to read")->required();
  c->add_option("OUT", a->output, "File to write")->required();
  c->add_option("--format", a->format, "Output format id (default: the input's)");
  c->add_flag("--no-verify", a->noVerify, "Do not re-read and compare the written file");
  c->add_flag("--sync", a->sync, "fsync the result before moving it into place (survives a power loss)");
  c->add_flag("-q,--quiet", a->quiet, "No progress bar and no summary");
  c->callback([a, &run] { run = [a] { return runConvert(*a); }; });
}

}  // namespace graft::cli
