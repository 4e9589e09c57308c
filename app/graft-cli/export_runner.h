#pragma once
// Runs an export with the CLI's progress bar and prints the one-line summary.

#include <filesystem>
#include <string>

#include "merge/exporter.h"

namespace graft::cli {

// The format an export writes: `option` (--format) when given; otherwise `like`'s, unless
// OUT's name asks for another writable format ("b.safetensors" from a Keras file). nullptr keeps
// `like`'s format. A name two formats share (".h5" from a PyTorch file) is a UsageError.
const CheckpointFormat* outputFormat(const std::string& option, const Checkpoint& like, const std::filesystem::path& output, bool quiet);

int exportWithProgress(const Checkpoint& source, const Checkpoint& target, const MergeEvaluation& evaluation,
                       const std::filesystem::path& output, bool verify, bool quiet, bool durable, const CheckpointFormat* format = nullptr,
                       std::uint64_t shardBytes = 0);

}  // namespace graft::cli
