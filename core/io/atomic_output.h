#pragma once
// A temporary file beside the destination that becomes the destination only on commit();
// otherwise it is removed. A cancelled or failed export leaves nothing behind.

#include <filesystem>
#include <utility>
#include <vector>

namespace graft {

class AtomicOutput {
 public:
  // Throws graft::Error naming the destination when its folder is missing or not writable.
  explicit AtomicOutput(std::filesystem::path destination);
  ~AtomicOutput();  // removes the temporary file unless committed
  AtomicOutput(const AtomicOutput&) = delete;
  AtomicOutput& operator=(const AtomicOutput&) = delete;

  // Ends with the destination's suffixes (all after its first dot), so a format that finds companion files by the
  // main file's name (PREFIX.index -> PREFIX.data-...) can reopen the temporary result.
  const std::filesystem::path& temporaryPath() const { return temp_; }
  // Another file written beside the temporary one that moves to `destination` on commit
  // (before the main file, so the main file appears last) and is removed otherwise.
  void addCompanion(std::filesystem::path temporary, std::filesystem::path destination);
  const std::filesystem::path& destination() const { return destination_; }
  // Renames the temporary file over the destination; with durable, fsyncs it first so the
  // result also survives a power loss (a killed process never leaves a partial file anyway).
  void commit(bool durable);

 private:
  std::filesystem::path destination_;
  std::filesystem::path temp_;
  std::vector<std::pair<std::filesystem::path, std::filesystem::path>> companions_;
  bool committed_ = false;
};

}  // namespace graft
