// Replica view changes with 4 replicas wired by hand: a silent primary is
// replaced, holes become null batches, f+1 timeouts pull a replica along, the
// timer doubles over failed views, a replica that missed the NEW-VIEW catches up.
// View synchronization (consensus/README.md): a replica alone never leaves its
// view; only a valid timeout certificate moves it; a replica behind the quorum's
// view catches up by itself.
#include <gtest/gtest.h>

#include <memory>

#include "proto/canonical.h"
#include "tests/consensus/unit/test_cluster.h"

namespace cc::consensus {
namespace {

using testing::Envelope;
using testing::Req;
using testing::TestCluster;
using testing::TestConfig;

TEST(PbftViewChange, SilentPrimaryIsReplacedAfterTheRequestTimer) {
  TestCluster c(TestConfig());  // view_change_timeout_ticks = 20
  c.SetDown(0, true);
  c.Request(Req(1));
  c.Tick(19);
  EXPECT_EQ(c.replica(1).view(), 0u);
  c.Tick(1);
  // Timer expired on all three: view 1, primary 1, which re-proposes the request.
  c.Tick(3);
  for (uint32_t i = 1; i < 4; ++i) {
    EXPECT_EQ(c.replica(i).view(), 1u);
    EXPECT_FALSE(c.replica(i).stats().in_view_change);
    EXPECT_EQ(c.replica(i).stats().view_changes, 1u);
    ASSERT_EQ(c.height(i), 1u) << "replica " << i;
    EXPECT_EQ(c.node(i).ledger[0].batch.requests(0), Req(1));
    EXPECT_EQ(c.node(i).ledger[0].certificate.view(), 1u);
  }
  // The view change persisted the view entered and the signed VIEW-CHANGE.
  bool entered = false, sent_vc = false;
  for (const auto& r : c.node(2).records) {
    entered = entered || (r.has_entered_view() && r.entered_view() == 1);
    sent_vc = sent_vc || (r.has_sent() && r.sent().has_view_change());
  }
  EXPECT_TRUE(entered);
  EXPECT_TRUE(sent_vc);
}

TEST(PbftViewChange, PreparedRequestSurvivesAndHoleBecomesNullBatch) {
  Config cfg = TestConfig();
  cfg.batch_timeout_ticks = 0;
  TestCluster c(cfg);
  // The primary's pre-prepare for sequence 1 reaches nobody; sequence 2 prepares.
  c.SetFilter([](const Envelope& e) {
    return !(e.message.has_preprepare() && e.message.preprepare().sequence() == 1);
  });
  c.Request(Req(1));
  c.Request(Req(2));
  EXPECT_EQ(c.height(1), 0u);  // sequence 2 cannot be delivered before 1
  c.SetDown(0, true);          // then the primary dies
  c.ClearFilter();
  c.Tick(25);
  for (uint32_t i = 1; i < 4; ++i) {
    EXPECT_EQ(c.replica(i).view(), 1u);
    ASSERT_EQ(c.height(i), 3u) << "replica " << i;
    const auto& ledger = c.node(i).ledger;
    EXPECT_EQ(ledger[0].batch.requests_size(), 0);  // the null batch
    EXPECT_EQ(ledger[0].batch.timestamp_ms(), 0u);
    EXPECT_EQ(ledger[0].certificate.digest(), proto::BatchDigestOf(pb::Batch()));
    ASSERT_EQ(ledger[1].batch.requests_size(), 1);
    EXPECT_EQ(ledger[1].batch.requests(0), Req(2));  // prepared in view 0, kept
    ASSERT_EQ(ledger[2].batch.requests_size(), 1);
    EXPECT_EQ(ledger[2].batch.requests(0), Req(1));  // re-proposed by the new primary
  }
}

TEST(PbftViewChange, JoinsOnFPlusOneTimeouts) {
  TestCluster c(TestConfig());
  // Only replicas 1 and 2 hold the request (and so run the timer); 3 does not.
  c.SetDown(0, true);
  c.Request(Req(1), 1);
  c.Request(Req(1), 2);
  c.Tick(20);
  // 3 never timed out itself, but two (f+1) timeouts made it give up too, and the
  // three timeouts form the certificate that moves everyone to view 1.
  EXPECT_EQ(c.replica(3).view(), 1u);
  EXPECT_EQ(c.replica(3).stats().view_changes, 1u);
  c.Tick(2);
  EXPECT_EQ(c.height(3), 1u);
}

TEST(PbftViewChange, TimeoutDoublesOverFailedViews) {
  TestCluster c(TestConfig());  // base timeout 20 ticks
  c.SetDown(0, true);
  // The primaries of views 1 and 2 are up but their NEW-VIEWs are lost, so those
  // view changes fail and the replicas give up on them in turn.
  c.SetFilter(
      [](const Envelope& e) { return !(e.message.has_new_view() && e.message.new_view().view() < 3); });
  c.Request(Req(1));
  c.Tick(20);
  EXPECT_EQ(c.replica(2).view(), 1u);
  EXPECT_TRUE(c.replica(2).stats().in_view_change);
  c.Tick(19);  // the view-change timer of view 1 runs 20 ticks
  EXPECT_EQ(c.replica(2).view(), 1u);
  c.Tick(1);
  EXPECT_EQ(c.replica(2).view(), 2u);
  c.Tick(39);  // now 40 ticks
  EXPECT_EQ(c.replica(2).view(), 2u);
  c.Tick(1);
  EXPECT_EQ(c.replica(2).view(), 3u);
  c.Tick(5);  // view 3's primary is 3: its NEW-VIEW goes through
  for (uint32_t i = 1; i < 4; ++i) {
    EXPECT_EQ(c.replica(i).view(), 3u);
    EXPECT_FALSE(c.replica(i).stats().in_view_change);
    EXPECT_EQ(c.height(i), 1u) << "replica " << i;
  }
}

TEST(PbftViewChange, AReplicaAloneGivesUpButNeverLeavesItsView) {
  TestCluster c(TestConfig());
  // Replica 2 hears nothing from anyone: its timer fires again and again, while
  // the others commit the request without it.
  c.SetFilter([](const Envelope& e) { return e.to != 2; });
  c.Request(Req(1));
  c.Tick(400);
  EXPECT_EQ(c.height(0), 1u);
  EXPECT_EQ(c.replica(2).view(), 0u);
  EXPECT_FALSE(c.replica(2).stats().in_view_change);
  EXPECT_TRUE(c.replica(2).stats().giving_up);
  size_t timeouts = 0, view_changes = 0;
  for (const auto& e : c.log()) {
    if (e.from != 2) continue;
    timeouts += e.message.has_view_timeout() ? 1 : 0;
    view_changes += e.message.has_view_change() ? 1 : 0;
  }
  EXPECT_GE(timeouts, 10u);  // re-sent every retransmission period while it holds
  EXPECT_EQ(view_changes, 0u);
  // Its peers heard it but are not moved either: one timeout is not a certificate.
  for (uint32_t i : {0u, 1u, 3u}) EXPECT_EQ(c.replica(i).view(), 0u);
  // Once it hears the others again and the request commits, it votes in view 0.
  c.ClearFilter();
  c.Request(Req(2));
  c.Tick(20);
  ASSERT_EQ(c.height(2), 2u);
  EXPECT_FALSE(c.replica(2).stats().giving_up);
  EXPECT_EQ(c.node(2).ledger[1].certificate.view(), 0u);
  bool own_vote = false;
  for (const auto& sig : c.node(2).ledger[1].certificate.signatures()) own_vote |= sig.validator() == 2;
  EXPECT_TRUE(own_vote);
}

pb::ConsensusMessage TimeoutMsg(const crypto::KeyPair& key, uint32_t replica, uint64_t view) {
  pb::ConsensusMessage m;
  pb::ViewTimeout* t = m.mutable_view_timeout();
  t->set_view(view);
  t->set_replica(replica);
  t->set_signature(key.Sign(proto::ViewTimeoutSigningBytes("unit-test-chain", view, replica)));
  return m;
}

TEST(PbftViewChange, OnlyAValidTimeoutCertificateMovesAReplica) {
  TestCluster c(TestConfig());
  auto certificate = [&](std::vector<uint32_t> who, uint64_t view) {
    pb::ConsensusMessage m;
    m.mutable_timeout_certificate()->set_view(view);
    for (uint32_t r : who) {
      *m.mutable_timeout_certificate()->add_timeouts() = TimeoutMsg(c.key(r), r, view).view_timeout();
    }
    return m;
  };
  auto refused = [&](const pb::ConsensusMessage& m, const char* what) {
    const uint64_t dropped = c.replica(3).stats().dropped_messages;
    Output out = c.Inject(3, 1, m);
    EXPECT_EQ(c.replica(3).view(), 0u) << what;
    EXPECT_EQ(c.replica(3).stats().dropped_messages, dropped + 1) << what;
    EXPECT_TRUE(out.persist.empty()) << what;
  };
  refused(certificate({0, 1}, 0), "two timeouts");
  refused(certificate({0, 1, 1}, 0), "a repeated replica");
  pb::ConsensusMessage forged = certificate({0, 1, 2}, 0);
  forged.mutable_timeout_certificate()->mutable_timeouts(2)->set_signature(std::string(64, 'x'));
  refused(forged, "a forged signature");
  pb::ConsensusMessage mixed = certificate({0, 1, 2}, 0);
  *mixed.mutable_timeout_certificate()->mutable_timeouts(2) = TimeoutMsg(c.key(2), 2, 5).view_timeout();
  refused(mixed, "a timeout for another view");
  // A valid one, relayed by anyone, moves it to view 1 with the certificate synced.
  Output out = c.Inject(3, 1, certificate({0, 1, 2}, 0));
  EXPECT_EQ(c.replica(3).view(), 1u);
  EXPECT_TRUE(c.replica(3).stats().in_view_change);
  bool synced = false;
  for (const auto& r : out.persist) synced = synced || r.has_timeout_certificate();
  EXPECT_TRUE(synced);
}

// Replica 2, with peers 1 and 3 played by the test: whenever 2 gives up on a view,
// they give up on it too, so 2 holds a certificate at once and moves on. Records the
// ticks it spent in each view.
struct Escalation {
  Escalation() : keys(testing::TestKeys(4)), signer(keys[2]), verifier(testing::PublicKeys(keys)) {
    Config cfg = TestConfig();  // base timeout 20 ticks
    cfg.self = 2;
    replica = std::make_unique<Replica>(cfg, signer, verifier);
    (void)replica->Step(TickEvent{1'000'000});
    (void)replica->Step(RequestEvent{Req(1), proto::TxId(Req(1))});
  }
  void Feed(const Output& out) {
    for (const auto& m : out.messages) {
      if (!m.message.has_view_timeout()) continue;
      const uint64_t v = m.message.view_timeout().view();
      (void)replica->Step(MessageEvent{1, TimeoutMsg(keys[1], 1, v)});
      (void)replica->Step(MessageEvent{3, TimeoutMsg(keys[3], 3, v)});
    }
  }
  // Ticks until the view reaches `view`; returns the tick count it took.
  uint64_t TicksUntilView(uint64_t view, uint64_t limit = 5000) {
    for (uint64_t t = 1; t <= limit; ++t) {
      Feed(replica->Step(TickEvent{1'000'000 + t}));
      if (replica->view() >= view) return t;
    }
    return limit + 1;
  }
  std::vector<crypto::KeyPair> keys;
  testing::KeySigner signer;
  testing::KeyVerifier verifier;
  std::unique_ptr<Replica> replica;
};

TEST(PbftViewChange, TimerDoublingIsCappedAtSixteenTimes) {
  Escalation l;
  EXPECT_EQ(l.TicksUntilView(1), 20u);  // request timer
  EXPECT_EQ(l.TicksUntilView(2), 20u);  // view change of view 1 did not complete
  EXPECT_EQ(l.TicksUntilView(3), 40u);
  EXPECT_EQ(l.TicksUntilView(4), 80u);
  EXPECT_EQ(l.TicksUntilView(5), 160u);
  EXPECT_EQ(l.TicksUntilView(6), 320u);
  EXPECT_EQ(l.TicksUntilView(7), 320u);  // capped
}

TEST(PbftViewChange, DoesNotWaitLongInAViewOthersHaveLeft) {
  Escalation l;
  ASSERT_EQ(l.TicksUntilView(3), 80u);  // now waiting 80 ticks in view 3
  // Replica 3 asks for view 5: a valid VIEW-CHANGE (genesis checkpoint, nothing prepared).
  pb::ConsensusMessage m;
  pb::ViewChange* vc = m.mutable_view_change();
  vc->set_new_view(5);
  vc->set_replica(3);
  vc->set_signature(l.keys[3].Sign(proto::ViewChangeSigningBytes("unit-test-chain", *vc)));
  (void)l.replica->Step(MessageEvent{3, m});
  EXPECT_EQ(l.replica->view(), 3u);     // a VIEW-CHANGE without a certificate moves no one...
  EXPECT_EQ(l.TicksUntilView(4), 40u);  // ...but only one doubling (40, not 80)
}

TEST(PbftViewChange, AReplicaBehindTheQuorumsViewCatchesUpByItself) {
  TestCluster c(TestConfig(7), 7);  // f = 2: five replicas change view without 6
  c.SetDown(0, true);
  // Replica 6 hears nothing of the view change, and holds no request: no timer of
  // its own will ever fire.
  c.SetFilter([](const Envelope& e) {
    const auto& m = e.message;
    return !(e.to == 6 && (m.has_view_timeout() || m.has_timeout_certificate() || m.has_view_change() ||
                           m.has_new_view()));
  });
  for (uint32_t i = 1; i <= 5; ++i) c.Request(Req(1), i);
  c.Tick(25);
  EXPECT_EQ(c.replica(1).view(), 1u);
  EXPECT_EQ(c.height(1), 1u);
  EXPECT_EQ(c.replica(6).view(), 0u);
  // Then the votes of view 1 show it three (f+1) peers ahead: it asks them, and
  // their NEW-VIEW brings it in.
  c.ClearFilter();
  for (uint32_t i = 1; i <= 5; ++i) c.Request(Req(2), i);
  c.Tick(12);
  EXPECT_EQ(c.replica(6).view(), 1u);
  EXPECT_FALSE(c.replica(6).stats().in_view_change);
  c.Request(Req(3));
  c.Tick(15);
  EXPECT_EQ(c.height(1), 3u);
  ASSERT_EQ(c.height(6), 3u);
  bool own_vote = false;
  for (const auto& sig : c.node(6).ledger[2].certificate.signatures()) own_vote |= sig.validator() == 6;
  EXPECT_TRUE(own_vote);
}

TEST(PbftViewChange, ReplicaThatMissedTheNewViewCatchesUp) {
  TestCluster c(TestConfig());
  c.SetDown(0, true);
  c.SetFilter([](const Envelope& e) { return !(e.message.has_new_view() && e.to == 3); });
  c.Request(Req(1));
  c.Tick(21);
  EXPECT_EQ(c.replica(1).view(), 1u);
  EXPECT_FALSE(c.replica(1).stats().in_view_change);
  EXPECT_TRUE(c.replica(3).stats().in_view_change);
  c.ClearFilter();
  // 3 re-sends its VIEW-CHANGE; the new primary answers with its NEW-VIEW.
  c.Tick(10);
  EXPECT_EQ(c.replica(3).view(), 1u);
  EXPECT_FALSE(c.replica(3).stats().in_view_change);
  c.Request(Req(2));
  c.Tick(2);
  EXPECT_EQ(c.height(3), 2u);
}

TEST(PbftViewChange, RejectsNewViewThatDropsAPreparedRequest) {
  Config cfg = TestConfig();
  cfg.batch_timeout_ticks = 0;
  TestCluster c(cfg);
  c.SetFilter([](const Envelope& e) { return !e.message.has_commit(); });
  c.Request(Req(1));  // prepared everywhere, committed nowhere
  c.SetDown(0, true);
  // Capture replica 1's NEW-VIEW, then tamper with it.
  c.SetFilter([](const Envelope& e) { return !e.message.has_new_view() && !e.message.has_commit(); });
  c.Tick(21);
  pb::NewView nv;
  for (const auto& e : c.log()) {
    if (e.message.has_new_view()) nv = e.message.new_view();
  }
  ASSERT_EQ(nv.view(), 1u);
  ASSERT_EQ(nv.preprepares_size(), 1);
  EXPECT_NE(nv.preprepares(0).digest(), proto::BatchDigestOf(pb::Batch()));
  // Replace the re-issued digest with the null batch, re-signed by the primary:
  // the selection no longer matches the view changes it carries.
  pb::NewView bad = nv;
  pb::PrePrepare* pp = bad.mutable_preprepares(0);
  pp->set_digest(proto::BatchDigestOf(pb::Batch()));
  pp->set_signature(c.key(1).Sign(proto::PrePrepareSigningBytes("unit-test-chain", 1, 1, pp->digest(), 1)));
  bad.set_signature(c.key(1).Sign(proto::NewViewSigningBytes("unit-test-chain", bad)));
  pb::ConsensusMessage m;
  *m.mutable_new_view() = bad;
  uint64_t dropped = c.replica(2).stats().dropped_messages;
  Output out = c.Inject(2, 1, m);
  EXPECT_EQ(c.replica(2).stats().dropped_messages, dropped + 1);
  EXPECT_TRUE(c.replica(2).stats().in_view_change);
  // The genuine one is accepted, and the request prepared in view 0 commits in view 1.
  *m.mutable_new_view() = nv;
  c.Inject(2, 1, m);
  EXPECT_FALSE(c.replica(2).stats().in_view_change);
  c.ClearFilter();
  c.Tick(10);
  for (uint32_t i = 1; i < 4; ++i) {
    ASSERT_EQ(c.height(i), 1u) << "replica " << i;
    EXPECT_EQ(c.node(i).ledger[0].batch.requests(0), Req(1));
  }
}

TEST(PbftViewChange, NewViewRelayedByABackupIsAccepted) {
  TestCluster c(TestConfig());
  c.SetDown(0, true);
  c.SetFilter([](const Envelope& e) { return !(e.message.has_new_view() && e.to == 3); });
  c.Request(Req(1));
  c.Tick(21);
  ASSERT_TRUE(c.replica(3).stats().in_view_change);
  c.SetDown(1, true);  // the new primary is gone too; 2 still has its NEW-VIEW
  c.ClearFilter();
  c.Tick(6);  // 3 re-sends its VIEW-CHANGE; 2 answers with the NEW-VIEW of view 1
  EXPECT_EQ(c.replica(3).view(), 1u);
  EXPECT_FALSE(c.replica(3).stats().in_view_change);
}

}  // namespace
}  // namespace cc::consensus
