#pragma once
// One or more passes over a tensor stream in chunks of whole elements, on a few threads.
// Worker w takes chunks w, w + threads, w + 2 * threads, ... in order, so results that each
// worker accumulates and that are merged in worker order do not depend on timing.

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <vector>

#include "checkpoint/tensor_storage.h"
#include "stats/cancel_token.h"

namespace graft {

// Opens another stream over the same tensor, so that a second thread can read in parallel.
using TensorStreamOpener = std::function<std::unique_ptr<TensorStream>()>;

struct ChunkOptions {
  // Small enough that a chunk read by one thread is still in its L2 cache when it is used.
  std::size_t chunkBytes = std::size_t{256} << 10;
  unsigned threads = 2;
  // Optional: without it the threads share the one stream, one read at a time.
  TensorStreamOpener openStream;
  const CancelToken* cancel = nullptr;
  ProgressCallback progress;
};

class ChunkWorkers {
 public:
  // passes: how many times forEachChunk will run, for the progress total.
  ChunkWorkers(TensorStream& stream, std::size_t elementBytes, const ChunkOptions& options, unsigned passes);
  ~ChunkWorkers();
  ChunkWorkers(const ChunkWorkers&) = delete;
  ChunkWorkers& operator=(const ChunkWorkers&) = delete;

  unsigned threads() const { return threads_; }
  std::uint64_t chunkCount() const { return chunkCount_; }

  // Calls fn(worker, chunk, elements) for every chunk, on the worker's thread. Element is what
  // the bytes are read into (std::byte, float or double). Throws Cancelled when the token is
  // cancelled, or the first exception a worker threw; the other workers stop at their next chunk.
  template <typename Element, typename Fn>
  void forEachChunk(Fn&& fn);

 private:
  void runOnWorkers(const std::function<void(unsigned worker)>& work);
  std::size_t readChunk(unsigned worker, std::uint64_t chunk, std::span<std::byte> buffer);
  void chunkDone(std::size_t bytes);

  TensorStream& stream_;
  ChunkOptions options_;
  std::size_t chunkBytes_;
  std::uint64_t chunkCount_;
  unsigned threads_;
  std::vector<std::unique_ptr<TensorStream>> ownStreams_;  // per worker, when options_.openStream is set
  std::mutex readMutex_;
  std::mutex progressMutex_;
  std::uint64_t bytesDone_ = 0;
  std::uint64_t bytesTotal_;
  std::atomic<bool> stop_{false};
};

template <typename Element, typename Fn>
void ChunkWorkers::forEachChunk(Fn&& fn) {
  runOnWorkers([&](unsigned worker) {
    std::vector<Element> buffer(chunkBytes_ / sizeof(Element));
    for (std::uint64_t chunk = worker; chunk < chunkCount_; chunk += threads_) {
      const std::size_t bytes = readChunk(worker, chunk, std::as_writable_bytes(std::span<Element>(buffer)));
      fn(worker, chunk, std::span<const Element>(buffer.data(), bytes / sizeof(Element)));
      chunkDone(bytes);
    }
  });
}

}  // namespace graft
