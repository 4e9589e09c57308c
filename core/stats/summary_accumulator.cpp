#include "stats/summary_accumulator.h"

#include <algorithm>
#include <cmath>

#include "stats/block_kernels.h"

namespace graft {
namespace {

// Any block, one value at a time in double: partial blocks and blocks with NaN or inf.
template <typename V>
void addBlockScalar(SummaryAccumulator& acc, const V* x, std::size_t n) {
  acc.count += n;
  double shift = acc.moments.mean, s1 = 0, s2 = 0;
  std::uint64_t finite = 0;
  for (std::size_t j = 0; j < n; ++j) {
    const double v = static_cast<double>(x[j]);
    if (std::isnan(v)) {
      ++acc.nans;
    } else if (std::isinf(v)) {
      ++(v > 0 ? acc.positiveInfs : acc.negativeInfs);
    } else {
      if (finite == 0 && acc.moments.count == 0) shift = v;
      const double d = v - shift;
      s1 += d;
      s2 += d * d;
      ++finite;
      acc.zeros += v == 0;
      acc.min = std::min(acc.min, v);
      acc.max = std::max(acc.max, v);
    }
  }
  if (finite) {
    const double count = static_cast<double>(finite);
    acc.moments.merge(Moments{finite, shift + s1 / count, std::max(0.0, s2 - s1 * s1 / count)});
  }
}

}  // namespace

template <typename V>
void SummaryAccumulator::add(std::span<const V> values) {
  const V* x = values.data();
  const std::size_t n = values.size();
  const auto summarizeFinite = blockKernels<V>().summarizeFinite;
  for (std::size_t i = 0; i < n; i += kBlockValues) {
    if (n - i >= kBlockValues && summarizeFinite(*this, x + i)) continue;
    addBlockScalar(*this, x + i, std::min(kBlockValues, n - i));
  }
}

template void SummaryAccumulator::add<float>(std::span<const float>);
template void SummaryAccumulator::add<double>(std::span<const double>);

void SummaryAccumulator::merge(const SummaryAccumulator& other) {
  count += other.count;
  zeros += other.zeros;
  nans += other.nans;
  positiveInfs += other.positiveInfs;
  negativeInfs += other.negativeInfs;
  min = std::min(min, other.min);
  max = std::max(max, other.max);
  moments.merge(other.moments);
}

}  // namespace graft
