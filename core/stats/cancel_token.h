#pragma once
// Cooperative cancellation and progress for long streaming computations run on a worker
// thread: the owner calls cancel(); the computation checks between chunks and throws
// Cancelled, so a half-finished result is never returned.

#include <atomic>
#include <cstdint>
#include <functional>
#include <stdexcept>

namespace graft {

class CancelToken {
 public:
  void cancel() { requested_.store(true, std::memory_order_relaxed); }
  bool cancelled() const { return requested_.load(std::memory_order_relaxed); }

 private:
  std::atomic<bool> requested_{false};
};

class Cancelled : public std::runtime_error {
 public:
  Cancelled() : std::runtime_error("cancelled") {}
};

// Called after each chunk with the bytes processed so far and the total to process
// (a computation making two passes over a tensor reports twice its size as total).
// Calls are serialized but may come from any of the computation's threads.
using ProgressCallback = std::function<void(std::uint64_t done, std::uint64_t total)>;

}  // namespace graft
