// ViewHealth: a validator participates only when it is settled in a view that a
// quorum of validators (itself included) announce; every other case says why.
#include "node/view_health.h"

#include <gtest/gtest.h>

namespace cc::node {
namespace {

consensus::Stats InView(uint64_t view, bool changing = false) {
  consensus::Stats s;
  s.view = view;
  s.in_view_change = changing;
  return s;
}

TEST(ViewHealth, ParticipatesWithAQuorumInItsView) {
  ViewHealth h(4, 0, 2000);
  h.NotePeer(1, 3, false, 1000);
  h.NotePeer(2, 3, false, 1000);
  const auto r = h.Evaluate(InView(3), 1500);
  EXPECT_TRUE(r.participating);
  EXPECT_EQ(r.validators_in_view, 3u);
  ASSERT_TRUE(r.quorum_view);
  EXPECT_EQ(*r.quorum_view, 3u);
  EXPECT_EQ(r.reason, "");
  EXPECT_EQ(r.views[1], 3u);
  EXPECT_FALSE(r.views[3]);  // never heard
}

TEST(ViewHealth, AloneInAViewChangeIsNotParticipating) {
  ViewHealth h(4, 2, 2000);
  for (uint32_t v : {0u, 1u, 3u}) h.NotePeer(v, 3, false, 1000);
  const auto r = h.Evaluate(InView(61, /*changing=*/true), 1500);
  EXPECT_FALSE(r.participating);
  EXPECT_EQ(r.reason, "in the view change to view 61 while a quorum is in view 3");
  // Without a quorum anywhere it says how many are with it.
  ViewHealth lonely(4, 2, 2000);
  EXPECT_EQ(lonely.Evaluate(InView(5, true), 0).reason, "alone in the view change to view 5");
  lonely.NotePeer(1, 5, true, 0);
  EXPECT_EQ(lonely.Evaluate(InView(5, true), 0).reason,
            "2 of 4 validators (3 needed) in the view change to view 5");
  lonely.NotePeer(3, 5, true, 0);
  EXPECT_EQ(lonely.Evaluate(InView(5, true), 0).reason,
            "in the view change to view 5, waiting for its NEW-VIEW");
}

TEST(ViewHealth, BehindOrShortOfAQuorum) {
  ViewHealth h(4, 3, 2000);
  for (uint32_t v : {0u, 1u, 2u}) h.NotePeer(v, 7, false, 1000);
  EXPECT_EQ(h.Evaluate(InView(5), 1000).reason,
            "behind the quorum: it is in view 7, this validator in view 5");
  ViewHealth few(4, 3, 2000);
  few.NotePeer(0, 2, false, 1000);
  const auto r = few.Evaluate(InView(2), 1000);
  EXPECT_FALSE(r.participating);
  EXPECT_EQ(r.validators_in_view, 2u);
  EXPECT_EQ(r.reason, "only 2 of 4 validators heard from in view 2 (3 needed)");
}

TEST(ViewHealth, StaleAnnouncementsAndStrangersDoNotCount) {
  ViewHealth h(4, 0, 2000);
  h.NotePeer(1, 0, false, 0);
  h.NotePeer(2, 0, false, 0);
  h.NotePeer(9, 0, false, 0);  // not a validator index: ignored
  h.NotePeer(0, 9, false, 0);  // itself: ignored
  EXPECT_TRUE(h.Evaluate(InView(0), 1999).participating);
  const auto later = h.Evaluate(InView(0), 2000);
  EXPECT_FALSE(later.participating);
  EXPECT_FALSE(later.views[1]);
  EXPECT_EQ(later.views[0], 0u);
}

}  // namespace
}  // namespace cc::node
