#include "stats/histogram.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "io/error.h"
#include "stats/simd.h"

namespace graft {
namespace {

constexpr std::size_t kBlock = 256;
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
  for (std::size_t i = 0; i < values.size(); i += kBlock) {
    const std::size_t n = std::min(kBlock, values.size() - i);
    if (estimate && n == kBlock && allInRange)
      addEstimatedBlock<V, false>(values.data() + i);
    else if (estimate && n == kBlock)
      addEstimatedBlock<V, true>(values.data() + i);
    else
      addExact(values.data() + i, n);
    pending_ += n;
    if (pending_ >= kFlushEvery) flush();
  }
}

template void HistogramAccumulator::add<float>(std::span<const float>, bool);
template void HistogramAccumulator::add<double>(std::span<const double>, bool);

template <typename V, bool kCheckRange>
void HistogramAccumulator::addEstimatedBlock(const V* x) {
  using namespace simd;
  constexpr std::size_t kCount = Lanes<V>::kCount;
  const auto& e = binner_->estimate(V{});
  const Vec<V> lowIn = splat<Vec<V>>(e.lowIn), highIn = splat<Vec<V>>(e.highIn);
  const Vec<V> origin = splat<Vec<V>>(e.origin), scale = splat<Vec<V>>(e.scale), zero{};
  const Vec<V> nearLow = splat<Vec<V>>(e.nearEdge), nearHigh = splat<Vec<V>>(V{1} - e.nearEdge);
  const Vec<V> lowest = splat<Vec<V>>(std::numeric_limits<V>::lowest());
  const Vec<V> highest = splat<Vec<V>>(std::numeric_limits<V>::max());
  const Index<V> outside = splat<Index<V>>(static_cast<std::int32_t>(outsideSlot()));
  Mask<V> anyNear{}, under{}, over{};
  std::int32_t index[kBlock], near[kBlock];
  for (std::size_t j = 0; j < kBlock; j += kCount) {
    const Vec<V> v = load(x + j);
    // Without range checks every lane is in; the compiler drops the selects on `in`.
    const Mask<V> in = kCheckRange ? (v >= lowIn) & (v <= highIn) : Mask<V>{} - 1;  // false for NaN
    const Vec<V> t = in ? (v - origin) * scale : zero;
    Index<V> i = __builtin_convertvector(t, Index<V>);  // t >= 0: truncation is floor
    const Vec<V> frac = t - __builtin_convertvector(i, Vec<V>);
    const Mask<V> isNear = in & ((frac < nearLow) | (frac > nearHigh));
    if constexpr (kCheckRange) {
      under -= (v < lowIn) & (v >= lowest);
      over -= (v > highIn) & (v <= highest);
      i = __builtin_convertvector(in, Index<V>) ? i : outside;
    }
    anyNear |= isNear;
    const Index<V> nearIndex = __builtin_convertvector(isNear, Index<V>);
    std::memcpy(near + j, &nearIndex, sizeof nearIndex);
    std::memcpy(index + j, &i, sizeof i);
  }
  if (sumOf<Mask<V>, kCount>(anyNear) != 0) {
    // Rare: values within rounding distance of an edge (and hi itself) are placed by search.
    for (std::size_t j = 0; j < kBlock; ++j)
      if (near[j]) index[j] = static_cast<std::int32_t>(binner_->binOf(static_cast<double>(x[j])));
  }
  std::uint32_t* l0 = lanes_.data();
  const std::size_t step = laneCount_ > 1 ? stride_ : 0;  // one lane: all four are the same
  std::uint32_t* l1 = l0 + step;
  std::uint32_t* l2 = l1 + step;
  std::uint32_t* l3 = l2 + step;
  for (std::size_t j = 0; j < kBlock; j += kLanes) {
    ++l0[index[j]];
    ++l1[index[j + 1]];
    ++l2[index[j + 2]];
    ++l3[index[j + 3]];
  }
  if constexpr (kCheckRange) {
    underflow_ += static_cast<std::uint64_t>(sumOf<Mask<V>, kCount>(under));
    overflow_ += static_cast<std::uint64_t>(sumOf<Mask<V>, kCount>(over));
  }
}

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
