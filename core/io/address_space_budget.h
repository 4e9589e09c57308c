#pragma once
// A lower address-space limit for the length of one call into a library that allocates what a
// file claims. libhdf5 allocates and zeroes a variable-length string's claimed length (up to
// 4 GiB per string) before it reads the string, so a 190 KB file could make `graft-cli ls` zero
// 3.97 GB for half a minute. Inside a budget that allocation fails at once and the read fails.
//
// Off unless the process enables it: RLIMIT_AS is process-wide, and another thread allocating
// while a budget holds would fail too. Only single-threaded readers (graft-cli ls and probe,
// under their 4 GiB cap) enable it; sanitizer builds cannot (ASan reserves terabytes).

#include <cstdint>

namespace graft {

// Lowers this process's soft RLIMIT_AS to `bytes`; a limit already as low, set by whoever
// started us, stays. Returns whether it lowered it, and then the limit before in `previous`.
bool lowerAddressSpaceLimit(std::uint64_t bytes, std::uint64_t* previous = nullptr);

void enableAddressSpaceBudgets();
bool addressSpaceBudgetsEnabled();

class AddressSpaceBudget {
 public:
  // Limits the process to the address space it uses now plus `bytes` (never raising a limit).
  explicit AddressSpaceBudget(std::uint64_t bytes);
  ~AddressSpaceBudget();  // the limit from before
  AddressSpaceBudget(const AddressSpaceBudget&) = delete;
  AddressSpaceBudget& operator=(const AddressSpaceBudget&) = delete;

  bool active() const { return active_; }

 private:
  bool active_ = false;
  std::uint64_t previous_ = 0;
};

}  // namespace graft
