#include "address_space_cap.h"

#include <cstdint>

#include "io/address_space_budget.h"

namespace graft::cli {

void capAddressSpaceForReading() {
#if !defined(GRAFT_SANITIZED)
  lowerAddressSpaceLimit(std::uint64_t{4} << 30);
  enableAddressSpaceBudgets();  // these commands read on one thread
#endif
}

}  // namespace graft::cli
