#pragma once
// A check of an HDF5 global heap collection (where variable-length strings live) before libhdf5
// decodes it. Debian's libhdf5 1.10.8 loops forever on a collection whose free-space entry has
// size 0, and takes objects that claim more bytes than the collection holds (fuzz findings in
// tests/fuzz-findings/README.md). Graft's HDF5 file driver runs this on every collection it
// reads, so such a file ends with an error instead of a hang.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

namespace graft::hdf5 {

// Reads `n` bytes at `pos`, counted from the collection's first byte; false when it cannot.
using CollectionReader = std::function<bool(std::uint64_t pos, std::size_t n, unsigned char* out)>;

// What is wrong with the collection starting at the reader's position 0, or empty when libhdf5
// can decode it. `available` is how many bytes of the file follow its start; `lengthSize` the
// file's size of lengths (from its superblock: 2, 4 or 8).
std::string globalHeapCollectionProblem(const CollectionReader& read, std::uint64_t available,
                                        unsigned lengthSize);

}  // namespace graft::hdf5
