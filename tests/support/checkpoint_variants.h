#pragma once
// Targets for the seed scenarios, made from real checkpoints by Graft's own engine: every
// weight rounded through float16 (so a transplanted tensor is told apart from a kept one by
// its bytes), plus the structural edits a test needs (a changed head, renamed layers, ...).

#include <filesystem>
#include <vector>

#include "checkpoint/checkpoint.h"
#include "merge/exporter.h"
#include "merge/merge_plan.h"

namespace graft::test {

// Writes `out` = `real` with its weights rounded and `edits` applied. Weights that an edit
// drops or re-adds are not rounded separately (an add may carry its own transforms).
void writeVariant(const std::filesystem::path& real, const std::filesystem::path& out, const std::vector<Operation>& edits);

// The seed tasks' "new model": the real file's CNN with its 10-class `dense` head replaced
// by a 5-class one (kernel (128, 5), bias (5,)), everything else rounded.
void writeWithNewHead(const std::filesystem::path& real, const std::filesystem::path& out);

Operation dropOp(const std::string& target);
Operation addOp(const std::string& source, std::vector<Transform> transforms, const std::string& target = {});
Operation renameOp(const std::string& target, const std::string& newName);

// A float32 scalar's TensorInfo under `key`, for trees built by hand.
TensorInfo scalarTensor(std::string key);

// Exports `c` unchanged to `out` (in its own format, or `format`): what `graft-cli convert` does.
ExportReport convertIdentity(const Checkpoint& c, const std::filesystem::path& out, const CheckpointFormat* format = nullptr);

// Little-endian float32 bytes as floats.
std::vector<float> floats(const std::vector<std::byte>& bytes);

// The names of a node's children, in order.
std::vector<std::string> childNames(const Node& n);

// The message of the error opening `path` gives; fails the test if it opens.
std::string openError(const std::filesystem::path& path);

// A tensor's bytes as the checkpoint streams them.
std::vector<std::byte> tensorBytes(const Checkpoint& c, const std::string& key);

}  // namespace graft::test
