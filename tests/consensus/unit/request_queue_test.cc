#include "consensus/request_queue.h"

#include <gtest/gtest.h>

namespace cc::consensus {
namespace {

TEST(RequestQueue, KeepsArrivalOrderAndRefusesBeyondCapacity) {
  RequestQueue q(3);
  EXPECT_EQ(q.Add("1", "r1", 5), RequestQueue::AddResult::kAdded);
  EXPECT_EQ(q.Add("2", "r2", 6), RequestQueue::AddResult::kAdded);
  EXPECT_EQ(q.Add("1", "r1", 7), RequestQueue::AddResult::kDuplicate);
  EXPECT_EQ(q.Add("3", "r3", 8), RequestQueue::AddResult::kAdded);
  EXPECT_EQ(q.Add("4", "r4", 9), RequestQueue::AddResult::kFull);
  EXPECT_EQ(q.size(), 3u);
  EXPECT_EQ(q.OldestTick(), 5u);
  q.Remove("1");
  EXPECT_EQ(q.OldestTick(), 6u);
  EXPECT_FALSE(q.Contains("1"));
  EXPECT_EQ(q.Add("4", "r4", 9), RequestQueue::AddResult::kAdded);
}

TEST(RequestQueue, EligibleSkipsOpenRequestsAndRespectsLimits) {
  RequestQueue q(100);
  for (int i = 0; i < 6; ++i) (void)q.Add(std::to_string(i), std::string(10, 'a' + i), i);
  q.MarkOpen("0");
  q.MarkOpen("2");
  q.MarkOpen("2");  // in two open batches
  auto c = q.TakeEligible(3, 1000);
  EXPECT_EQ(c.ids, (std::vector<std::string>{"1", "3", "4"}));
  EXPECT_EQ(c.bytes, 30u);
  auto by_bytes = q.TakeEligible(10, 25);
  EXPECT_EQ(by_bytes.ids, (std::vector<std::string>{"1", "3"}));
  auto e = q.CountEligible();
  EXPECT_EQ(e.count, 4u);
  EXPECT_EQ(e.bytes, 40u);
  EXPECT_EQ(e.oldest_tick, 1u);
  q.UnmarkOpen("2");
  EXPECT_TRUE(q.IsOpen("2"));
  q.UnmarkOpen("2");
  EXPECT_FALSE(q.IsOpen("2"));
  EXPECT_EQ(q.CountEligible().count, 5u);
  q.UnmarkOpen("0");
  e = q.CountEligible();
  EXPECT_EQ(e.count, 6u);
  EXPECT_EQ(e.oldest_tick, 0u);  // back in its arrival place
  EXPECT_EQ(q.TakeEligible(1, 1000).ids, std::vector<std::string>{"0"});
  q.Remove("0");
  EXPECT_EQ(q.CountEligible().bytes, 50u);
}

TEST(RequestQueue, RelayTakesOldEligibleRequestsOncePerPeriod) {
  RequestQueue q(10);
  (void)q.Add("a", "ra", 0);
  (void)q.Add("b", "rb", 4);
  (void)q.Add("c", "rc", 9);
  q.MarkOpen("b");                                        // in an open batch: the primary has it
  EXPECT_TRUE(q.TakeDueForRelay(9, 9, 10, 100).empty());  // nothing 10 ticks old yet
  EXPECT_EQ(q.TakeDueForRelay(10, 10, 10, 100), std::vector<std::string>{"ra"});
  EXPECT_TRUE(q.TakeDueForRelay(18, 18, 10, 100).empty());  // "a" relayed at 10, "c" too young
  // The horizon bounds by arrival: at now 25 with horizon 12 only "a" qualifies.
  EXPECT_EQ(q.TakeDueForRelay(12, 25, 10, 100), std::vector<std::string>{"ra"});
  EXPECT_EQ(q.TakeDueForRelay(35, 35, 10, 100), (std::vector<std::string>{"ra", "rc"}));
  EXPECT_EQ(q.TakeDueForRelay(50, 50, 10, 1), std::vector<std::string>{"ra"});  // at most one
  EXPECT_EQ(q.Remove("c"), std::optional<uint64_t>(9));
  EXPECT_EQ(q.Remove("c"), std::nullopt);
}

TEST(RequestQueue, RequestArrivingWhileItsBatchIsOpenIsNotEligible) {
  RequestQueue q(10);
  q.MarkOpen("x");  // a backup accepted a batch holding "x" before "x" reached it
  (void)q.Add("x", "rx", 1);
  EXPECT_EQ(q.CountEligible().count, 0u);
  EXPECT_EQ(q.OldestTick(), 1u);
  q.UnmarkOpen("x");
  EXPECT_EQ(q.CountEligible().count, 1u);
}

TEST(DeliveredIds, FlagsRepeatsWithinTheWindowAndInsideABatch) {
  DeliveredIds d(3);
  EXPECT_TRUE(d.Duplicates(1, {"a", "b"}).empty());
  d.Record(1, {"a", "b"});
  EXPECT_EQ(d.Duplicates(2, {"c", "a", "c"}), (std::vector<uint32_t>{1, 2}));
  d.Record(2, {"c", "a", "c"});
  d.Record(3, {});
  d.Record(4, {});
  // "b" was last seen at 1: at 5 the window [2, 5) no longer covers it; "a" (seen at 2) still.
  EXPECT_EQ(d.Duplicates(5, {"b", "a"}), (std::vector<uint32_t>{1}));
  EXPECT_TRUE(d.Contains("a"));
  EXPECT_FALSE(d.Contains("b"));
}

TEST(DeliveredIds, RebuiltFromTheLastWindowOfBlocksAgrees) {
  // A replica that saw the whole history and one restored from only the last
  // `window` blocks compute the same duplicates from then on.
  std::vector<std::vector<std::string>> blocks = {{"a"}, {"b"}, {"a", "c"}, {"d"}, {"a"}, {"b", "c"}, {"e"}};
  DeliveredIds full(3), restored(3);
  for (size_t i = 0; i < blocks.size(); ++i) full.Record(i + 1, blocks[i]);
  for (size_t i = blocks.size() - 3; i < blocks.size(); ++i) restored.Record(i + 1, blocks[i]);
  std::vector<std::string> next = {"a", "b", "c", "d", "e", "f"};
  EXPECT_EQ(full.Duplicates(8, next), restored.Duplicates(8, next));
}

}  // namespace
}  // namespace cc::consensus
