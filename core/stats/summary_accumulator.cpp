#include "stats/summary_accumulator.h"

#include <algorithm>
#include <cmath>

#include "stats/simd.h"

namespace graft {
namespace {

constexpr std::size_t kBlock = 256;

void addBlockMoments(SummaryAccumulator& acc, std::uint64_t n, double shift, double s1, double s2) {
  const double count = static_cast<double>(n);
  acc.moments.merge(Moments{n, shift + s1 / count, std::max(0.0, s2 - s1 * s1 / count)});
}

// The deviations of one vector of values from the shift, in double: float lanes are widened
// (exactly) into two double vectors.
inline void addDeviations(simd::Vec<float> v, simd::Vec<double> shift, simd::Vec<double>& sum, simd::Vec<double>& squares) {
  typedef double Wide __attribute__((vector_size(32)));
  const Wide w = __builtin_convertvector(v, Wide);
  const simd::Vec<double> low = __builtin_shufflevector(w, w, 0, 1) - shift, high = __builtin_shufflevector(w, w, 2, 3) - shift;
  sum += low + high;
  squares += low * low + high * high;
}

inline void addDeviations(simd::Vec<double> v, simd::Vec<double> shift, simd::Vec<double>& sum, simd::Vec<double>& squares) {
  const simd::Vec<double> d = v - shift;
  sum += d;
  squares += d * d;
}

// One full block in a single vectorized pass: extremes, zeros, and sums of deviations from a
// shift near the running mean in double, so the squares do not cancel. The shift is a V, so
// for float values each deviation is exact. False (and nothing added) when the block holds a
// NaN or an infinity: their squares make the sum of squares non-finite.
template <typename V>
bool addFiniteBlock(SummaryAccumulator& acc, const V* x) {
  using namespace simd;
  constexpr std::size_t kLanes = Lanes<V>::kCount;
  constexpr std::size_t kStep = 2 * kLanes;  // two of every accumulator: no waiting on one addition chain
  const V shift = static_cast<V>(acc.moments.count ? acc.moments.mean : static_cast<double>(x[0]));
  const Vec<double> vshift = splat<Vec<double>>(static_cast<double>(shift));
  const Vec<V> zero{};
  Vec<V> minA = splat<Vec<V>>(x[0]), minB = minA, maxA = minA, maxB = minA;
  Mask<V> zerosA{}, zerosB{};
  Vec<double> sumA{}, sumB{}, squaresA{}, squaresB{};
  for (std::size_t j = 0; j < kBlock; j += kStep) {
    const Vec<V> a = load(x + j), b = load(x + j + kLanes);
    minA = a < minA ? a : minA;
    minB = b < minB ? b : minB;
    maxA = a > maxA ? a : maxA;
    maxB = b > maxB ? b : maxB;
    zerosA -= a == zero;
    zerosB -= b == zero;
    addDeviations(a, vshift, sumA, squaresA);
    addDeviations(b, vshift, sumB, squaresB);
  }
  const double s1 = sumOf<Vec<double>, 2>(sumA + sumB), s2 = sumOf<Vec<double>, 2>(squaresA + squaresB);
  if (!std::isfinite(s2)) return false;
  acc.count += kBlock;
  acc.zeros += static_cast<std::uint64_t>(sumOf<Mask<V>, kLanes>(zerosA + zerosB));
  acc.min = std::min(acc.min, static_cast<double>(minOf<V>(minA < minB ? minA : minB)));
  acc.max = std::max(acc.max, static_cast<double>(maxOf<V>(maxA > maxB ? maxA : maxB)));
  addBlockMoments(acc, kBlock, static_cast<double>(shift), s1, s2);
  return true;
}

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
  if (finite) addBlockMoments(acc, finite, shift, s1, s2);
}

}  // namespace

template <typename V>
void SummaryAccumulator::add(std::span<const V> values) {
  const V* x = values.data();
  const std::size_t n = values.size();
  for (std::size_t i = 0; i < n; i += kBlock) {
    if (n - i >= kBlock && addFiniteBlock(*this, x + i)) continue;
    addBlockScalar(*this, x + i, std::min(kBlock, n - i));
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
