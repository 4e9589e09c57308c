#include "stats/histogram.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "io/error.h"
#include "stats/block_kernels.h"

namespace graft {
namespace {

constexpr std::size_t kLanes = 4;
// Above this many bins, equal neighbours are rare and four copies would only cost memory.
constexpr std::size_t kMaxBinsWithLanes = 4096;
constexpr std::uint64_t kFlushEvery = std::uint64_t{1} << 31;  // keeps every 32-bit lane counter < 2^32

template <typename V>
HistogramBinner::Estimate<V> makeEstimate(double lo, double hi, std::size_t bins) {
  using Limits = std::numeric_limits<V>;
  HistogramBinner::Estimate<V> e;
  // Smallest / largest V inside [lo, hi] (clamped first: a double beyond V's range does not convert).
  V low = static_cast<V>(std::clamp(lo, static_cast<double>(Limits::lowest()), static_cast<double>(Limits::max())));
  V high = static_cast<V>(std::clamp(hi, static_cast<double>(Limits::lowest()), static_cast<double>(Limits::max())));
  if (static_cast<double>(low) < lo) low = std::nextafter(low, Limits::infinity());
  if (static_cast<double>(high) > hi) high = std::nextafter(high, -Limits::infinity());
  e.lowIn = low;
  e.highIn = high;
  e.origin = low;
  const double n = static_cast<double>(bins), scale = n / (hi - lo);
  // Worst-case distance in bins of the estimate from the exact position: the origin's offset
  // from lo, three roundings of V (difference, scale, product: each eps/2 of at most n + 1),
  // and the double roundings of the edges; times 1.5 for margin.
  const double eps = Limits::epsilon();
  const double nearEdge = 1.5 * (scale * std::fabs(lo - static_cast<double>(low)) + 1.5 * eps * (n + 1) +
                                 0x1p-50 * (n + scale * (std::fabs(lo) + std::fabs(hi))));
  const double span = static_cast<double>(high) - static_cast<double>(low);
  // Unusable (binary search only) when rounding could be off by a bin or V arithmetic could overflow.
  e.usable = nearEdge < 0.25 && low <= high && span <= static_cast<double>(Limits::max()) &&
             scale >= static_cast<double>(Limits::min()) && scale <= static_cast<double>(Limits::max());
  if (e.usable) {
    e.scale = static_cast<V>(scale);
    e.nearEdge = static_cast<V>(nearEdge);
  }
  return e;
}

}  // namespace

HistogramBinner::HistogramBinner(double lo, double hi, std::size_t bins) {
  if (!(std::isfinite(lo) && std::isfinite(hi) && lo < hi && std::isfinite(hi - lo)))
    throw Error("histogram range [" + std::to_string(lo) + ", " + std::to_string(hi) +
                "] must be finite with lo < hi");
  if (bins < 1 || bins > kMaxBins)
    throw Error("histogram bins must be between 1 and " + std::to_string(kMaxBins) + ", not " +
                std::to_string(bins));
  edges_.resize(bins + 1);
  const double step = (hi - lo) / static_cast<double>(bins);
  for (std::size_t i = 0; i < bins; ++i) edges_[i] = static_cast<double>(i) * step + lo;  // as numpy.linspace
  edges_[bins] = hi;
  floatEstimate_ = makeEstimate<float>(lo, hi, bins);
  doubleEstimate_ = makeEstimate<double>(lo, hi, bins);
}

std::size_t HistogramBinner::binOf(double x) const {
  // The number of inner edges <= x.
  return static_cast<std::size_t>(std::upper_bound(edges_.begin() + 1, edges_.end() - 1, x) - (edges_.begin() + 1));
}

HistogramAccumulator::HistogramAccumulator(const HistogramBinner& binner)
    : binner_(&binner),
      stride_(binner.bins() + 2),
      laneCount_(binner.bins() <= kMaxBinsWithLanes ? kLanes : 1),
      lanes_(laneCount_ * stride_),
      totals_(binner.bins()) {}

template <typename V>
void HistogramAccumulator::add(std::span<const V> values, bool allInRange) {
  const bool estimate = binner_->estimate(V{}).usable;
  const auto& kernels = blockKernels<V>();
  const auto count = allInRange ? kernels.countInRange : kernels.countChecked;
  // One counter set: all four interleaved lanes are the same.
  HistogramLanes lanes{lanes_.data(), laneCount_ > 1 ? stride_ : 0, static_cast<std::int32_t>(outsideSlot())};
  for (std::size_t i = 0; i < values.size(); i += kBlockValues) {
    const std::size_t n = std::min(kBlockValues, values.size() - i);
    if (estimate && n == kBlockValues)
      count(*binner_, values.data() + i, lanes);
    else
      addExact(values.data() + i, n);
    pending_ += n;
    if (pending_ >= kFlushEvery) flush();
  }
  underflow_ += lanes.underflow;
  overflow_ += lanes.overflow;
}

template void HistogramAccumulator::add<float>(std::span<const float>, bool);
template void HistogramAccumulator::add<double>(std::span<const double>, bool);

template <typename V>
void HistogramAccumulator::addExact(const V* x, std::size_t n) {
  const double lo = binner_->lo(), hi = binner_->hi();
  for (std::size_t j = 0; j < n; ++j) {
    const double v = static_cast<double>(x[j]);
    if (v >= lo && v <= hi)
      ++lanes_[binner_->binOf(v)];
    else if (std::isfinite(v))
      ++(v < lo ? underflow_ : overflow_);
  }
}

void HistogramAccumulator::flush() {
  for (std::size_t lane = 0; lane < laneCount_; ++lane) {
    std::uint32_t* counts = lanes_.data() + lane * stride_;
    for (std::size_t b = 0; b < totals_.size(); ++b) totals_[b] += counts[b];
    std::fill(counts, counts + stride_, 0u);
  }
  pending_ = 0;
}

void HistogramAccumulator::merge(HistogramAccumulator& other) {
  flush();
  other.flush();
  for (std::size_t b = 0; b < totals_.size(); ++b) totals_[b] += other.totals_[b];
  underflow_ += other.underflow_;
  overflow_ += other.overflow_;
}

std::vector<std::uint64_t> HistogramAccumulator::counts() {
  flush();
  return totals_;
}

}  // namespace graft
