// The block kernels with 16-byte vectors: what every supported CPU runs.
#include "stats/block_kernels_of_width.h"

namespace graft::kernels {

BlockKernels<float> baseline(float) { return kernelsOfWidth<float, 16>("baseline (16-byte vectors)"); }
BlockKernels<double> baseline(double) { return kernelsOfWidth<double, 16>("baseline (16-byte vectors)"); }

}  // namespace graft::kernels
