#include "stats/chunk_workers.h"

#include <algorithm>
#include <exception>
#include <thread>

namespace graft {
namespace {

// Thrown in a worker when another one failed: not an error of its own.
struct Stopped {};

}  // namespace

ChunkWorkers::ChunkWorkers(TensorStream& stream, std::size_t elementBytes, const ChunkOptions& options,
                           unsigned passes)
    : stream_(stream),
      options_(options),
      chunkBytes_(std::max<std::size_t>(1, options.chunkBytes / elementBytes) * elementBytes),
      chunkCount_((stream.size() + chunkBytes_ - 1) / chunkBytes_),
      threads_(static_cast<unsigned>(std::clamp<std::uint64_t>(options.threads, 1, std::max<std::uint64_t>(1, chunkCount_)))),
      ownStreams_(threads_),
      bytesTotal_(stream.size() * passes) {}

ChunkWorkers::~ChunkWorkers() = default;

void ChunkWorkers::runOnWorkers(const std::function<void(unsigned worker)>& work) {
  std::vector<std::exception_ptr> errors(threads_);
  auto guarded = [&](unsigned worker) {
    try {
      work(worker);
    } catch (const Stopped&) {
    } catch (...) {
      errors[worker] = std::current_exception();
      stop_ = true;
    }
  };
  std::vector<std::thread> pool;
  try {
    for (unsigned w = 1; w < threads_; ++w) pool.emplace_back(guarded, w);
  } catch (...) {  // no thread: stop the ones started, then report
    errors[0] = std::current_exception();
    stop_ = true;
  }
  if (!stop_) guarded(0);
  for (auto& t : pool) t.join();
  stop_ = false;
  for (auto& e : errors)
    if (e) std::rethrow_exception(e);
}

std::size_t ChunkWorkers::readChunk(unsigned worker, std::uint64_t chunk, std::span<std::byte> buffer) {
  if (stop_) throw Stopped{};
  if (options_.cancel && options_.cancel->cancelled()) throw Cancelled();
  const std::uint64_t offset = chunk * chunkBytes_;
  const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(chunkBytes_, stream_.size() - offset));
  const auto out = buffer.first(n);
  if (worker > 0 && options_.openStream) {
    if (!ownStreams_[worker]) ownStreams_[worker] = options_.openStream();
    ownStreams_[worker]->read(offset, out);
  } else {
    const std::lock_guard lock(readMutex_);
    stream_.read(offset, out);
  }
  return n;
}

void ChunkWorkers::chunkDone(std::size_t bytes) {
  if (!options_.progress) return;
  const std::lock_guard lock(progressMutex_);
  bytesDone_ += bytes;
  options_.progress(bytesDone_, bytesTotal_);
}

}  // namespace graft
