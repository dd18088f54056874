// Replica recovery with 4 replicas wired by hand: state transfer of certified
// blocks after falling behind, verification of fetched blocks, and restart from
// persisted records without equivocation.
#include <gtest/gtest.h>

#include "proto/canonical.h"
#include "tests/consensus/unit/test_cluster.h"

namespace cc::consensus {
namespace {

using testing::Envelope;
using testing::Req;
using testing::TestCluster;
using testing::TestConfig;

pb::ConsensusMessage SignedPrePrepare(const crypto::KeyPair& key, uint32_t replica, uint64_t view,
                                      uint64_t seq, const pb::Batch& batch) {
  pb::ConsensusMessage m;
  pb::PrePrepare* pp = m.mutable_preprepare();
  pp->set_view(view);
  pp->set_sequence(seq);
  pp->set_digest(proto::BatchDigestOf(batch));
  pp->set_replica(replica);
  pp->set_signature(
      key.Sign(proto::PrePrepareSigningBytes("unit-test-chain", view, seq, pp->digest(), replica)));
  *pp->mutable_batch() = batch;
  return m;
}

TEST(PbftStateTransfer, ReplicaBehindItsWindowFetchesCertifiedBlocks) {
  Config cfg = TestConfig();  // K = 4, L = 16
  cfg.batch_timeout_ticks = 0;
  TestCluster c(cfg);
  c.SetDown(3, true);  // partitioned away: misses everything
  for (int i = 0; i < 30; ++i) c.Request(Req(i));
  c.Tick(2);
  ASSERT_EQ(c.height(0), 30u);
  EXPECT_EQ(c.height(3), 0u);
  c.SetDown(3, false);
  c.Request(Req(100));
  c.Tick(25);
  ASSERT_FALSE(c.node(3).fetches.empty());
  EXPECT_EQ(c.node(3).fetches.front().from_sequence, 1u);
  EXPECT_GE(c.height(3), 31u);
  EXPECT_EQ(c.replica(3).stats().last_committed, c.height(3));
  for (uint64_t h = 0; h < c.height(3); ++h) {
    EXPECT_EQ(c.node(3).ledger[h].certificate.digest(), c.node(0).ledger[h].certificate.digest());
  }
  // Back in step: it takes part in agreement again.
  c.Request(Req(101));
  c.Tick(3);
  EXPECT_EQ(c.height(3), c.height(0));
  EXPECT_EQ(c.replica(3).stats().stable_checkpoint, c.replica(0).stats().stable_checkpoint);
}

// A response that moves a replica forward is followed at once by a request for the
// next range; only an answer that brings nothing new waits out the retry pause.
TEST(PbftStateTransfer, AnAnsweredFetchIsFollowedAtOnceByTheNextRange) {
  Config cfg = TestConfig();
  cfg.batch_timeout_ticks = 0;
  TestCluster c(cfg);
  c.serve_fetches = false;
  c.SetDown(3, true);
  for (int i = 0; i < 30; ++i) c.Request(Req(i));
  c.Tick(2);
  ASSERT_EQ(c.height(0), 30u);
  c.SetDown(3, false);
  c.Request(Req(100));
  c.Tick(25);  // replica 3 sees it is behind and keeps asking, once per retry pause
  ASSERT_FALSE(c.node(3).fetches.empty());
  const size_t asked = c.node(3).fetches.size();
  c.StepNode(3, FetchedEvent{c.Blocks(0, 1, 8)});
  EXPECT_EQ(c.height(3), 8u);
  ASSERT_EQ(c.node(3).fetches.size(), asked + 1);
  EXPECT_EQ(c.node(3).fetches.back().from_sequence, 9u);
  c.StepNode(3, FetchedEvent{c.Blocks(0, 1, 8)});  // nothing new
  EXPECT_EQ(c.node(3).fetches.size(), asked + 1);
}

TEST(PbftStateTransfer, RejectsTamperedBlocksAndAcceptsGenuineOnes) {
  Config cfg = TestConfig();
  cfg.batch_timeout_ticks = 0;
  TestCluster c(cfg);
  c.SetDown(3, true);
  for (int i = 0; i < 3; ++i) c.Request(Req(i));
  ASSERT_EQ(c.height(0), 3u);
  c.SetDown(3, false);
  Replica& r3 = c.replica(3);
  auto genuine = c.Blocks(0, 1, 3);

  auto tampered_tx = genuine;
  tampered_tx[0].mutable_block()->set_txs(0, "forged request");
  auto tampered_time = genuine;
  tampered_time[0].mutable_block()->mutable_header()->set_timestamp_ms(42);
  auto too_few = genuine;
  too_few[0].mutable_certificate()->mutable_signatures()->DeleteSubrange(
      1, too_few[0].certificate().signatures_size() - 1);
  auto repeated = genuine;  // one signer three times is not three signers
  {
    auto* sigs = repeated[0].mutable_certificate()->mutable_signatures();
    for (int i = 1; i < sigs->size(); ++i) *sigs->Mutable(i) = sigs->Get(0);
  }
  auto bad_sig = genuine;
  for (auto& s : *bad_sig[0].mutable_certificate()->mutable_signatures())
    s.set_signature(std::string(64, 'z'));
  auto other_chain = genuine;  // a certificate for another sequence
  other_chain[0].mutable_certificate()->set_sequence(2);

  for (const auto* bad : {&tampered_tx, &tampered_time, &too_few, &repeated, &bad_sig, &other_chain}) {
    uint64_t dropped = r3.stats().dropped_messages;
    Output out = r3.Step(FetchedEvent{{(*bad)[0]}});
    EXPECT_TRUE(out.committed.empty());
    EXPECT_EQ(r3.stats().last_committed, 0u);
    EXPECT_EQ(r3.stats().dropped_messages, dropped + 1);
  }
  // A gap (block 2 without block 1) is not applied either.
  Output gap = r3.Step(FetchedEvent{{genuine[1]}});
  EXPECT_TRUE(gap.committed.empty());

  Output out = r3.Step(FetchedEvent{genuine});
  ASSERT_EQ(out.committed.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(out.committed[i].sequence, i + 1);
    EXPECT_EQ(out.committed[i].batch.SerializeAsString(), c.node(0).ledger[i].batch.SerializeAsString());
  }
  EXPECT_EQ(r3.stats().last_committed, 3u);
  // Already known blocks are skipped silently.
  Output again = r3.Step(FetchedEvent{genuine});
  EXPECT_TRUE(again.committed.empty());
}

TEST(PbftRestore, NeverSignsAnotherDigestForAVoteItAlreadyGave) {
  Config cfg = TestConfig();
  cfg.batch_timeout_ticks = 0;
  TestCluster c(cfg);
  c.SetFilter([](const Envelope& e) { return !e.message.has_commit(); });
  c.Request(Req(1));  // replica 1 prepared (0, 1) and signed a commit; nothing committed
  c.ClearFilter();
  c.Restart(1);  // crash: in-memory state gone, records kept
  EXPECT_EQ(c.replica(1).view(), 0u);

  // A (faulty) primary offers a different batch for the same (view, sequence).
  pb::Batch other;
  other.set_timestamp_ms(1'000'000);
  other.add_requests("something else");
  Output out = c.Inject(1, 0, SignedPrePrepare(c.key(0), 0, 0, 1, other));
  for (const auto& m : out.messages) {
    EXPECT_FALSE(m.message.has_prepare()) << "signed a conflicting prepare after restart";
    EXPECT_FALSE(m.message.has_commit());
  }
  // Its own earlier votes still count: the original batch commits everywhere.
  c.Tick(12);
  for (uint32_t i = 0; i < 4; ++i) {
    ASSERT_EQ(c.height(i), 1u) << "replica " << i;
    EXPECT_EQ(c.node(i).ledger[0].batch.requests(0), Req(1));
  }
}

TEST(PbftRestore, RestartedPrimaryContinuesAfterItsLastSequence) {
  Config cfg = TestConfig();
  cfg.batch_timeout_ticks = 0;
  TestCluster c(cfg);
  c.SetFilter([](const Envelope& e) { return !e.message.has_commit(); });
  c.Request(Req(1));
  c.Request(Req(2));
  c.Restart(0);
  c.Tick();  // its clock
  c.Request(Req(3));
  uint64_t max_seq = 0;
  std::map<uint64_t, std::string> digest_of;
  for (const auto& e : c.log()) {
    if (e.from != 0 || !e.message.has_preprepare()) continue;
    const auto& pp = e.message.preprepare();
    auto [it, fresh] = digest_of.emplace(pp.sequence(), pp.digest());
    EXPECT_EQ(it->second, pp.digest()) << "two digests for sequence " << pp.sequence();
    max_seq = std::max(max_seq, pp.sequence());
  }
  EXPECT_EQ(max_seq, 3u);
  c.ClearFilter();
  c.Tick(15);
  for (uint32_t i = 0; i < 4; ++i) EXPECT_EQ(c.height(i), 3u) << "replica " << i;
}

TEST(PbftRestore, KeepsItsViewAndPreparedCertificates) {
  Config cfg = TestConfig();
  cfg.batch_timeout_ticks = 0;
  TestCluster c(cfg);
  c.SetFilter([](const Envelope& e) { return !e.message.has_commit(); });
  c.Request(Req(1));  // prepared at every replica, committed nowhere
  c.SetDown(0, true);
  c.SetFilter([](const Envelope& e) { return !e.message.has_commit() && !e.message.has_new_view(); });
  c.Tick(21);  // everyone moved to view 1; no NEW-VIEW arrives
  ASSERT_EQ(c.replica(2).view(), 1u);
  c.Restart(2);
  EXPECT_EQ(c.replica(2).view(), 1u);
  EXPECT_TRUE(c.replica(2).stats().in_view_change);
  // Its re-sent VIEW-CHANGE still carries the prepared certificate for sequence 1.
  c.SetFilter([](const Envelope&) { return false; });
  c.Tick(1);
  bool carried = false;
  for (const auto& e : c.log()) {
    if (e.from == 2 && e.message.has_view_change() && e.message.view_change().new_view() == 1) {
      for (const auto& p : e.message.view_change().prepared())
        carried = carried || p.preprepare().sequence() == 1;
    }
  }
  EXPECT_TRUE(carried);
  c.ClearFilter();
  c.Tick(30);
  for (uint32_t i = 1; i < 4; ++i) {
    ASSERT_EQ(c.height(i), 1u) << "replica " << i;
    EXPECT_EQ(c.node(i).ledger[0].batch.requests(0), Req(1));
  }
}

TEST(PbftRestore, RestartedReplicaComputesTheSameDuplicates) {
  Config cfg = TestConfig();
  cfg.max_batch_requests = 4;
  cfg.batch_timeout_ticks = 0;
  TestCluster c(cfg);
  c.Request(Req(1));
  c.Restart(2);
  // A faulty primary proposes the committed request again.
  pb::Batch again;
  again.set_timestamp_ms(1'000'000);
  again.add_requests(Req(1));
  again.add_requests(Req(2));
  for (uint32_t to = 1; to < 4; ++to) c.Inject(to, 0, SignedPrePrepare(c.key(0), 0, 0, 2, again));
  c.Run();
  for (uint32_t i = 1; i < 4; ++i) {
    ASSERT_EQ(c.height(i), 2u) << "replica " << i;
    EXPECT_EQ(c.node(i).ledger[1].duplicates, std::vector<uint32_t>{0}) << "replica " << i;
  }
}

TEST(PbftRestore, AfterPruningAViewChangeClaimsACheckpointCoveringWhatWasDiscarded) {
  Config cfg = TestConfig();  // K = 4
  cfg.batch_timeout_ticks = 0;
  TestCluster c(cfg);
  c.prune_records = true;
  for (int i = 0; i < 10; ++i) c.Request(Req(i));
  ASSERT_EQ(c.height(2), 10u);
  ASSERT_EQ(c.replica(2).stats().stable_checkpoint, 8u);
  for (const auto& r : c.node(2).records) {
    if (r.has_prepared()) {
      EXPECT_GT(r.prepared().preprepare().sequence(), 8u);
    }
  }
  c.Restart(2);
  c.SetDown(0, true);
  // Its first step and each retransmission period ask peers for checkpoints; 1 and
  // 3 answer (each at most once per period), and with its own kept checkpoint
  // record that proves checkpoint 8 again.
  c.Tick(6);
  EXPECT_EQ(c.replica(2).stats().stable_checkpoint, 8u);
  c.Request(Req(100));
  c.Tick(25);
  bool saw_vc = false;
  for (const auto& e : c.log()) {
    if (e.from != 2 || !e.message.has_view_change()) continue;
    saw_vc = true;
    EXPECT_GE(e.message.view_change().stable_sequence(), 8u);
  }
  EXPECT_TRUE(saw_vc);
  for (uint32_t i = 1; i < 4; ++i) EXPECT_EQ(c.height(i), 11u) << "replica " << i;
}

TEST(PbftRestore, ViewChangeWaitsForAProvenCheckpointAfterRestart) {
  Config cfg = TestConfig();
  cfg.batch_timeout_ticks = 0;
  TestCluster c(cfg);
  c.prune_records = true;
  for (int i = 0; i < 10; ++i) c.Request(Req(i));
  // Replica 2 restarts while nobody answers it, then a timeout certificate for
  // view 0 (0, 1 and 3 gave up on it) moves it into the view change to view 1.
  c.SetFilter([](const Envelope& e) { return e.to != 2 && e.from != 2; });
  c.Restart(2);
  pb::ConsensusMessage tc;
  tc.mutable_timeout_certificate()->set_view(0);
  for (uint32_t r : {0u, 1u, 3u}) {
    pb::ViewTimeout* t = tc.mutable_timeout_certificate()->add_timeouts();
    t->set_view(0);
    t->set_replica(r);
    t->set_signature(c.key(r).Sign(proto::ViewTimeoutSigningBytes("unit-test-chain", 0, r)));
  }
  c.Inject(2, 1, tc);
  c.Tick(21);
  EXPECT_EQ(c.replica(2).view(), 1u);
  for (const auto& e : c.log()) {
    EXPECT_FALSE(e.from == 2 && e.message.has_view_change()) << "view change without a proven checkpoint";
  }
  // Once peers' checkpoints arrive it sends one.
  c.ClearFilter();
  c.Tick(6);
  bool saw_vc = false;
  for (const auto& e : c.log()) {
    if (e.from == 2 && e.message.has_view_change()) {
      saw_vc = true;
      EXPECT_GE(e.message.view_change().stable_sequence(), 8u);
    }
  }
  EXPECT_TRUE(saw_vc);
}

TEST(PbftRestore, ReSignsTheTipCheckpointWhenItsRecordWasDiscarded) {
  Config cfg = TestConfig();  // K = 4
  cfg.batch_timeout_ticks = 0;
  TestCluster c(cfg);
  c.prune_records = true;
  c.prune_stable_checkpoint = true;
  for (int i = 0; i < 8; ++i) c.Request(Req(i));
  ASSERT_EQ(c.replica(2).stats().stable_checkpoint, 8u);
  for (const auto& r : c.node(2).records) {
    EXPECT_FALSE(r.has_sent() && r.sent().has_checkpoint());
  }
  c.Restart(2);
  c.SetDown(0, true);  // only 1 and 3 can answer: the third share must be its own
  c.Tick(6);
  EXPECT_EQ(c.replica(2).stats().stable_checkpoint, 8u);
  c.Request(Req(100));
  c.Tick(25);
  for (uint32_t i = 1; i < 4; ++i) EXPECT_EQ(c.height(i), 9u) << "replica " << i;
}

TEST(PbftRestore, PreparedBatchBodySurvivesRestartOfEveryReplicaHoldingIt) {
  Config cfg = TestConfig();
  cfg.batch_timeout_ticks = 0;
  TestCluster c(cfg);
  c.SetFilter([](const Envelope& e) { return !e.message.has_commit(); });
  c.Request(Req(1));   // prepared at 1, 2, 3; committed nowhere
  c.SetDown(0, true);  // the primary, the only other holder of the batch, is gone
  for (uint32_t i = 1; i < 4; ++i) c.Restart(i);
  c.ClearFilter();
  c.Request(Req(1));  // the client retries; the request timer runs again
  c.Tick(40);
  for (uint32_t i = 1; i < 4; ++i) {
    ASSERT_EQ(c.height(i), 1u) << "replica " << i;
    EXPECT_EQ(c.node(i).ledger[0].batch.requests(0), Req(1));
  }
}

}  // namespace
}  // namespace cc::consensus
