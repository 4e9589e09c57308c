#pragma once
// Where a checkpoint's tensor bytes live. Formats implement this; nothing is read until a
// stream is opened and asked for a range, so opening a checkpoint stays metadata-only.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "types/tensor_info.h"

namespace graft {

// A byte range of a plain file: lets the exporter copy untransformed tensors kernel-side.
struct FileExtent {
  int fd = -1;
  std::uint64_t offset = 0;
  // The CRC-32C the file records for these bytes, when it records one (TF bundles): lets a
  // kernel-side copy into a format that stores it skip reading the bytes again.
  std::optional<std::uint32_t> crc32c;
  // The zlib CRC-32 a zip records for exactly these bytes (a whole stored member, as a
  // PyTorch storage is): a zip writer copying them kernel-side need not read them back.
  std::optional<std::uint32_t> zipCrc32;
};

// A tensor's elements as little-endian, row-major bytes, readable in any chunks.
class TensorStream {
 public:
  virtual ~TensorStream() = default;
  // Where the bytes lie verbatim in a file, if they do.
  virtual std::optional<FileExtent> extent() const { return std::nullopt; }
  virtual std::uint64_t size() const = 0;
  // Fills out with bytes [offset, offset + out.size()); the range must lie within size().
  virtual void read(std::uint64_t offset, std::span<std::byte> out) = 0;
};

class TensorStorage {
 public:
  virtual ~TensorStorage() = default;
  // Throws graft::Error naming the file and the key when the tensor cannot be read.
  virtual std::unique_ptr<TensorStream> open(const TensorInfo& tensor) const = 0;
};

// Calls fn(span) for consecutive chunks of at most chunkBytes, reusing one buffer.
template <typename Fn>
void forEachChunk(TensorStream& stream, std::size_t chunkBytes, Fn&& fn);

}  // namespace graft

template <typename Fn>
void graft::forEachChunk(TensorStream& stream, std::size_t chunkBytes, Fn&& fn) {
  const std::uint64_t total = stream.size();
  std::vector<std::byte> buffer(static_cast<std::size_t>(std::min<std::uint64_t>(total, chunkBytes)));
  for (std::uint64_t offset = 0; offset < total;) {
    const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(chunkBytes, total - offset));
    std::span<std::byte> chunk(buffer.data(), n);
    stream.read(offset, chunk);
    fn(std::span<const std::byte>(chunk));
    offset += n;
  }
}
