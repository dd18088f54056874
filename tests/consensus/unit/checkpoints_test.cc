#include "consensus/checkpoints.h"

#include <gtest/gtest.h>

namespace cc::consensus {
namespace {

pb::Checkpoint Cp(uint32_t replica, uint64_t seq, const std::string& digest) {
  pb::Checkpoint cp;
  cp.set_replica(replica);
  cp.set_sequence(seq);
  cp.set_state_digest(digest);
  cp.set_signature("sig" + std::to_string(replica));
  return cp;
}

TEST(CheckpointTracker, StableNeedsAQuorumOfMatchingDigests) {
  CheckpointTracker t(4, 3, 8);
  EXPECT_TRUE(t.Add(Cp(0, 4, "x")));
  EXPECT_TRUE(t.Add(Cp(1, 4, "x")));
  EXPECT_TRUE(t.Add(Cp(2, 4, "y")));  // disagrees
  EXPECT_FALSE(t.FindStable(0).has_value());
  EXPECT_FALSE(t.Add(Cp(1, 4, "x")));  // one per replica and sequence
  EXPECT_TRUE(t.Add(Cp(3, 4, "x")));
  auto s = t.FindStable(0);
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->sequence, 4u);
  EXPECT_EQ(s->digest, "x");
  EXPECT_EQ(s->proof.size(), 3u);
  EXPECT_FALSE(t.FindStable(4).has_value());
}

TEST(CheckpointTracker, PicksTheHighestStableAndForgets) {
  CheckpointTracker t(4, 3, 8);
  for (uint32_t r = 0; r < 3; ++r) {
    (void)t.Add(Cp(r, 4, "a"));
    (void)t.Add(Cp(r, 8, "b"));
  }
  EXPECT_EQ(t.FindStable(0)->sequence, 8u);
  t.Forget(8);
  EXPECT_FALSE(t.FindStable(0).has_value());
  EXPECT_FALSE(t.Add(Cp(3, 8, "b")));  // at or below the forget point
  EXPECT_FALSE(t.Has(0, 4));
}

TEST(CheckpointTracker, ReachedByCountsDistinctReplicas) {
  CheckpointTracker t(4, 3, 8);
  (void)t.Add(Cp(0, 40, "a"));
  EXPECT_EQ(t.ReachedBy(2), 0u);  // one replica alone proves nothing
  (void)t.Add(Cp(1, 24, "b"));
  (void)t.Add(Cp(1, 8, "b"));
  EXPECT_EQ(t.ReachedBy(1), 40u);
  EXPECT_EQ(t.ReachedBy(2), 24u);
  EXPECT_EQ(t.ReachedBy(3), 0u);
}

TEST(CheckpointTracker, BoundsMemoryPerReplica) {
  CheckpointTracker t(4, 3, 2);
  (void)t.Add(Cp(3, 4, "a"));
  (void)t.Add(Cp(3, 8, "a"));
  (void)t.Add(Cp(3, 1000, "a"));  // a faulty replica far ahead evicts only its own lowest
  EXPECT_FALSE(t.Has(3, 4));
  EXPECT_TRUE(t.Has(3, 8));
  EXPECT_TRUE(t.Has(3, 1000));
  EXPECT_FALSE(t.Add(Cp(9, 4, "a")));  // unknown replica
}

}  // namespace
}  // namespace cc::consensus
