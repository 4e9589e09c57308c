#pragma once
// Writes the result of a plan: every tensor streamed from its file through its transforms
// into the writer in bounded chunks, to a temporary file beside the destination that is
// renamed into place only when everything (including verification) succeeded.

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "formats/checkpoint_format.h"
#include "io/error.h"
#include "merge/merge_evaluation.h"

namespace graft {

struct ExportProgress {
  std::uint64_t bytesDone = 0;
  std::uint64_t bytesTotal = 0;
  std::size_t tensorsDone = 0;
  std::size_t tensorsTotal = 0;
  std::string current;  // key of the tensor being written ("verifying <key>" while verifying)
};

struct ExportOptions {
  bool verify = true;                                     // re-open the result and compare every tensor
  bool durable = false;                                   // fsync before the rename (survives power loss)
  const CheckpointFormat* format = nullptr;               // default: the target's format
  std::function<void(const ExportProgress&)> progress;    // called from the exporting thread
  const std::atomic<bool>* cancel = nullptr;              // set to stop; the export throws ExportCancelled
  std::size_t chunkBytes = 8u << 20;
  std::uint64_t shardBytes = 0;                           // largest output shard, where the format shards; 0: its default
};

struct ExportReport {
  std::filesystem::path output;
  std::size_t tensors = 0;
  std::uint64_t bytes = 0;
  double seconds = 0;
  bool verified = false;
  std::vector<std::string> warnings;
};

class ExportCancelled : public Error {
 public:
  ExportCancelled() : Error("export cancelled") {}
};

// Throws graft::Error (the destination untouched, no temporary file left) when the
// evaluation has conflicts, the output is one of the inputs, a read or write fails, or
// verification finds a difference; ExportCancelled when cancelled.
ExportReport exportMerge(const Checkpoint& source, const Checkpoint& target, const MergeEvaluation& evaluation,
                         const std::filesystem::path& output, const ExportOptions& options = {});

}  // namespace graft
