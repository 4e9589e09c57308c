// libFuzzer target: a whole checkpoint file of the format GRAFT_FUZZ_FORMAT (a format id), from
// bytes written to a scratch file on tmpfs. It is sniffed, opened, and every tensor is read
// through with its SHA-256 (as `graft-cli ls --checksums` does), so both metadata and data paths
// run. Inputs the format's sniffer does not claim end early.
//
// A real file, not a memfd: libhdf5 resolves the real path of what it opens, and a memfd's
// /proc/self/fd link has none, so every HDF5 input would end at H5Fopen.
#include <fcntl.h>
#include <hdf5.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>

#include "open_and_list.h"

// libhdf5 callocs its 512 KiB metadata-cache index on every H5Fopen. Its default free-list limit
// (256 KiB a list) hands that block back at every close, so under ASan each input paid for fresh
// zeroed pages: a quarter of the HDF5 targets' time. Lists of up to 4 MiB each (64 MiB in all)
// keep it, and the Keras 2 target runs 1.6x faster. libhdf5 is not instrumented, so the reuse
// hides nothing ASan could see.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  constexpr int list = 4 << 20, all = 64 << 20;
  H5set_free_list_limits(all, list, all, list, all, list);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::filesystem::path path = graft::fuzz::scratchPath("input");
  static const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0 || ftruncate(fd, 0) != 0 || pwrite(fd, data, size, 0) != static_cast<ssize_t>(size)) return 0;
  graft::fuzz::openAndList(path);
  return 0;
}
