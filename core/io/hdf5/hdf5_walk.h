#pragma once
// A bounded walk over an HDF5 file's objects, in place of H5Ovisit: libhdf5's own visit grows
// steeply with nesting depth (400 nested groups take 3.7 s, 3,000 never finish), so a hostile
// file could hang an open. This walk follows hard links only, visits each object once (hard-link
// cycles end), and stops with an error past a depth or object-count cap.

#include <hdf5.h>

#include <cstddef>
#include <string>
#include <vector>

namespace graft::hdf5 {

struct WalkedObject {
  std::string path;  // relative to the walk's start, '/'-joined
  H5O_type_t type;   // H5O_TYPE_GROUP or H5O_TYPE_DATASET
};

struct WalkLimits {
  std::size_t maxObjects = 10'000'000;
  int maxDepth = 256;  // Keras nests models a few levels deep; nothing real comes near this
};

// Every group and dataset below `group`, depth first, each before its children, siblings in
// name order (the order H5Ovisit2 with H5_INDEX_NAME gives). Throws graft::Error (without a file
// name: the caller adds it) when a limit is passed or libhdf5 fails. Call with the lock held.
std::vector<WalkedObject> walkObjects(hid_t group, const WalkLimits& limits = {});

}  // namespace graft::hdf5
