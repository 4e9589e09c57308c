#pragma once
// Equal-width histograms with numpy.histogram's bin edges, counted exactly and fast.
//
// Edges: edge[i] = i * ((hi - lo) / bins) + lo for i < bins, edge[bins] = hi (in double, as
// numpy.linspace computes them). Bin i holds edge[i] <= x < edge[i+1]; the last bin also hi.
// Values are placed by a vectorized estimate; the few that land within rounding distance of
// an edge are re-placed by binary search over the edges, so counts equal a naive reference.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace graft {

class HistogramBinner {
 public:
  static constexpr std::size_t kMaxBins = std::size_t{1} << 24;

  // lo < hi, both finite; 1 <= bins <= kMaxBins. Throws graft::Error otherwise.
  HistogramBinner(double lo, double hi, std::size_t bins);

  std::size_t bins() const { return edges_.size() - 1; }
  double lo() const { return edges_.front(); }
  double hi() const { return edges_.back(); }
  const std::vector<double>& edges() const { return edges_; }
  std::size_t binOf(double x) const;  // x within [lo, hi]

  // The vectorized estimate for values of type V: index = (x - origin) * scale, trusted when
  // its fractional part is at least nearEdge away from an integer.
  template <typename V>
  struct Estimate {
    V lowIn = 0, highIn = 0;  // smallest / largest V inside [lo, hi]: exact range tests
    V origin = 0, scale = 0, nearEdge = 0;
    bool usable = false;  // false when rounding could be off by a bin: binary search only
  };
  const Estimate<float>& estimate(float) const { return floatEstimate_; }
  const Estimate<double>& estimate(double) const { return doubleEstimate_; }

 private:
  std::vector<double> edges_;
  Estimate<float> floatEstimate_;
  Estimate<double> doubleEstimate_;
};

// Counts of one thread; finite values outside [lo, hi] go to underflow and overflow, NaN and
// infinities are not counted (statistics report them separately).
class HistogramAccumulator {
 public:
  explicit HistogramAccumulator(const HistogramBinner& binner);

  // V is float or double. allInRange: the caller knows every value is finite and within
  // [lo, hi] (e.g. from a first pass), which skips the range tests.
  template <typename V>
  void add(std::span<const V> values, bool allInRange = false);
  void merge(HistogramAccumulator& other);

  std::vector<std::uint64_t> counts();
  std::uint64_t underflow() const { return underflow_; }
  std::uint64_t overflow() const { return overflow_; }

 private:
  std::size_t outsideSlot() const { return stride_ - 1; }
  template <typename V>
  void addExact(const V* x, std::size_t n);
  void flush();

  const HistogramBinner* binner_;
  // bins + 2 slots per lane: slot `bins` takes estimates of exactly hi (re-placed by search),
  // the last one values outside the range.
  std::size_t stride_;
  std::size_t laneCount_;
  // laneCount_ interleaved 32-bit sub-histograms, so neighbouring equal bins do not serialize
  // on one counter; flushed into totals_ long before they could overflow.
  std::vector<std::uint32_t> lanes_;
  std::uint64_t pending_ = 0;
  std::vector<std::uint64_t> totals_;
  std::uint64_t underflow_ = 0;
  std::uint64_t overflow_ = 0;
};

extern template void HistogramAccumulator::add<float>(std::span<const float>, bool);
extern template void HistogramAccumulator::add<double>(std::span<const double>, bool);

}  // namespace graft
