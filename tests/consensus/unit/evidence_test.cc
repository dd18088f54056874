#include "consensus/evidence.h"

#include <gtest/gtest.h>

namespace cc::consensus {
namespace {

pb::ConsensusMessage Commit(uint32_t replica, uint64_t view, uint64_t seq, const std::string& digest) {
  pb::ConsensusMessage m;
  auto* c = m.mutable_commit();
  c->set_replica(replica);
  c->set_view(view);
  c->set_sequence(seq);
  c->set_digest(digest);
  c->set_signature("s-" + digest);
  return m;
}

TEST(EquivocationDetector, ReportsEachConflictingPairOnce) {
  EquivocationDetector d;
  EXPECT_FALSE(d.Observe(Commit(2, 0, 5, "a")).has_value());
  EXPECT_FALSE(d.Observe(Commit(2, 0, 5, "a")).has_value());  // same vote again
  auto ev = d.Observe(Commit(2, 0, 5, "b"));
  ASSERT_TRUE(ev.has_value());
  EXPECT_EQ(ev->replica(), 2u);
  EXPECT_EQ(ev->sequence(), 5u);
  EXPECT_EQ(ev->first().commit().digest(), "a");
  EXPECT_EQ(ev->second().commit().digest(), "b");
  EXPECT_FALSE(d.Observe(Commit(2, 0, 5, "b")).has_value());
  EXPECT_TRUE(d.Observe(Commit(2, 0, 5, "c")).has_value());  // a new pair
}

TEST(EquivocationDetector, DifferentViewsKindsOrReplicasAreNotConflicts) {
  EquivocationDetector d;
  (void)d.Observe(Commit(2, 0, 5, "a"));
  EXPECT_FALSE(d.Observe(Commit(2, 1, 5, "b")).has_value());
  EXPECT_FALSE(d.Observe(Commit(3, 0, 5, "b")).has_value());
  pb::ConsensusMessage prepare;
  prepare.mutable_prepare()->set_replica(2);
  prepare.mutable_prepare()->set_sequence(5);
  prepare.mutable_prepare()->set_digest("b");
  EXPECT_FALSE(d.Observe(prepare).has_value());
}

TEST(EquivocationDetector, ForgetDropsStableSequences) {
  EquivocationDetector d;
  (void)d.Observe(Commit(2, 0, 5, "a"));
  (void)d.Observe(Commit(2, 0, 9, "a"));
  d.Forget(5);
  EXPECT_EQ(d.size(), 1u);
  EXPECT_FALSE(d.Observe(Commit(2, 0, 5, "b")).has_value());
  EXPECT_TRUE(d.Observe(Commit(2, 0, 9, "b")).has_value());
}

TEST(EquivocationDetector, StripsBatchBodiesFromEvidence) {
  EquivocationDetector d;
  pb::ConsensusMessage a, b;
  for (auto* m : {&a, &b}) {
    auto* pp = m->mutable_preprepare();
    pp->set_sequence(1);
    pp->mutable_batch()->add_requests("body");
  }
  a.mutable_preprepare()->set_digest("a");
  b.mutable_preprepare()->set_digest("b");
  (void)d.Observe(a);
  auto ev = d.Observe(b);
  ASSERT_TRUE(ev.has_value());
  EXPECT_FALSE(ev->first().preprepare().has_batch());
  EXPECT_FALSE(ev->second().preprepare().has_batch());
}

}  // namespace
}  // namespace cc::consensus
