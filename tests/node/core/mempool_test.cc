#include "node/mempool.h"

#include <gtest/gtest.h>

namespace cc::node {
namespace {

TEST(Mempool, RefusesDuplicatesAndStaysWithinBothBounds) {
  Mempool pool(/*max_txs=*/3, /*max_bytes=*/100);
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
  Mempool pool(10, 1000);
  ASSERT_TRUE(pool.Add("a", "1").ok());
  ASSERT_TRUE(pool.Add("b", "22").ok());
  auto waited = pool.RemoveCommitted({"a", "zzz"});
  EXPECT_EQ(waited.size(), 1u);  // only what the pool held
  EXPECT_GE(waited[0], 0.0);
  EXPECT_FALSE(pool.Contains("a"));
  EXPECT_TRUE(pool.Contains("b"));
  EXPECT_EQ(pool.bytes(), 2u);
}

TEST(Mempool, ExpireDropsOnlyOldEntries) {
  Mempool pool(10, 1000);
  ASSERT_TRUE(pool.Add("a", "1").ok());
  EXPECT_EQ(pool.Expire(std::chrono::hours(1)), 0u);
  EXPECT_EQ(pool.Expire(std::chrono::steady_clock::duration::zero() - std::chrono::seconds(1)), 1u);
  EXPECT_EQ(pool.size(), 0u);
  EXPECT_EQ(pool.bytes(), 0u);
}

}  // namespace
}  // namespace cc::node
