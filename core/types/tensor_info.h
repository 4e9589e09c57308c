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
};

}  // namespace graft
