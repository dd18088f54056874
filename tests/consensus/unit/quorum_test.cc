#include "consensus/quorum.h"

#include <gtest/gtest.h>

namespace cc::consensus {
namespace {

TEST(Quorum, SizesFollowTheFaultBound) {
  EXPECT_EQ(FaultsTolerated(1), 0u);
  EXPECT_EQ(QuorumSize(1), 1u);
  EXPECT_EQ(FaultsTolerated(4), 1u);
  EXPECT_EQ(QuorumSize(4), 3u);
  EXPECT_EQ(FaultsTolerated(6), 1u);
  EXPECT_EQ(QuorumSize(6), 3u);
  EXPECT_EQ(FaultsTolerated(7), 2u);
  EXPECT_EQ(QuorumSize(7), 5u);
}

TEST(VoteSet, CountsDistinctReplicasPerDigest) {
  VoteSet v;
  EXPECT_TRUE(v.Add(0, "a", "s0"));
  EXPECT_TRUE(v.Add(1, "a", "s1"));
  EXPECT_TRUE(v.Add(2, "b", "s2"));
  EXPECT_EQ(v.Count("a"), 2u);
  EXPECT_EQ(v.Count("b"), 1u);
  EXPECT_EQ(v.Count("c"), 0u);
  EXPECT_EQ(v.CountExcluding("a", 0), 1u);
  EXPECT_EQ(v.CountExcluding("a", 3), 2u);
  EXPECT_EQ(v.Leading(), "a");
  EXPECT_EQ(v.Votes("a").at(1), "s1");
}

TEST(VoteSet, OneVotePerReplicaFirstWins) {
  VoteSet v;
  EXPECT_TRUE(v.Add(1, "a", "s"));
  EXPECT_FALSE(v.Add(1, "a", "s"));  // duplicate
  EXPECT_FALSE(v.Add(1, "b", "t"));  // equivocation is never counted
  EXPECT_EQ(v.Count("a"), 1u);
  EXPECT_EQ(v.Count("b"), 0u);
  EXPECT_EQ(v.DigestOf(1), std::optional<std::string>("a"));
  EXPECT_FALSE(v.DigestOf(2).has_value());
  EXPECT_TRUE(v.HasVoted(1));
}

TEST(VoteSet, LeadingBreaksTiesBySmallestDigest) {
  VoteSet v;
  EXPECT_EQ(v.Leading(), "");
  (void)v.Add(0, "z", "");
  (void)v.Add(1, "m", "");
  EXPECT_EQ(v.Leading(), "m");
}

}  // namespace
}  // namespace cc::consensus
