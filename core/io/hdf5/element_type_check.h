#pragma once
// A check of a dataset's element type before libhdf5 converts its values. libhdf5 1.10.8 takes a
// number type whose bit fields lie outside its own bytes (a decoded bit offset of 16384 in a
// 4-byte float, say) and, converting it, sets bits as far away as the type claims: a fuzzed
// Keras 2 file made it write 2 KB past a stack buffer (tests/fuzz-findings/README.md). No writer
// makes such a type, so Graft refuses it before any read.

#include <hdf5.h>

#include <string>

namespace graft::hdf5 {

// What is impossible about the type (integer, float, enum over an integer, compound of those),
// or empty when every bit field lies inside its bytes.
std::string elementTypeProblem(hid_t type);

}  // namespace graft::hdf5
