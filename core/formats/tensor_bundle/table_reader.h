#pragma once
// Reads a TensorBundle `.index`: a LevelDB-style sorted table (checkpoint-formats.md §2.2).
// Footer and magic checked, every block's masked CRC verified, snappy blocks decompressed
// with the declared length capped before allocating, keys rebuilt from shared prefixes.

#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace graft::tfbundle {

struct TableEntry {
  std::string key;
  std::string value;
};

struct TableFacts {
  std::size_t dataBlocks = 0;
  bool anySnappy = false;  // some block was stored snappy-compressed
};

// Every entry of the table in stored (bytewise increasing) order. Throws graft::Error naming
// `path` and the problem: too small, wrong magic, bad handle, CRC mismatch ("block checksum
// mismatch"), bad snappy data, keys not increasing, malformed block, unknown compression.
// The index file is read whole (it holds metadata only), but its size is checked first:
// files over `maxIndexBytes` are refused.
std::vector<TableEntry> readTable(const std::filesystem::path& path, TableFacts* facts = nullptr,
                                  std::uint64_t maxIndexBytes = std::uint64_t{1} << 31);
// The same over bytes already in memory (`path` only names them in errors).
std::vector<TableEntry> parseTable(const std::string& bytes, const std::filesystem::path& path,
                                   TableFacts* facts = nullptr);

}  // namespace graft::tfbundle
