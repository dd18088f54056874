#include "consensus/message_log.h"

#include <gtest/gtest.h>

namespace cc::consensus {
namespace {

TEST(MessageLog, WatermarkWindowIsLowExclusiveHighInclusive) {
  MessageLog log(16);
  EXPECT_FALSE(log.InWindow(0));
  EXPECT_TRUE(log.InWindow(1));
  EXPECT_TRUE(log.InWindow(16));
  EXPECT_FALSE(log.InWindow(17));
  log.AdvanceLow(8);
  EXPECT_FALSE(log.InWindow(8));
  EXPECT_TRUE(log.InWindow(24));
  EXPECT_FALSE(log.InWindow(25));
  log.AdvanceLow(4);  // never moves back
  EXPECT_EQ(log.low(), 8u);
}

TEST(MessageLog, GarbageCollectsAtTheLowWatermark) {
  MessageLog log(16);
  for (uint64_t s = 1; s <= 10; ++s) (void)log.At(s, 0).prepares.Add(1, "d", "sig");
  log.AdvanceLow(4);
  EXPECT_EQ(log.Find(4), nullptr);
  ASSERT_NE(log.Find(5), nullptr);
  EXPECT_EQ(log.Find(5)->prepares.Count("d"), 1u);
  EXPECT_EQ(log.slots().size(), 6u);
}

TEST(MessageLog, ASlotOfAnOlderViewIsReset) {
  MessageLog log(16);
  Slot& s = log.At(3, 0);
  (void)s.commits.Add(2, "d", "sig");
  s.prepared = true;
  Slot& again = log.At(3, 0);
  EXPECT_TRUE(again.prepared);
  Slot& next = log.At(3, 1);
  EXPECT_EQ(next.view, 1u);
  EXPECT_FALSE(next.prepared);
  EXPECT_EQ(next.commits.Count("d"), 0u);
}

TEST(BatchStore, KeepsBodiesUntilTheirHighestSequenceIsStable) {
  BatchStore store;
  pb::Batch b;
  b.add_requests("x");
  store.Put("d", b, 3);
  store.Put("d", b, 9);  // the same body re-proposed later
  store.Put("e", b, 4);
  store.Forget(5);
  EXPECT_NE(store.Get("d"), nullptr);
  EXPECT_EQ(store.Get("e"), nullptr);
  store.Forget(9);
  EXPECT_EQ(store.size(), 0u);
}

}  // namespace
}  // namespace cc::consensus
