// QueryQuotaGuard: audits admitted but not committed count against the quota.
#include "api/credit_quota.h"

#include <gtest/gtest.h>

namespace cc::api {
namespace {

TEST(QueryQuotaGuard, CountsPendingAndReservedUntilCommittedOrExpired) {
  std::set<std::string> ledger;
  QueryQuotaGuard guard([&](const std::string& id) { return ledger.count(id) != 0; });
  const uint64_t now = 1000;
  ASSERT_TRUE(guard.Reserve(/*committed_today=*/1, /*quota=*/4, now));
  ASSERT_TRUE(guard.Reserve(1, 4, now));
  ASSERT_TRUE(guard.Reserve(1, 4, now));
  EXPECT_FALSE(guard.Reserve(1, 4, now)) << "1 committed + 3 reserved reach the quota";
  guard.Released();  // one audit was refused by admission
  guard.Admitted("a", /*not_after_ms=*/5000);
  ledger.insert("b");  // committed before Admitted ran: not pending
  guard.Admitted("b", 5000);
  EXPECT_EQ(guard.pending(), 1u);
  ASSERT_TRUE(guard.Reserve(1, 4, now));   // 1 committed + 1 pending + 0 reserved
  ASSERT_TRUE(guard.Reserve(1, 4, now));   // ... + 1 reserved
  EXPECT_FALSE(guard.Reserve(1, 4, now));  // ... + 2 reserved: the quota
  guard.Released();
  guard.Released();
  guard.Committed({"x", "a"});  // "a" is counted by the state from now on
  EXPECT_EQ(guard.pending(), 0u);
  ASSERT_TRUE(guard.Reserve(1, 4, now));
  guard.Admitted("c", 2000);
  EXPECT_TRUE(guard.Reserve(2, 4, now));
  guard.Released();
  EXPECT_FALSE(guard.Reserve(3, 4, now)) << "c is still pending";
  EXPECT_TRUE(guard.Reserve(3, 4, /*now=*/2001)) << "c's window ended: it can never commit";
}

}  // namespace
}  // namespace cc::api
