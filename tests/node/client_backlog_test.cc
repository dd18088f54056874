#include "node/client_backlog.h"

#include <gtest/gtest.h>

namespace cc::node {
namespace {

ClientBacklog::Options Opts(uint64_t max_wait_ms, uint64_t floor) {
  ClientBacklog::Options o;
  o.max_wait_ms = max_wait_ms;
  o.floor = floor;
  o.window_ms = 4000;
  return o;
}

TEST(ClientBacklog, BeforeAnyCommitTheFloorIsTheLimit) {
  ClientBacklog b(Opts(2000, 100));
  EXPECT_EQ(b.Limit(), 100u);
  EXPECT_TRUE(b.Check(99).ok());
  EXPECT_EQ(b.Check(100).code(), "mempool_full");
}

TEST(ClientBacklog, TheLimitIsTheWaitAtTheRecentCommitRate) {
  ClientBacklog b(Opts(2000, 100));
  // 3,000 tx/s for four seconds: two seconds of it is 6,000 transactions.
  for (uint64_t ms = 0; ms <= 4000; ms += 500) b.NoteCommitted(3 * ms, 10'000 + ms);
  EXPECT_DOUBLE_EQ(b.CommitRate(), 3000.0);
  EXPECT_EQ(b.Limit(), 6000u);
  EXPECT_TRUE(b.Check(5999).ok());
  EXPECT_EQ(b.Check(6000).code(), "mempool_full");
}

TEST(ClientBacklog, WhenCommitsStopTheLimitFallsBackToTheFloor) {
  ClientBacklog b(Opts(2000, 100));
  for (uint64_t ms = 0; ms <= 4000; ms += 500) b.NoteCommitted(3 * ms, ms);
  ASSERT_EQ(b.Limit(), 6000u);
  // Nothing commits for a whole window: the rate over the window is 0.
  for (uint64_t ms = 4500; ms <= 9000; ms += 500) b.NoteCommitted(12000, ms);
  EXPECT_DOUBLE_EQ(b.CommitRate(), 0.0);
  EXPECT_EQ(b.Limit(), 100u);
}

TEST(ClientBacklog, SamplesCloserThanAnEighthOfTheWindowAreMerged) {
  ClientBacklog b(Opts(1000, 0));
  b.NoteCommitted(0, 0);
  for (uint64_t ms = 1; ms < 500; ++ms) b.NoteCommitted(ms, ms);  // one sample, updated
  b.NoteCommitted(1000, 1000);
  // (1000 - 0) txs over 1000 ms, not a rate from two samples a millisecond apart.
  EXPECT_DOUBLE_EQ(b.CommitRate(), 1000.0);
}

TEST(ClientBacklog, ZeroWaitDisablesTheLimit) {
  ClientBacklog b(Opts(0, 0));
  EXPECT_TRUE(b.Check(1'000'000).ok());
  EXPECT_EQ(b.Limit(), 0u);
}

}  // namespace
}  // namespace cc::node
