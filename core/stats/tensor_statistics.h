#pragma once
// Streaming statistics of one tensor and differences between two, read in bounded chunks so
// memory stays flat whatever the tensor's size. Safe to run on a worker thread: pass a
// CancelToken and a progress callback in the options.

#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "checkpoint/tensor_storage.h"
#include "stats/chunk_workers.h"
#include "types/dtype.h"

namespace graft {

// Counts per bin over [lo, hi] with numpy.histogram's edges (see stats/histogram.h).
struct HistogramResult {
  double lo = 0;
  double hi = 0;
  std::vector<std::uint64_t> counts;
  std::uint64_t underflow = 0;  // finite values below lo (only with a given range)
  std::uint64_t overflow = 0;   // finite values above hi
};

struct TensorStatistics {
  std::uint64_t count = 0;  // every element
  // Over the finite elements; NaN when there are none. std is the population standard deviation.
  double min = 0, max = 0, mean = 0, std = 0;
  std::uint64_t zeros = 0;  // +0 and -0
  std::uint64_t nans = 0;
  std::uint64_t positiveInfs = 0;
  std::uint64_t negativeInfs = 0;
  // Present when bins were asked for and there was a range: a given one, or [min, max] of at
  // least one finite value (widened to [min - 0.5, max + 0.5] when min == max, as numpy does).
  std::optional<HistogramResult> histogram;

  std::uint64_t finiteCount() const { return count - nans - positiveInfs - negativeInfs; }
};

struct StatisticsOptions : ChunkOptions {
  std::size_t bins = 0;  // 0: no histogram
  // Histogram range; without one it is [min, max], which costs a second pass over the tensor.
  std::optional<std::pair<double, double>> range;
};

// Every real dtype has statistics (bool and integers as their values, float8/16 exactly);
// complex and string do not.
bool hasStatistics(DType dtype);

// Throws graft::Error for a dtype without statistics or a bad histogram range or bin count,
// Cancelled when options.cancel is cancelled, and whatever the stream throws.
TensorStatistics computeStatistics(TensorStream& stream, DType dtype, const StatisticsOptions& options = {});

struct DiffMetrics {
  std::uint64_t count = 0;
  double maxAbsDiff = 0;   // max |a - b|
  double relativeL2 = 0;   // ||a - b|| / ||b||; 0 when both are zero, +inf when only b is
  double cosine = 1;       // a.b / (||a|| ||b||) clamped to [-1, 1]; 1 when both are zero, 0 when one is
};

struct DiffOptions {
  std::size_t chunkBytes = std::size_t{256} << 10;  // per tensor
  const CancelToken* cancel = nullptr;
  ProgressCallback progress;  // bytes of both tensors
};

// One streaming pass over both tensors in double. NaN in either makes the metrics NaN.
// Complex tensors compare as their interleaved real and imaginary parts.
// Throws graft::Error when the element counts differ or a dtype is string.
DiffMetrics diffTensors(TensorStream& a, DType aType, TensorStream& b, DType bType, const DiffOptions& options = {});

}  // namespace graft
