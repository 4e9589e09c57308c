#pragma once
// Where a TensorBundle's files are (checkpoint-formats.md §2.1, §2.11). A user may name the
// `.index`, any data shard, the prefix, a folder with a `checkpoint` state file, a SavedModel
// folder or its `variables/` folder; all lead to one `PREFIX.index`.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace graft::tfbundle {

// The `.index` file the path names, or nullopt when it names no TensorBundle.
std::optional<std::filesystem::path> findIndexFile(const std::filesystem::path& path);

// "PREFIX.index" -> "PREFIX".
std::filesystem::path prefixOf(const std::filesystem::path& indexFile);
// "PREFIX.data-00000-of-00001"
std::filesystem::path dataShardPath(const std::filesystem::path& prefix, std::int32_t shard, std::int32_t shards);

// model_checkpoint_path of a text-format CheckpointState file, resolved against its folder.
std::optional<std::filesystem::path> latestCheckpointPrefix(const std::filesystem::path& stateFile);

}  // namespace graft::tfbundle
