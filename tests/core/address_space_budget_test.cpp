// AddressSpaceBudget: a lower RLIMIT_AS for the length of one library call, once enabled.

#include <gtest/gtest.h>

#include <sys/mman.h>
#include <sys/resource.h>

#include <cstddef>
#include <cstdint>

#include "io/address_space_budget.h"

using namespace graft;

namespace {

// An mmap, not malloc: a compiler may drop a malloc whose result goes unused.
bool canMap(std::size_t bytes) {
  void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) return false;
  munmap(p, bytes);
  return true;
}

rlim_t softLimit() {
  rlimit l{};
  getrlimit(RLIMIT_AS, &l);
  return l.rlim_cur;
}

}  // namespace

TEST(AddressSpaceBudget, RefusesAnAllocationBeyondItOnlyWhileItHoldsAndOnlyOnceEnabled) {
#if defined(GRAFT_SANITIZED)
  GTEST_SKIP() << "budgets are never enabled in sanitizer builds (ASan's shadow memory needs terabytes of address space)";
#else
  constexpr std::size_t kGiB = std::size_t{1} << 30;
  const rlim_t before = softLimit();
  {
    const AddressSpaceBudget off(64 << 20);
    EXPECT_FALSE(off.active()) << "a process that did not enable budgets is never limited";
    EXPECT_TRUE(canMap(kGiB));
  }
  enableAddressSpaceBudgets();
  {
    const AddressSpaceBudget budget(64 << 20);
    EXPECT_TRUE(budget.active());
    EXPECT_FALSE(canMap(kGiB)) << "1 GiB inside a 64 MiB budget";
    EXPECT_TRUE(canMap(16 << 20)) << "16 MiB inside a 64 MiB budget";
    {
      const AddressSpaceBudget wider(std::uint64_t{8} << 30);
      EXPECT_FALSE(wider.active()) << "a budget never raises the limit it finds";
      EXPECT_FALSE(canMap(kGiB));
    }
  }
  EXPECT_EQ(softLimit(), before) << "the limit from before comes back";
  EXPECT_TRUE(canMap(kGiB));
#endif
}

TEST(AddressSpaceBudget, LoweringTheLimitNeverRaisesIt) {
#if defined(GRAFT_SANITIZED)
  GTEST_SKIP() << "ASan's shadow memory needs terabytes of address space";
#else
  constexpr std::uint64_t kLow = std::uint64_t{256} << 30, kHigher = std::uint64_t{512} << 30;
  const rlim_t before = softLimit();
  if (before != RLIM_INFINITY && before <= kLow) GTEST_SKIP() << "started under a limit of " << before << " bytes already";
  std::uint64_t previous = 0;
  ASSERT_TRUE(lowerAddressSpaceLimit(kLow, &previous));
  EXPECT_EQ(previous, before);
  EXPECT_EQ(softLimit(), kLow);
  EXPECT_FALSE(lowerAddressSpaceLimit(kHigher)) << "a higher limit is no lowering";
  EXPECT_EQ(softLimit(), kLow);
  rlimit restore{};
  getrlimit(RLIMIT_AS, &restore);
  restore.rlim_cur = before;
  ASSERT_EQ(setrlimit(RLIMIT_AS, &restore), 0);
#endif
}
