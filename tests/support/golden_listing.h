#pragma once
// Compares a checkpoint's listing (keys, dtypes, shapes, sha256 of every tensor hashed through
// the streaming path) with the independent golden of ../shared/testdata/real/golden/.

#include <filesystem>
#include <vector>

#include <nlohmann/json.hpp>

#include "checkpoint/checkpoint.h"

namespace graft::test {

// {"format", "variables": [...]} with checksums and without the tree paths (goldens have none).
nlohmann::json checksumListing(const Checkpoint& c);

// The .index of every real TensorFlow bundle (tf1-checkpoint/, tf2-checkpoint/, other/), sorted.
std::vector<std::filesystem::path> realBundleIndexes(const std::filesystem::path& real);

// Opens `rel` below `real` (or `openAs`, another path naming the same checkpoint) and expects
// its listing to equal golden/<rel>.json; true when it does.
bool matchesGolden(const std::filesystem::path& real, const std::filesystem::path& rel,
                   const std::filesystem::path& openAs = {});

}  // namespace graft::test
