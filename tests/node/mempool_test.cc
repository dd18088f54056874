#include "node/mempool.h"

#include <gtest/gtest.h>

namespace cc::node {
namespace {

constexpr uint64_t kSomeWallMs = 1'700'000'000'000;

TEST(Mempool, RefusesDuplicatesAndStaysWithinBothBounds) {
  FakeClock clock(kSomeWallMs);
  Mempool pool(/*max_txs=*/3, /*max_bytes=*/100, clock);
  EXPECT_TRUE(pool.Add("a", std::string(40, 'x')).ok());
  EXPECT_EQ(pool.Add("a", std::string(40, 'x')).code(), "duplicate");
  EXPECT_TRUE(pool.Add("b", std::string(40, 'x')).ok());
  EXPECT_EQ(pool.Add("c", std::string(40, 'x')).code(), "mempool_full");  // bytes bound
  EXPECT_TRUE(pool.Add("c", std::string(10, 'x')).ok());
  EXPECT_EQ(pool.Add("d", std::string(1, 'x')).code(), "mempool_full");  // count bound
  EXPECT_EQ(pool.size(), 3u);
  EXPECT_EQ(pool.bytes(), 90u);
  EXPECT_TRUE(pool.full());
}

TEST(Mempool, CommittedTransactionsLeaveAndReportTheirWait) {
  FakeClock clock(kSomeWallMs);
  Mempool pool(10, 1000, clock);
  ASSERT_TRUE(pool.Add("a", "1").ok());
  clock.Advance(std::chrono::milliseconds(250));
  ASSERT_TRUE(pool.Add("b", "22").ok());
  auto waited = pool.RemoveCommitted({"a", "zzz"});
  ASSERT_EQ(waited.size(), 1u);  // only what the pool held
  EXPECT_DOUBLE_EQ(waited[0], 0.25);
  EXPECT_FALSE(pool.Contains("a"));
  EXPECT_TRUE(pool.Contains("b"));
  EXPECT_EQ(pool.bytes(), 2u);
}

TEST(Mempool, ExpireDropsOnlyOldEntries) {
  FakeClock clock(kSomeWallMs);
  Mempool pool(10, 1000, clock);
  ASSERT_TRUE(pool.Add("old", "1").ok());
  clock.Advance(std::chrono::minutes(30));
  ASSERT_TRUE(pool.Add("new", "22").ok());
  EXPECT_EQ(pool.Expire(std::chrono::hours(1)), 0u);
  clock.Advance(std::chrono::minutes(31));  // "old" waited 61 minutes, "new" 31
  EXPECT_EQ(pool.Expire(std::chrono::hours(1)), 1u);
  EXPECT_FALSE(pool.Contains("old"));
  EXPECT_TRUE(pool.Contains("new"));
  EXPECT_EQ(pool.bytes(), 2u);
}

}  // namespace
}  // namespace cc::node
