#pragma once
// The data.pkl of a state dict as torch.save writes it (checkpoint-formats.md §6.2, §6.6):
// protocol 2, an OrderedDict of key -> _rebuild_tensor_v2(storage persistent id, 0, size,
// row-major stride, False, OrderedDict()), one storage per tensor. torch.load accepts it with
// weights_only=True.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "types/dtype.h"

namespace graft::pytorch {

struct PickledTensor {
  std::string key;                  // the state dict key (valid UTF-8)
  std::string_view storageClass;    // "FloatStorage" (torch_types.h storageClassName)
  std::vector<std::uint64_t> shape;
  std::string storageKey;           // "0" -> member data/0
};

std::string stateDictPickle(const std::vector<PickledTensor>& tensors);

}  // namespace graft::pytorch
