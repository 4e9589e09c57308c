// libFuzzer target: a whole checkpoint file of the format GRAFT_FUZZ_FORMAT (a format id), from
// bytes held in a memory file. It is sniffed, opened, and every tensor is read through with its
// SHA-256 (as `graft-cli ls --checksums` does), so both metadata and data paths run. Inputs the
// format's sniffer does not claim end early.
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "open_and_list.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const int fd = memfd_create("fuzz-checkpoint", 0);
  if (fd < 0 || ftruncate(fd, 0) != 0 || pwrite(fd, data, size, 0) != static_cast<ssize_t>(size)) return 0;
  const std::string path = "/proc/self/fd/" + std::to_string(fd);
  graft::fuzz::openAndList(path);
  return 0;
}
