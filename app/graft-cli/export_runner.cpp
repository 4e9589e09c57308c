#include "export_runner.h"

#include <iostream>

#include "cli_context.h"
#include "formats/output_name.h"
#include "progress_bar.h"
#include "text/units.h"

namespace graft::cli {
namespace {

std::string idsOf(const std::vector<const CheckpointFormat*>& formats) {
  std::string s;
  for (const auto* f : formats) s += (s.empty() ? "" : ", ") + f->id();
  return s;
}

}  // namespace

const CheckpointFormat* outputFormat(const std::string& option, const Checkpoint& like, const std::filesystem::path& output, bool quiet) {
  const FormatRegistry& registry = FormatRegistry::builtin();
  if (!option.empty()) {
    const CheckpointFormat* f = registry.find(option);
    if (!f || !f->createWriter()) {
      std::vector<const CheckpointFormat*> writable;
      for (const auto& w : registry.formats())
        if (w->createWriter()) writable.push_back(w.get());
      throw UsageError{"--format '" + option + "' cannot be written; writable formats: " + idsOf(writable)};
    }
    return f;
  }
  const OutputNameChoice choice = formatForOutputName(registry, output, registry.find(like.formatId()));
  if (!choice.tied.empty())
    throw UsageError{"the name " + output.filename().string() + " fits several formats (" + idsOf(choice.tied) + "); choose one with --format"};
  if (choice.format && !quiet) std::cerr << "format: " << choice.format->id() << ", from the name " << output.filename().string() << '\n';
  return choice.format;
}

int exportWithProgress(const Checkpoint& source, const Checkpoint& target, const MergeEvaluation& evaluation,
                       const std::filesystem::path& output, bool verify, bool quiet, bool durable, const CheckpointFormat* format,
                       std::uint64_t shardBytes) {
  ProgressBar bar(quiet);
  ExportOptions options;
  options.verify = verify;
  options.durable = durable;
  options.format = format;
  options.shardBytes = shardBytes;
  options.progress = [&bar](const ExportProgress& p) { bar.update(p); };
  ExportReport report;
  try {
    report = exportMerge(source, target, evaluation, output, options);
  } catch (...) {
    bar.finish();
    throw;
  }
  bar.finish();
  for (const auto& w : report.warnings) std::cerr << "graft-cli: warning: " << w << '\n';
  if (!quiet) {
    char rate[32];
    std::snprintf(rate, sizeof rate, "%.2f", report.seconds > 0 ? static_cast<double>(report.bytes) / report.seconds / 1e9 : 0.0);
    std::cout << "wrote " << output.string() << ": " << report.tensors << " tensors, " << humanBytes(report.bytes) << " in "
              << std::to_string(report.seconds).substr(0, 5) << " s (" << rate << " GB/s)"
              << (report.verified ? ", verified" : ", not verified") << '\n';
  }
  return kOk;
}

}  // namespace graft::cli
