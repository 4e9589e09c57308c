#pragma once
// Count, extremes, mean and variance, zeros and non-finite values of float or double values,
// added a block at a time; accumulators of different chunks and threads merge.

#include <cstdint>
#include <limits>
#include <span>

#include "stats/moments.h"

namespace graft {

struct SummaryAccumulator {
  std::uint64_t count = 0;  // every value, finite or not
  std::uint64_t zeros = 0;  // +0 and -0
  std::uint64_t nans = 0;
  std::uint64_t positiveInfs = 0;
  std::uint64_t negativeInfs = 0;
  double min = std::numeric_limits<double>::infinity();  // over finite values
  double max = -std::numeric_limits<double>::infinity();
  Moments moments;  // over finite values

  // V is float or double.
  template <typename V>
  void add(std::span<const V> values);
  void merge(const SummaryAccumulator& other);
};

extern template void SummaryAccumulator::add<float>(std::span<const float>);
extern template void SummaryAccumulator::add<double>(std::span<const double>);

}  // namespace graft
