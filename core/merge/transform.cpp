#include "merge/transform.h"

#include <algorithm>

#include "types/dtype_convert.h"

namespace graft {

Transform Transform::cast(DType to) {
  Transform t;
  t.kind = TransformKind::Cast;
  t.dtype = to;
  return t;
}

Transform Transform::transpose(std::vector<int> permutation) {
  Transform t;
  t.kind = TransformKind::Transpose;
  t.permutation = std::move(permutation);
  return t;
}

Transform Transform::reshape(Shape to) {
  Transform t;
  t.kind = TransformKind::Reshape;
  t.shape = std::move(to);
  return t;
}

Transform Transform::slice(std::vector<std::pair<std::int64_t, std::int64_t>> ranges) {
  Transform t;
  t.kind = TransformKind::Slice;
  t.ranges = std::move(ranges);
  return t;
}

Transform Transform::pad(Shape to, double value) {
  Transform t;
  t.kind = TransformKind::Pad;
  t.shape = std::move(to);
  t.padValue = value;
  return t;
}

std::string_view transformKindName(TransformKind kind) {
  switch (kind) {
    case TransformKind::Cast: return "cast";
    case TransformKind::Transpose: return "transpose";
    case TransformKind::Reshape: return "reshape";
    case TransformKind::Slice: return "slice";
    case TransformKind::Pad: return "pad";
  }
  return "cast";
}

std::optional<TransformKind> transformKindFromName(std::string_view name) {
  for (auto k : {TransformKind::Cast, TransformKind::Transpose, TransformKind::Reshape, TransformKind::Slice,
                 TransformKind::Pad})
    if (transformKindName(k) == name) return k;
  return std::nullopt;
}

std::string Transform::describe() const {
  switch (kind) {
    case TransformKind::Cast: return "cast→" + std::string(dtypeName(dtype));
    case TransformKind::Transpose: {
      std::string s = "transpose(";
      for (std::size_t i = 0; i < permutation.size(); ++i) s += (i ? ", " : "") + std::to_string(permutation[i]);
      return s + ")";
    }
    case TransformKind::Reshape: return "reshape→" + shape.toString();
    case TransformKind::Slice: {
      std::string s = "slice[";
      for (std::size_t i = 0; i < ranges.size(); ++i)
        s += (i ? ", " : "") + std::to_string(ranges[i].first) + ":" + std::to_string(ranges[i].second);
      return s + "]";
    }
    case TransformKind::Pad: {
      std::string s = "pad→" + shape.toString();
      if (padValue != 0.0) s += " with " + std::to_string(padValue);
      return s;
    }
  }
  return {};
}

std::string describeTransforms(const std::vector<Transform>& transforms) {
  std::string s;
  for (const auto& t : transforms) s += (s.empty() ? "" : ", ") + t.describe();
  return s;
}

TransformOutcome applyTransforms(DType dtype, const Shape& shape, const std::vector<Transform>& transforms) {
  TransformOutcome out{dtype, shape, {}};
  for (const auto& t : transforms) {
    const auto& dims = out.shape.dims();
    switch (t.kind) {
      case TransformKind::Cast:
        if (!canCast(out.dtype, t.dtype)) {
          out.error = "cannot cast " + std::string(dtypeName(out.dtype)) + " to " + std::string(dtypeName(t.dtype));
          return out;
        }
        out.dtype = t.dtype;
        break;
      case TransformKind::Transpose: {
        std::vector<int> sorted = t.permutation;
        std::sort(sorted.begin(), sorted.end());
        bool valid = sorted.size() == dims.size();
        for (std::size_t i = 0; valid && i < sorted.size(); ++i) valid = sorted[i] == static_cast<int>(i);
        if (!valid) {
          out.error = "transpose " + t.describe() + " is not a permutation of " + std::to_string(dims.size()) + " dimensions";
          return out;
        }
        std::vector<std::int64_t> next;
        for (int p : t.permutation) next.push_back(dims[static_cast<std::size_t>(p)]);
        out.shape = Shape(std::move(next));
        break;
      }
      case TransformKind::Reshape:
        if (t.shape.elementCount() != out.shape.elementCount() || !t.shape.elementCount()) {
          out.error = "cannot reshape " + out.shape.toString() + " to " + t.shape.toString() + ": element counts differ";
          return out;
        }
        out.shape = t.shape;
        break;
      case TransformKind::Slice: {
        if (t.ranges.size() != dims.size()) {
          out.error = "slice has " + std::to_string(t.ranges.size()) + " ranges for " + std::to_string(dims.size()) +
                      " dimensions";
          return out;
        }
        std::vector<std::int64_t> next;
        for (std::size_t i = 0; i < dims.size(); ++i) {
          const auto [b, e] = t.ranges[i];
          if (b < 0 || e < b || e > dims[i]) {
            out.error = "slice " + std::to_string(b) + ":" + std::to_string(e) + " is outside dimension " +
                        std::to_string(i) + " of size " + std::to_string(dims[i]);
            return out;
          }
          next.push_back(e - b);
        }
        out.shape = Shape(std::move(next));
        break;
      }
      case TransformKind::Pad: {
        if (t.shape.rank() != dims.size()) {
          out.error = "pad to " + t.shape.toString() + " changes the rank of " + out.shape.toString();
          return out;
        }
        for (std::size_t i = 0; i < dims.size(); ++i)
          if (t.shape[i] < dims[i]) {
            out.error = "pad to " + t.shape.toString() + " would shrink dimension " + std::to_string(i) + " of " +
                        out.shape.toString() + " (use slice)";
            return out;
          }
        if (!t.shape.elementCount()) {
          out.error = "pad to " + t.shape.toString() + " is too large";
          return out;
        }
        out.shape = t.shape;
        break;
      }
    }
  }
  return out;
}

}  // namespace graft
