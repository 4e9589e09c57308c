#pragma once
// The tree of a checkpoint with PyTorch-style names (PyTorch, safetensors): tensor keys split
// on '.' ("model.fc.weight" -> model/fc/weight), in the given order, each subtree with its
// tensors' role; groups that directly hold weights become layers.

#include <filesystem>
#include <memory>
#include <vector>

#include "types/node.h"

namespace graft {

// roles[i] is tensors[i]'s role. Throws graft::Error naming `file` for two tensors with one name.
std::unique_ptr<Node> buildDottedTree(const std::filesystem::path& file, std::vector<TensorInfo> tensors,
                                      const std::vector<NodeRole>& roles);

}  // namespace graft
