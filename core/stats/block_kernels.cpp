#include "stats/block_kernels.h"

#include <cstdlib>
#include <cstring>

namespace graft {
namespace kernels {

BlockKernels<float> baseline(float);
BlockKernels<double> baseline(double);
#if defined(__x86_64__)
BlockKernels<float> avx2(float);
BlockKernels<double> avx2(double);
#endif

namespace {

template <typename V>
std::vector<BlockKernels<V>> supported() {
  std::vector<BlockKernels<V>> sets{baseline(V{})};
#if defined(__x86_64__)
  if (__builtin_cpu_supports("avx2")) sets.push_back(avx2(V{}));
#endif
  return sets;
}

template <typename V>
BlockKernels<V> widestSupported() {
  const char* forced = std::getenv("GRAFT_SIMD");
  if (forced && std::strcmp(forced, "baseline") == 0) return baseline(V{});
  return supported<V>().back();
}

}  // namespace
}  // namespace kernels

template <typename V>
const BlockKernels<V>& blockKernels() {
  static const BlockKernels<V> chosen = kernels::widestSupported<V>();
  return chosen;
}

template <typename V>
std::vector<BlockKernels<V>> supportedBlockKernels() {
  return kernels::supported<V>();
}

template const BlockKernels<float>& blockKernels<float>();
template const BlockKernels<double>& blockKernels<double>();
template std::vector<BlockKernels<float>> supportedBlockKernels<float>();
template std::vector<BlockKernels<double>> supportedBlockKernels<double>();

}  // namespace graft
