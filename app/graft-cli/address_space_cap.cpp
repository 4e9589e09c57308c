#include "address_space_cap.h"

#include <sys/resource.h>

#include "io/address_space_budget.h"

namespace graft::cli {

void capAddressSpaceForReading() {
#if !defined(GRAFT_SANITIZED)
  constexpr rlim_t kCap = rlim_t{4} << 30;
  rlimit limit{};
  if (getrlimit(RLIMIT_AS, &limit) != 0) return;
  // Only ever lowered: a smaller limit set by the caller stays.
  const auto lower = [](rlim_t a, rlim_t b) { return a == RLIM_INFINITY ? b : (b == RLIM_INFINITY ? a : (a < b ? a : b)); };
  limit.rlim_cur = lower(lower(limit.rlim_cur, kCap), limit.rlim_max);
  setrlimit(RLIMIT_AS, &limit);
  enableAddressSpaceBudgets();  // these commands read on one thread
#endif
}

}  // namespace graft::cli
