#pragma once
// A check of an HDF5 global heap collection (where variable-length strings live) before libhdf5
// decodes it. Debian's libhdf5 1.10.8 loops forever on a collection whose free-space entry has
// size 0, and takes objects that claim more bytes than the collection holds (fuzz findings in
// tests/fuzz-findings/README.md). Graft's HDF5 file driver runs this on every collection it
// reads, so such a file ends with an error instead of a hang.

#include <cstdint>
#include <string>

#include "io/hdf5/file_bytes.h"

namespace graft::hdf5 {

// What is wrong with the collection starting at the reader's position 0, or empty when libhdf5
// can decode it. `available` is how many bytes of the file follow its start; `lengthSize` the
// file's size of lengths (from its superblock: 2, 4 or 8).
std::string globalHeapCollectionProblem(const ByteReader& read, std::uint64_t available,
                                        unsigned lengthSize);

}  // namespace graft::hdf5
