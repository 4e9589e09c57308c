#pragma once
// Runs an export with the CLI's progress bar and prints the one-line summary.

#include <filesystem>

#include "merge/exporter.h"

namespace graft::cli {

int exportWithProgress(const Checkpoint& source, const Checkpoint& target, const MergeEvaluation& evaluation,
                       const std::filesystem::path& output, bool verify, bool quiet, bool durable, const CheckpointFormat* format = nullptr,
                       std::uint64_t shardBytes = 0);

}  // namespace graft::cli
