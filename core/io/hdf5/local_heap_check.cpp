#include "io/hdf5/local_heap_check.h"

#include <algorithm>
#include <cstring>
#include <vector>

namespace graft::hdf5 {
namespace {

// Real local heaps hold one group's link names: bytes to kilobytes. A larger one is left to
// libhdf5 unchecked rather than copied here.
constexpr std::uint64_t kMaxCheckedHeapBytes = std::uint64_t{64} << 20;
constexpr std::uint64_t kEndOfFreeList = 1;  // libhdf5's H5HL_FREE_NULL

bool validSize(unsigned n) { return n == 2 || n == 4 || n == 8; }

}  // namespace

std::string localHeapProblem(const unsigned char* header, std::size_t size, const ByteReader& readFile,
                             std::uint64_t fileSize, unsigned lengthSize, unsigned offsetSize) {
  // "HEAP", version 0, 3 reserved bytes, the data block's size, the offset of its first free
  // block, the data block's address.
  if (!validSize(lengthSize) || !validSize(offsetSize)) return {};  // libhdf5 refuses such files itself
  if (size < 8u + 2 * lengthSize + offsetSize || std::memcmp(header, "HEAP", 4) != 0 || header[4] != 0) return {};
  const std::uint64_t dataSize = littleEndian(header + 8, lengthSize);
  const std::uint64_t firstFree = littleEndian(header + 8 + lengthSize, lengthSize);
  const std::uint64_t dataAddress = littleEndian(header + 8 + 2 * lengthSize, offsetSize);
  if (firstFree == kEndOfFreeList || firstFree >= dataSize) return {};  // none, or libhdf5's "bad heap free list"
  if (dataSize > kMaxCheckedHeapBytes || dataAddress >= fileSize) return {};

  // As Graft's driver reads it: what lies past the end of the file reads as zeros.
  std::vector<unsigned char> data(static_cast<std::size_t>(dataSize), 0);
  const auto inFile = static_cast<std::size_t>(std::min(dataSize, fileSize - dataAddress));
  if (!readFile(dataAddress, inFile, data.data())) return {};

  // Each free block starts with the offset of the next one and its own size, so it takes at
  // least 2 lengths, and blocks do not overlap: a list of more blocks than fit loops.
  const std::string of = "a local heap of " + std::to_string(dataSize) + " bytes at " + std::to_string(dataAddress);
  const std::uint64_t maxBlocks = dataSize / (2 * lengthSize);
  std::uint64_t blocks = 0;
  for (std::uint64_t at = firstFree; at != kEndOfFreeList; ++blocks) {
    if (at >= dataSize) return {};  // libhdf5: "bad heap free list"
    if (dataSize - at < 2 * lengthSize)
      return of + " has a free block at " + std::to_string(at) + " that runs past its end";
    const std::uint64_t next = littleEndian(data.data() + at, lengthSize);
    const std::uint64_t blockSize = littleEndian(data.data() + at + lengthSize, lengthSize);
    if (next == 0 || blockSize > dataSize - at) return {};  // libhdf5 refuses these itself
    if (blocks == maxBlocks)
      return of + " has a free list that loops (more than " + std::to_string(maxBlocks) +
             " blocks; libhdf5 would allocate until memory runs out)";
    at = next;
  }
  return {};
}

}  // namespace graft::hdf5
