#pragma once
// A check of an HDF5 local heap (where an old-style group keeps its link names) before libhdf5
// decodes it. Debian's libhdf5 1.10.8 follows the heap's free list without looking for a loop:
// a fuzzed Keras 3 file whose free block points to itself made it allocate list nodes until
// memory ran out (40 s and 4 GB for `graft-cli ls`; tests/fuzz-findings/README.md). Graft's
// HDF5 file driver runs this on every local heap header it reads, so such a file ends with an
// error at once.

#include <cstddef>
#include <cstdint>
#include <string>

#include "io/hdf5/file_bytes.h"

namespace graft::hdf5 {

// What is wrong with the local heap whose header ("HEAP", version 0) is the `size` bytes at
// `header`, or empty when libhdf5 can decode it or will refuse it itself. `readFile` reads the
// file at its HDF5 addresses (counted from the superblock, as the header stores them), of which
// there are `fileSize`; `lengthSize` and `offsetSize` are the superblock's sizes of lengths and
// offsets (2, 4 or 8).
std::string localHeapProblem(const unsigned char* header, std::size_t size, const ByteReader& readFile,
                             std::uint64_t fileSize, unsigned lengthSize, unsigned offsetSize);

}  // namespace graft::hdf5
