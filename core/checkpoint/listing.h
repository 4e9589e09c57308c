#pragma once
// The machine-readable listing of a checkpoint: the schema of `graft-cli ls --json` and of
// shared/testdata/real/golden: {"format", "variables": [{key, path, dtype, shape, sha256?}]}.

#include <cstddef>
#include <optional>
#include <regex>
#include <string>

#include <nlohmann/json.hpp>

#include "checkpoint/checkpoint.h"

namespace graft {

struct ListingOptions {
  bool checksums = false;              // sha256 of each tensor, computed by streaming
  std::optional<std::regex> filter;    // keep variables whose key or path matches (search)
  std::size_t chunkBytes = 4u << 20;   // read size when hashing
};

// Sorted by key in bytewise order.
nlohmann::ordered_json listingJson(const Checkpoint& checkpoint, const ListingOptions& options);

// The listing as text: one variable per line, like the golden files.
std::string listingText(const nlohmann::ordered_json& listing);
// The same text written straight from the checkpoint, without building JSON objects first
// (what `graft-cli ls --json` prints; parsing it gives listingJson()).
std::string listingText(const Checkpoint& checkpoint, const ListingOptions& options);

// SHA-256 over the tensor's little-endian row-major bytes.
std::string tensorSha256(const Checkpoint& checkpoint, const Node& variable, std::size_t chunkBytes = 4u << 20);

// True if the filter matches the node's path or, for a variable, its native key.
bool matchesFilter(const Node& node, const std::regex& filter);

}  // namespace graft
