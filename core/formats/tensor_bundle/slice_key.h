#pragma once
// The binary index key of one stored slice of a partitioned tensor (checkpoint-formats.md §2.8):
// TensorFlow's OrderedCode encoding of the tensor's name, rank and each dimension's
// (start, length), with length -1 for a whole dimension.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "formats/tensor_bundle/bundle_proto.h"

namespace graft::tfbundle {

std::string sliceKey(std::string_view name, const std::vector<SliceExtent>& extents);

// OrderedCode's SignedNumIncreasing (exposed for tests): 0 -> 80, 5 -> 85, -1 -> 7F, -64 -> 40.
std::string signedNumIncreasing(std::int64_t v);

}  // namespace graft::tfbundle
