#include "about.h"

#include "io/hdf5/hdf5_library.h"

namespace graft {

std::string graftVersion() { return GRAFT_VERSION; }

std::string hdf5Version() {
  unsigned major = 0, minor = 0, release = 0;
  auto l = hdf5::lock();
  H5get_libversion(&major, &minor, &release);
  return std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(release);
}

}  // namespace graft
