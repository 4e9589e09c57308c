#pragma once
// Cross-framework conversion of a whole checkpoint on export (docs/formats.md, "Layouts"):
// Keras and PyTorch name and lay out the same layers differently (Dense kernel (in, out) vs
// Linear weight (out, in); Conv HWIO vs OIHW; BatchNormalization gamma/beta/moving_* vs
// weight/bias/running_*). These passes turn an identity evaluation of one checkpoint into the
// other convention, and cast floating tensors, before anything is written.

#include <optional>
#include <string>

#include "merge/merge_evaluation.h"

namespace graft {

enum class WeightLayout { Keras, Torch };
std::optional<WeightLayout> weightLayoutFromName(const std::string& name);  // "keras", "torch"

// Renames and transposes every variable whose layer convention is recognised; counts of what
// changed and what was left as it was (e.g. LSTM kernels, depthwise kernels) are returned.
struct LayoutReport {
  std::size_t converted = 0;  // renamed and/or transposed
  std::size_t dropped = 0;    // PyTorch's num_batches_tracked: Keras has no such variable
  std::size_t unchanged = 0;  // no rule applies (the note names a few)
  std::string note;
};
LayoutReport convertLayout(MergeEvaluation& evaluation, WeightLayout to);

// Casts every floating-point tensor (float16, bfloat16, float32, float64) to `to`; returns how
// many were cast.
std::size_t castFloatingTensors(MergeEvaluation& evaluation, DType to);

}  // namespace graft
