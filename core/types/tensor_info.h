#pragma once
// What is known about one stored tensor without reading its bytes.

#include <cstdint>
#include <string>

#include "types/dtype.h"
#include "types/shape.h"

namespace graft {

struct TensorInfo {
  std::string key;  // the format's own name for it, e.g. "dense_1/dense_1/kernel:0"
  DType dtype = DType::Float32;
  Shape shape;
  std::uint64_t elementCount = 0;
  std::uint64_t byteSize = 0;  // elementCount * dtypeSize; for strings the stored size
  // Where the format's storage keeps this tensor, for formats that index their tensors by
  // position instead of by key (no string look-up per read, no key copied per tensor).
  std::uint64_t storageSlot = 0;
};

}  // namespace graft
