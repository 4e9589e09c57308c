#pragma once
// The block kernels' bodies, for one vector width; included only by the files that instantiate
// them (stats/block_kernels_baseline.cpp, stats/block_kernels_avx2.cpp). Everything here is a
// template of the width, so the two compilations share no function.

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

#include "stats/block_kernels.h"
#include "stats/histogram.h"
#include "stats/simd.h"
#include "stats/summary_accumulator.h"

namespace graft::kernels {

template <typename V, int kBytes>
using L = simd::Lanes<V, kBytes>;

// Adds the deviations of one vector of values from the shift, in double: float lanes are
// widened (exactly) and split into two double vectors.
template <int kBytes>
[[gnu::always_inline]] inline void addDeviations(simd::Vec<float, kBytes> v, simd::Vec<double, kBytes> shift, simd::Vec<double, kBytes>& sum,
                          simd::Vec<double, kBytes>& squares) {
  const auto w = __builtin_convertvector(v, typename L<float, kBytes>::Wide);
  simd::Vec<double, kBytes> low, high;
  if constexpr (kBytes == 16) {
    low = __builtin_shufflevector(w, w, 0, 1) - shift;
    high = __builtin_shufflevector(w, w, 2, 3) - shift;
  } else {
    static_assert(kBytes == 32);
    low = __builtin_shufflevector(w, w, 0, 1, 2, 3) - shift;
    high = __builtin_shufflevector(w, w, 4, 5, 6, 7) - shift;
  }
  sum += low + high;
  squares += low * low + high * high;
}

template <int kBytes>
[[gnu::always_inline]] inline void addDeviations(simd::Vec<double, kBytes> v, simd::Vec<double, kBytes> shift, simd::Vec<double, kBytes>& sum,
                          simd::Vec<double, kBytes>& squares) {
  const simd::Vec<double, kBytes> d = v - shift;
  sum += d;
  squares += d * d;
}

// One full block in a single vectorized pass: extremes, zeros, and sums of deviations from a
// shift near the running mean in double, so the squares do not cancel. The shift is a V, so
// for float values each deviation is exact.
template <typename V, int kBytes>
bool summarizeFinite(SummaryAccumulator& acc, const V* x) {
  using namespace simd;
  using VecV = Vec<V, kBytes>;
  using VecD = Vec<double, kBytes>;
  constexpr int kLanes = L<V, kBytes>::kCount;
  constexpr int kStep = 2 * kLanes;  // two of every accumulator: no waiting on one addition chain
  const V shift = static_cast<V>(acc.moments.count ? acc.moments.mean : static_cast<double>(x[0]));
  const VecD vshift = splat<VecD>(static_cast<double>(shift));
  const VecV zero{};
  VecV minA = splat<VecV>(x[0]), minB = minA, maxA = minA, maxB = minA;
  Mask<V, kBytes> zerosA{}, zerosB{};
  VecD sumA{}, sumB{}, squaresA{}, squaresB{};
  for (std::size_t j = 0; j < kBlockValues; j += kStep) {
    const VecV a = load<V, kBytes>(x + j), b = load<V, kBytes>(x + j + kLanes);
    minA = a < minA ? a : minA;
    minB = b < minB ? b : minB;
    maxA = a > maxA ? a : maxA;
    maxB = b > maxB ? b : maxB;
    zerosA -= a == zero;
    zerosB -= b == zero;
    addDeviations<kBytes>(a, vshift, sumA, squaresA);
    addDeviations<kBytes>(b, vshift, sumB, squaresB);
  }
  constexpr int kDoubles = L<double, kBytes>::kCount;
  const double s1 = sumOf<kDoubles>(sumA + sumB), s2 = sumOf<kDoubles>(squaresA + squaresB);
  if (!std::isfinite(s2)) return false;  // a NaN or an infinity: the caller takes it value by value
  const double count = static_cast<double>(kBlockValues), lo = static_cast<double>(minOf<kLanes>(minA < minB ? minA : minB)),
               hi = static_cast<double>(maxOf<kLanes>(maxA > maxB ? maxA : maxB)), centred = s2 - s1 * s1 / count;
  acc.count += kBlockValues;
  acc.zeros += static_cast<std::uint64_t>(sumOf<kLanes>(zerosA + zerosB));
  acc.min = lo < acc.min ? lo : acc.min;
  acc.max = hi > acc.max ? hi : acc.max;
  acc.moments.merge(Moments{kBlockValues, static_cast<double>(shift) + s1 / count, centred > 0 ? centred : 0.0});
  return true;
}

template <typename V, bool kCheckRange, int kBytes>
void countBlock(const HistogramBinner& binner, const V* x, HistogramLanes& lanes) {
  using namespace simd;
  using VecV = Vec<V, kBytes>;
  using MaskV = Mask<V, kBytes>;
  using IndexV = Index<V, kBytes>;
  constexpr int kCount = L<V, kBytes>::kCount;
  const auto& e = binner.estimate(V{});
  const VecV lowIn = splat<VecV>(e.lowIn), highIn = splat<VecV>(e.highIn);
  const VecV origin = splat<VecV>(e.origin), scale = splat<VecV>(e.scale), zero{};
  const VecV nearLow = splat<VecV>(e.nearEdge), nearHigh = splat<VecV>(V{1} - e.nearEdge);
  const VecV lowest = splat<VecV>(std::numeric_limits<V>::lowest());
  const VecV highest = splat<VecV>(std::numeric_limits<V>::max());
  const IndexV outside = splat<IndexV>(lanes.outside);
  MaskV anyNear{}, under{}, over{};
  std::int32_t index[kBlockValues];
  for (std::size_t j = 0; j < kBlockValues; j += kCount) {
    const VecV v = load<V, kBytes>(x + j);
    // Without range checks every lane is in; the compiler drops the selects on `in`.
    const MaskV in = kCheckRange ? (v >= lowIn) & (v <= highIn) : MaskV{} - 1;  // false for NaN
    const VecV t = in ? (v - origin) * scale : zero;
    IndexV i = __builtin_convertvector(t, IndexV);  // t >= 0: truncation is floor
    const VecV frac = t - __builtin_convertvector(i, VecV);
    const MaskV isNear = in & ((frac < nearLow) | (frac > nearHigh));
    if constexpr (kCheckRange) {
      under -= (v < lowIn) & (v >= lowest);
      over -= (v > highIn) & (v <= highest);
      i = __builtin_convertvector(in, IndexV) ? i : outside;
    }
    anyNear |= isNear;
    std::memcpy(index + j, &i, sizeof i);
  }
  if (sumOf<kCount>(anyNear) != 0) {
    // Rare: values within rounding distance of an edge (and hi itself) are placed by search.
    // The same IEEE operations one value at a time find them again.
    for (std::size_t j = 0; j < kBlockValues; ++j) {
      const V v = x[j];
      if (kCheckRange && !(v >= e.lowIn && v <= e.highIn)) continue;
      const V t = (v - e.origin) * e.scale;
      const V frac = t - static_cast<V>(static_cast<std::int32_t>(t));
      if (frac < e.nearEdge || frac > V{1} - e.nearEdge)
        index[j] = static_cast<std::int32_t>(binner.binOf(static_cast<double>(v)));
    }
  }
  // Four interleaved counter sets, so that runs of equal bins do not wait on one counter.
  std::uint32_t* l0 = lanes.first;
  std::uint32_t* l1 = l0 + lanes.step;
  std::uint32_t* l2 = l1 + lanes.step;
  std::uint32_t* l3 = l2 + lanes.step;
  for (std::size_t j = 0; j < kBlockValues; j += 4) {
    ++l0[index[j]];
    ++l1[index[j + 1]];
    ++l2[index[j + 2]];
    ++l3[index[j + 3]];
  }
  if constexpr (kCheckRange) {
    lanes.underflow += static_cast<std::uint64_t>(sumOf<kCount>(under));
    lanes.overflow += static_cast<std::uint64_t>(sumOf<kCount>(over));
  }
}

// 16-bit floats to V, a float vector at a time: their bits placed in a float's, as in
// types/dtype_convert.cpp's decodeHalf (branch-free selects, exact for every value).
template <typename V, bool kHalf, int kBytes>
void widen16(const std::byte* in, V* out, std::size_t n) {
  using namespace simd;
  constexpr int kCount = L<float, kBytes>::kCount;
  using Narrow = typename L<float, kBytes>::Bits16;
  using Bits = Index<float, kBytes>;
  using VecF = Vec<float, kBytes>;
  for (std::size_t i = 0; i < n; i += kCount) {
    Narrow h;
    std::memcpy(&h, in + 2 * i, sizeof h);
    const Bits b = __builtin_convertvector(h, Bits);
    Bits x;
    if constexpr (kHalf) {
      const Bits em = b & 0x7FFF, sign = (b & 0x8000) << 16;
      const Bits normal = (em << 13) + 0x38000000;                 // rebias 15 -> 127
      const Bits special = (em << 13) | 0x7F800000;                // inf and NaN
      const VecF scaled = __builtin_convertvector(em, VecF) * 5.9604644775390625e-8f;  // subnormal: m * 2^-24
      Bits subnormal;
      std::memcpy(&subnormal, &scaled, sizeof subnormal);
      const Bits isSpecial = em >= 0x7C00, isSubnormal = em < 0x400;  // all ones or zero
      x = sign | (isSubnormal & subnormal) | (~isSubnormal & ((isSpecial & special) | (~isSpecial & normal)));
    } else {
      x = b << 16;
    }
    VecF f;
    std::memcpy(&f, &x, sizeof f);
    if constexpr (sizeof(V) == sizeof(float)) {
      std::memcpy(out + i, &f, sizeof f);
    } else {
      const auto d = __builtin_convertvector(f, typename L<float, kBytes>::Wide);
      std::memcpy(out + i, &d, sizeof d);
    }
  }
}

template <typename V, int kBytes>
BlockKernels<V> kernelsOfWidth(const char* name) {
  return {name, &summarizeFinite<V, kBytes>, &countBlock<V, false, kBytes>, &countBlock<V, true, kBytes>,
          &widen16<V, false, kBytes>, &widen16<V, true, kBytes>};
}

}  // namespace graft::kernels
