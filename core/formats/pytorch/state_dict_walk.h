#pragma once
// Finds the tensors in an unpickled object and names them by their key path, nested
// dict/list keys joined with '.' ({"model_state_dict": {"test": t}} -> "model_state_dict.test"),
// the way the goldens and torch users name them. A pickled nn.Module placeholder is walked
// like its state_dict(): parameters, persistent buffers, then submodules. Iterative, with a
// visited set (cycles, shared sub-objects) and a depth cap.

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "formats/pytorch/pickle_value.h"
#include "types/node.h"

namespace graft::pytorch {

struct FoundTensor {
  std::string key;
  Ref tensor = 0;
  NodeRole role = NodeRole::Weights;  // Optimizer below an "optimizer"-like key
};

struct StateDictWalk {
  std::vector<FoundTensor> tensors;                          // in pickle order
  std::size_t placeholders = 0;                              // unsupported objects reached
  std::vector<std::pair<std::string, std::string>> scalars;  // top-level numbers and short strings ("epoch" -> "12")
};

// Throws PickleError when containers nest deeper than maxDepth.
StateDictWalk walkStateDict(const PickleData& data, std::size_t maxDepth = 1000);

// True for the keys training loops store optimizer state under ("optimizer", "optimizer_states", "optim").
bool isOptimizerKey(std::string_view key);

}  // namespace graft::pytorch
