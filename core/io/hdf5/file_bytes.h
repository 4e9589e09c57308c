#pragma once
// What the heap checks (global_heap_check.h, local_heap_check.h) share: a reader of the bytes
// of a structure in an HDF5 file, and decoding of the little-endian numbers HDF5 stores.

#include <cstddef>
#include <cstdint>
#include <functional>

namespace graft::hdf5 {

// Reads `n` bytes at `pos`, counted from the structure's first byte; false when it cannot.
using ByteReader = std::function<bool(std::uint64_t pos, std::size_t n, unsigned char* out)>;

// The unsigned number of `n` bytes (at most 8) at `p`, least significant byte first.
inline std::uint64_t littleEndian(const unsigned char* p, unsigned n) {
  std::uint64_t v = 0;
  for (unsigned i = n; i-- > 0;) v = (v << 8) | p[i];
  return v;
}

}  // namespace graft::hdf5
