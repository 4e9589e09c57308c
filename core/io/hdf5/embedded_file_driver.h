#pragma once
// Graft's HDF5 virtual file driver, read-only, for every HDF5 file it opens. It reads an HDF5
// file lying verbatim inside another file (a stored member of a .keras zip) in place: nothing
// is extracted and tensor bytes keep a plain file offset for direct reads and kernel-side
// copies; a whole file is the case offset 0. It checks each global heap collection before
// libhdf5 decodes it (global_heap_check.h).

#include <cstdint>

#include "io/hdf5/hdf5_library.h"

namespace graft::hdf5 {

// A file-access property list for H5Fopen: the file it names is read as the `size` bytes
// starting at `offset`. Call with the HDF5 lock held.
Id embeddedFileAccess(std::uint64_t offset, std::uint64_t size);

}  // namespace graft::hdf5
