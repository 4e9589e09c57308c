// The block kernels with 32-byte vectors, for x86-64 CPUs with AVX2. Only the kernel templates
// are compiled for AVX2 (by the pragma below, after every header is in), so no function that
// baseline code may call, such as an inline helper a header defines, is ever an AVX2 build.
#if defined(__x86_64__)

#include <cmath>
#include <cstring>
#include <limits>
#include <type_traits>

#include "stats/block_kernels.h"
#include "stats/histogram.h"
#include "stats/moments.h"
#include "stats/summary_accumulator.h"

#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx2"))), apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx2")
#endif

#include "stats/simd.h"
#include "stats/block_kernels_of_width.h"

namespace graft::kernels {

BlockKernels<float> avx2(float) { return kernelsOfWidth<float, 32>("AVX2 (32-byte vectors)"); }
BlockKernels<double> avx2(double) { return kernelsOfWidth<double, 32>("AVX2 (32-byte vectors)"); }

}  // namespace graft::kernels

#if defined(__clang__)
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif

#endif
