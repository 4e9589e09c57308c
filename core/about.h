#pragma once
// Versions for --version and the About box.

#include <string>

namespace graft {

std::string graftVersion();  // "0.1.0"
std::string hdf5Version();   // "1.10.8", the libhdf5 actually loaded

}  // namespace graft
