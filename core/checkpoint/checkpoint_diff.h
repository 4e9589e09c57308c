#pragma once
// Two checkpoints compared key by key: what only one has, what differs in shape or dtype,
// and, on request, how far apart the values of the common tensors are.

#include <string>
#include <vector>

#include "checkpoint/checkpoint.h"

namespace graft {

struct KeyDifference {
  std::string key;
  TensorInfo a, b;
};

struct ValueDifference {
  std::string key;
  bool identical = false;  // byte for byte
  double maxAbsDiff = 0, relativeL2 = 0, cosine = 1;
};

struct CheckpointDiff {
  std::vector<std::string> onlyInA, onlyInB, same;  // sorted keys
  std::vector<KeyDifference> different;
  std::vector<ValueDifference> values;  // for `same`, when values were asked for
};

CheckpointDiff diffCheckpoints(const Checkpoint& a, const Checkpoint& b, bool values);

}  // namespace graft
