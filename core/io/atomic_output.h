#pragma once
// A temporary file beside the destination that becomes the destination only on commit();
// otherwise it is removed. A cancelled or failed export leaves nothing behind.

#include <filesystem>

namespace graft {

class AtomicOutput {
 public:
  // Throws graft::Error naming the destination when its folder is missing or not writable.
  explicit AtomicOutput(std::filesystem::path destination);
  ~AtomicOutput();  // removes the temporary file unless committed
  AtomicOutput(const AtomicOutput&) = delete;
  AtomicOutput& operator=(const AtomicOutput&) = delete;

  const std::filesystem::path& temporaryPath() const { return temp_; }
  const std::filesystem::path& destination() const { return destination_; }
  // Renames the temporary file over the destination; with durable, fsyncs it first so the
  // result also survives a power loss (a killed process never leaves a partial file anyway).
  void commit(bool durable);

 private:
  std::filesystem::path destination_;
  std::filesystem::path temp_;
  bool committed_ = false;
};

}  // namespace graft
