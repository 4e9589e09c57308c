#pragma once
// A 4 GiB address-space cap for the single-threaded commands that only read checkpoints (probe, ls).
// Opening reads metadata only and tensor bytes stream in bounded chunks, so the 100,000-variable
// benchmark files peak at 400 MB. libhdf5, though, allocates and zeroes whatever a crafted string
// length claims, up to 4 GiB per string (tests/fuzz-findings/libhdf5-vlen-length-allocation.h5:
// 6 s and 4 GB uncapped); under the cap that allocation fails at once and the file is refused.
// Commands that write (merge, convert) and the threaded ones (stats, diff --values) are left
// uncapped: each thread's stack and malloc arena reserve address space (8 MB and 64 MB), so the
// need grows with the number of cores.

namespace graft::cli {

// Sets RLIMIT_AS for this process. Not in sanitizer builds: ASan reserves terabytes of address
// space for its shadow memory.
void capAddressSpaceForReading();

}  // namespace graft::cli
