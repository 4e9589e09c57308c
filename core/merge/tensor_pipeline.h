#pragma once
// A tensor's bytes on their way to the writer: read from its stream, through the plan's
// transforms, handed out sequentially in bounded chunks. Peak memory does not depend on the
// tensor's size, except for transposes (which need random access; see the limit below).

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "checkpoint/tensor_storage.h"
#include "merge/transform.h"

namespace graft {

// Produces a tensor's bytes front to back.
class ByteProducer {
 public:
  virtual ~ByteProducer() = default;
  virtual std::uint64_t size() const = 0;
  // Fills up to out.size() bytes; returns how many (0 only at the end).
  virtual std::size_t produce(std::span<std::byte> out) = 0;
};

// Transposes gather from anywhere in the tensor, so its input is held in memory; larger
// transposes are refused with a clear error rather than exhausting memory.
inline constexpr std::uint64_t kMaxTransposeBytes = 512ull << 20;

// Throws graft::Error if the transforms do not apply to `input` (applyTransforms says why).
std::unique_ptr<ByteProducer> makeTensorPipeline(std::unique_ptr<TensorStream> stream, const TensorInfo& input,
                                                 const std::vector<Transform>& transforms);

}  // namespace graft
