#pragma once
// The vectorized inner loops of the statistics, a block of kBlockValues values at a time. They
// are compiled twice: with 16-byte vectors for any CPU, and with 32-byte ones for x86-64 CPUs
// with AVX2 (stats/block_kernels_avx2.cpp), about 1.5x faster there. blockKernels<V>() picks the
// widest set the CPU runs, once; GRAFT_SIMD=baseline in the environment forces the 16-byte set.
// Both sets give bit-identical results (no fused multiply-add in either).

#include <cstddef>
#include <cstdint>
#include <vector>

namespace graft {

struct SummaryAccumulator;
class HistogramBinner;

inline constexpr std::size_t kBlockValues = 256;

// Where a histogram block counts: four interleaved lanes of 32-bit counters `step` apart (one
// counter set when step is 0), with slot `outside` for values outside the range.
struct HistogramLanes {
  std::uint32_t* first = nullptr;
  std::size_t step = 0;
  std::int32_t outside = 0;
  std::uint64_t underflow = 0;  // finite values below / above the range
  std::uint64_t overflow = 0;
};

// V is float or double.
template <typename V>
struct BlockKernels {
  const char* name;
  // Adds a block of finite values; false, and nothing added, when it holds a NaN or an infinity.
  bool (*summarizeFinite)(SummaryAccumulator& summary, const V* x);
  // Counts a block by the binner's estimate, which must be usable. InRange: the caller knows
  // every value is finite and within [lo, hi]; Checked tests each one.
  void (*countInRange)(const HistogramBinner& binner, const V* x, HistogramLanes& lanes);
  void (*countChecked)(const HistogramBinner& binner, const V* x, HistogramLanes& lanes);
  // n little-endian bfloat16 / float16 values (any alignment) to V, exactly; n a multiple of 16.
  void (*widenBfloat16)(const std::byte* in, V* out, std::size_t n);
  void (*widenHalf)(const std::byte* in, V* out, std::size_t n);
};

template <typename V>
const BlockKernels<V>& blockKernels();

// Every set this CPU runs, narrowest first (for tests that compare them).
template <typename V>
std::vector<BlockKernels<V>> supportedBlockKernels();

}  // namespace graft
