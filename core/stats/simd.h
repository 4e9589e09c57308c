#pragma once
// SIMD vectors for the statistics kernels, through the GCC/Clang vector extensions (no
// intrinsics), kBytes wide: 16 (SSE2 on x86-64, NEON on arm64) or 32 (AVX2, in the one file
// compiled for it; stats/block_kernels.h picks the widest the CPU runs). Why not Eigen here:
// Eigen 3.4 casts float to double one scalar at a time and runs one reduction per pass, while a
// summary needs min, max, zeros and two double sums from one pass (measured on the dev VM: a
// single Eigen shifted double sum 2.0 ns per element; this fused pass with all five 0.3-0.8 ns).
// Every helper is always inlined: the same helper (say splat of four int32) is compiled for
// both widths, and an out-of-line AVX2 copy must never be what baseline code links to.

#include <cstdint>
#include <cstring>
#include <type_traits>

namespace graft::simd {

template <typename V, int kBytes>
struct Lanes {
  static constexpr int kCount = kBytes / static_cast<int>(sizeof(V));
  typedef V Vec __attribute__((vector_size(kBytes)));
  // Comparisons: all ones or zero, as an integer of the element's width.
  typedef std::conditional_t<sizeof(V) == 4, std::int32_t, std::int64_t> MaskElement;
  typedef MaskElement Mask __attribute__((vector_size(kBytes)));
  typedef std::int32_t Index __attribute__((vector_size(4 * kCount)));  // one int32 per lane
  typedef double Wide __attribute__((vector_size(8 * kCount)));          // the lanes as double
  typedef std::uint16_t Bits16 __attribute__((vector_size(2 * kCount)));  // 16-bit floats' bits
};

template <typename V, int kBytes>
using Vec = typename Lanes<V, kBytes>::Vec;
template <typename V, int kBytes>
using Mask = typename Lanes<V, kBytes>::Mask;
template <typename V, int kBytes>
using Index = typename Lanes<V, kBytes>::Index;

template <typename V, int kBytes>
[[gnu::always_inline]] inline Vec<V, kBytes> load(const V* p) {
  Vec<V, kBytes> v;
  std::memcpy(&v, p, sizeof v);  // unaligned
  return v;
}

// Every lane set to x, e.g. splat<Vec<float, 16>>(1.0f).
template <typename T, typename Scalar>
[[gnu::always_inline]] inline T splat(Scalar x) {
  return T{} + x;
}

template <int kCount, typename T>
[[gnu::always_inline]] inline auto minOf(T v) {
  auto m = v[0];
  for (int i = 1; i < kCount; ++i) m = v[i] < m ? v[i] : m;
  return m;
}

template <int kCount, typename T>
[[gnu::always_inline]] inline auto maxOf(T v) {
  auto m = v[0];
  for (int i = 1; i < kCount; ++i) m = v[i] > m ? v[i] : m;
  return m;
}

template <int kCount, typename T>
[[gnu::always_inline]] inline auto sumOf(T v) {
  auto s = v[0];
  for (int i = 1; i < kCount; ++i) s += v[i];
  return s;
}

}  // namespace graft::simd
