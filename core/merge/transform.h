#pragma once
// What can happen to a tensor on its way from source to target: cast, transpose, reshape,
// slice, pad. Each knows what it does to the shape and dtype, so conflicts can be judged
// before any byte is read.

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "types/dtype.h"
#include "types/shape.h"

namespace graft {

enum class TransformKind { Cast, Transpose, Reshape, Slice, Pad };

struct Transform {
  TransformKind kind = TransformKind::Cast;
  DType dtype = DType::Float32;                               // Cast
  std::vector<int> permutation;                               // Transpose: output dim i = input dim perm[i]
  Shape shape;                                                // Reshape: the new shape; Pad: the padded shape
  std::vector<std::pair<std::int64_t, std::int64_t>> ranges;  // Slice: [begin, end) per dimension
  double padValue = 0.0;                                      // Pad: fill value (new elements after the old)

  static Transform cast(DType to);
  static Transform transpose(std::vector<int> permutation);
  static Transform reshape(Shape to);
  static Transform slice(std::vector<std::pair<std::int64_t, std::int64_t>> ranges);
  static Transform pad(Shape to, double value = 0.0);

  std::string describe() const;  // "cast→bfloat16", "slice[0:128, 0:5]", "pad→(128, 20)"
  friend bool operator==(const Transform&, const Transform&) = default;
};

std::string_view transformKindName(TransformKind kind);
std::optional<TransformKind> transformKindFromName(std::string_view name);

// dtype and shape after the transforms, or the reason they cannot apply.
struct TransformOutcome {
  DType dtype = DType::Float32;
  Shape shape;
  std::string error;  // empty when the transforms apply
};
TransformOutcome applyTransforms(DType dtype, const Shape& shape, const std::vector<Transform>& transforms);

std::string describeTransforms(const std::vector<Transform>& transforms);

}  // namespace graft
