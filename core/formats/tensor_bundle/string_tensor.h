#pragma once
// DT_STRING tensors in a bundle's data file (checkpoint-formats.md §2.7): varint64 lengths,
// a masked CRC32C of those lengths (each fed as 4-byte LE uint32, or 8-byte when ≥ 2^32), then
// the concatenated bytes. The entry's crc32c continues that CRC over the 4 stored checksum
// bytes and the string bytes.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace graft::tfbundle {

// Splits a stored region of `count` elements into its strings. Verifies the length checksum
// and, against `entryCrcMasked`, the whole-region checksum; throws WireError on a mismatch or
// malformed data (lengths beyond the region, trailing bytes).
std::vector<std::string> decodeStringTensor(std::span<const std::byte> region, std::uint64_t count,
                                            std::uint32_t entryCrcMasked);

// How Graft streams a string tensor (and the goldens hash it): per element a little-endian
// uint64 length, then the bytes.
std::string canonicalStrings(const std::vector<std::string>& elements);
// The first element of such a stream (empty when there is none).
std::string_view firstCanonicalString(std::string_view canonical);

struct EncodedStringTensor {
  std::string region;          // bytes for the data file
  std::uint32_t entryCrcMasked = 0;
};
EncodedStringTensor encodeStringTensor(const std::vector<std::string>& elements);

}  // namespace graft::tfbundle
