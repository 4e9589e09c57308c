#include "convert_command.h"

#include <cstdio>
#include <memory>

#include "cli_context.h"
#include "export_runner.h"
#include "formats/format_registry.h"
#include "merge/layout_conversion.h"

namespace graft::cli {
namespace {

struct ConvertArgs {
  std::string input, output, format, layout, dtype;
  bool noVerify = false, quiet = false, sync = false;
  std::uint64_t shardBytes = 0;
};

int runConvert(const ConvertArgs& a) {
  const auto input = FormatRegistry::builtin().open(a.input);
  const CheckpointFormat* format = outputFormat(a.format, *input, a.output, a.quiet);
  MergePlan identity;
  identity.source = identity.target = input->path();
  MergeEvaluation evaluation = evaluatePlan(*input, *input, identity);
  if (!a.layout.empty()) {
    const auto layout = weightLayoutFromName(a.layout);
    if (!layout) throw UsageError{"--layout must be keras or torch, not '" + a.layout + "'"};
    const LayoutReport r = convertLayout(evaluation, *layout);
    if (!a.quiet)
      std::fprintf(stderr, "layout: %zu variables converted to %s conventions, %zu dropped, %zu kept%s%s\n", r.converted,
                   a.layout.c_str(), r.dropped, r.unchanged, r.note.empty() ? "" : " — ", r.note.c_str());
  }
  if (!a.dtype.empty()) {
    const auto dtype = dtypeFromName(a.dtype);
    if (!dtype || (*dtype != DType::Float16 && *dtype != DType::BFloat16 && *dtype != DType::Float32))
      throw UsageError{"--dtype must be float16, bfloat16 or float32, not '" + a.dtype + "'"};
    const std::size_t n = castFloatingTensors(evaluation, *dtype);
    if (!a.quiet) std::fprintf(stderr, "dtype: %zu floating tensors cast to %s\n", n, a.dtype.c_str());
  }
  return exportWithProgress(*input, *input, evaluation, a.output, !a.noVerify, a.quiet, a.sync, format, a.shardBytes);
}

}  // namespace

void addConvertCommand(CLI::App& app, std::function<int()>& run) {
  auto a = std::make_shared<ConvertArgs>();
  CLI::App* c = app.add_subcommand("convert", "Rewrite a checkpoint, optionally in another format");
  c->add_option("IN", a->input, "Checkpoint to read")->required();
  c->add_option("OUT", a->output, "File to write")->required();
  c->add_option("--format", a->format, "Output format id (default: the one OUT's name asks for, else the input's)");
  c->add_option("--layout", a->layout, "Convert layer conventions: keras (kernel (in, out), HWIO, gamma/beta/moving_*) or "
                                       "torch (weight (out, in), OIHW, weight/bias/running_*)");
  c->add_option("--dtype", a->dtype, "Cast every floating-point tensor: float16, bfloat16 or float32");
  c->add_option("--shard-size", a->shardBytes,
                "Largest shard of a sharded safetensors output (OUT named *.safetensors.index.json), e.g. 2GB; default 5GB")
      ->transform(CLI::AsSizeValue(true));
  c->add_flag("--no-verify", a->noVerify, "Do not re-read and compare the written file");
  c->add_flag("--sync", a->sync, "fsync the result before moving it into place (survives a power loss)");
  c->add_flag("-q,--quiet", a->quiet, "No progress bar and no summary");
  c->callback([a, &run] { run = [a] { return runConvert(*a); }; });
}

}  // namespace graft::cli
