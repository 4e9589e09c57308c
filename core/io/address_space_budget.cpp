#include "io/address_space_budget.h"

#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>

namespace graft {
namespace {

std::atomic<bool> enabled{false};

// The address space in use: the first field of /proc/self/statm, in pages.
bool addressSpaceInUse(std::uint64_t& bytes) {
  std::FILE* f = std::fopen("/proc/self/statm", "r");
  if (!f) return false;
  unsigned long long pages = 0;
  const bool ok = std::fscanf(f, "%llu", &pages) == 1;
  std::fclose(f);
  bytes = static_cast<std::uint64_t>(pages) * static_cast<std::uint64_t>(sysconf(_SC_PAGESIZE));
  return ok;
}

}  // namespace

bool lowerAddressSpaceLimit(std::uint64_t bytes, std::uint64_t* previous) {
  rlimit limit{};
  if (getrlimit(RLIMIT_AS, &limit) != 0) return false;
  if (limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur <= bytes) return false;
  if (previous) *previous = limit.rlim_cur;
  limit.rlim_cur = static_cast<rlim_t>(bytes);
  return setrlimit(RLIMIT_AS, &limit) == 0;
}

void enableAddressSpaceBudgets() { enabled = true; }
bool addressSpaceBudgetsEnabled() { return enabled; }

AddressSpaceBudget::AddressSpaceBudget(std::uint64_t bytes) {
  std::uint64_t inUse = 0;
  if (!enabled || !addressSpaceInUse(inUse)) return;
  const std::uint64_t wanted = inUse + bytes < inUse ? UINT64_MAX : inUse + bytes;
  active_ = lowerAddressSpaceLimit(wanted, &previous_);
}

AddressSpaceBudget::~AddressSpaceBudget() {
  if (!active_) return;
  rlimit limit{};
  if (getrlimit(RLIMIT_AS, &limit) != 0) return;
  limit.rlim_cur = static_cast<rlim_t>(previous_);
  setrlimit(RLIMIT_AS, &limit);
}

}  // namespace graft
