#pragma once
// A zip of stored (uncompressed) members written in place, the way PyTorch's writer lays it
// out (checkpoint-formats.md §1.4, §6.1, §6.6): members one after another, each local header
// padded with a "FB" extra field so that the member's bytes start on a 64-byte boundary; the
// local headers (with their CRC-32s) and the central directory are written last, with ZIP64
// records when a size, an offset or the member count needs them.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace graft::pytorch {

inline constexpr std::uint64_t kZipAlignment = 64;

struct StoredZipEntry {
  std::string name;
  std::uint64_t size = 0;
  std::uint64_t headerOffset = 0;  // set by layOutStoredZip
  std::uint64_t dataOffset = 0;    // set by layOutStoredZip; a multiple of kZipAlignment
  std::uint32_t crc32 = 0;         // set by the caller once the bytes are written
};

// Places the entries in order from offset 0; returns where the central directory goes.
// With forceZip64 every entry gets ZIP64 fields, as large archives need (for tests).
std::uint64_t layOutStoredZip(std::vector<StoredZipEntry>& entries, bool forceZip64);

// Writes every local header, the central directory and the end records into `fd`.
void writeStoredZipDirectory(const std::filesystem::path& file, int fd, const std::vector<StoredZipEntry>& entries,
                             std::uint64_t directoryOffset, bool forceZip64);

// zlib CRC-32 continued over `bytes`.
std::uint32_t crc32Update(std::uint32_t crc, const void* bytes, std::uint64_t size);

}  // namespace graft::pytorch
