#pragma once
// Compares a checkpoint's listing (keys, dtypes, shapes, sha256 of every tensor hashed through
// the streaming path) with the independent golden of ../shared/testdata/real/golden/.

#include <filesystem>

#include <nlohmann/json.hpp>

#include "checkpoint/checkpoint.h"

namespace graft::test {

// {"format", "variables": [...]} with checksums and without the tree paths (goldens have none).
nlohmann::json checksumListing(const Checkpoint& c);

// Opens `rel` below `real` (or `openAs`, another path naming the same checkpoint) and expects
// its listing to equal golden/<rel>.json; true when it does.
bool matchesGolden(const std::filesystem::path& real, const std::filesystem::path& rel,
                   const std::filesystem::path& openAs = {});

}  // namespace graft::test
