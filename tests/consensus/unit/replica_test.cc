// Replica with 4 replicas wired by hand (TestCluster): the normal case, batching,
// pipelining, checkpoints and garbage collection.
#include <gtest/gtest.h>

#include <set>

#include "proto/canonical.h"
#include "tests/consensus/unit/test_cluster.h"

namespace cc::consensus {
namespace {

using testing::Envelope;
using testing::Req;
using testing::TestCluster;
using testing::TestConfig;

// Every replica's ledger agrees with replica 0's on their common prefix.
void ExpectConsistent(TestCluster& c) {
  for (uint32_t i = 1; i < c.n(); ++i) {
    uint64_t common = std::min(c.height(0), c.height(i));
    for (uint64_t h = 0; h < common; ++h) {
      EXPECT_EQ(c.node(i).ledger[h].certificate.digest(), c.node(0).ledger[h].certificate.digest())
          << "replica " << i << " height " << h + 1;
    }
  }
}

uint64_t CountRequests(const TestCluster::Node& node) {
  uint64_t total = 0;
  for (const auto& b : node.ledger) total += b.batch.requests_size() - b.duplicates.size();
  return total;
}

TEST(PbftReplica, NormalCaseCommitsOnEveryReplica) {
  TestCluster c(TestConfig());
  c.Request(Req(1));
  c.Tick();
  for (uint32_t i = 0; i < 4; ++i) {
    ASSERT_EQ(c.height(i), 1u) << "replica " << i;
    const CommittedBatch& b = c.node(i).ledger[0];
    EXPECT_EQ(b.sequence, 1u);
    ASSERT_EQ(b.batch.requests_size(), 1);
    EXPECT_EQ(b.batch.requests(0), Req(1));
    EXPECT_EQ(b.certificate.digest(), proto::BatchDigestOf(b.batch));
    EXPECT_GE(b.certificate.signatures_size(), 3);
    EXPECT_EQ(c.replica(i).stats().pending_requests, 0u);
    EXPECT_EQ(c.replica(i).stats().dropped_messages, 0u);
  }
  ExpectConsistent(c);
}

TEST(PbftReplica, CertificateSignaturesVerifyOverCommitBytes) {
  TestCluster c(TestConfig());
  c.Request(Req(1));
  c.Tick();
  ASSERT_EQ(c.height(2), 1u);
  const pb::CommitCertificate& cert = c.node(2).ledger[0].certificate;
  std::set<uint32_t> signers;
  for (const auto& s : cert.signatures()) {
    EXPECT_TRUE(crypto::Verify(c.key(s.validator()).public_key(),
                               proto::CommitSigningBytes("unit-test-chain", cert.view(), cert.sequence(),
                                                         cert.digest(), s.validator()),
                               s.signature()));
    signers.insert(s.validator());
  }
  EXPECT_GE(signers.size(), 3u);
}

TEST(PbftReplica, PersistsEverySignedMessageInTheOutputThatSendsIt) {
  Config cfg = TestConfig();
  testing::TestCluster c(cfg);
  auto keys = testing::TestKeys(4);
  // Step replica 1 directly with a valid pre-prepare and inspect its Output.
  pb::Batch batch;
  batch.set_timestamp_ms(1'000'000);
  batch.add_requests(Req(7));
  std::string digest = proto::BatchDigestOf(batch);
  pb::ConsensusMessage m;
  pb::PrePrepare* pp = m.mutable_preprepare();
  pp->set_view(0);
  pp->set_sequence(1);
  pp->set_digest(digest);
  pp->set_replica(0);
  pp->set_signature(keys[0].Sign(proto::PrePrepareSigningBytes("unit-test-chain", 0, 1, digest, 0)));
  *pp->mutable_batch() = batch;
  Output out = c.replica(1).Step(MessageEvent{0, m});
  ASSERT_EQ(out.messages.size(), 1u);
  ASSERT_TRUE(out.messages[0].message.has_prepare());
  bool persisted = false;
  for (const auto& r : out.persist) {
    if (r.has_sent() && r.sent().has_prepare() &&
        r.sent().prepare().SerializeAsString() == out.messages[0].message.prepare().SerializeAsString()) {
      persisted = true;
    }
  }
  EXPECT_TRUE(persisted);
}

TEST(PbftReplica, PrimaryWaitsForAClockReadingBeforeItsFirstBatch) {
  auto keys = testing::TestKeys(4);
  testing::KeySigner signer(keys[0]);
  testing::KeyVerifier verifier(testing::PublicKeys(keys));
  Config cfg = TestConfig();
  cfg.batch_timeout_ticks = 0;
  Replica primary(cfg, signer, verifier);
  Output before = primary.Step(RequestEvent{Req(1), proto::TxId(Req(1))});
  EXPECT_TRUE(before.messages.empty());
  Output after = primary.Step(TickEvent{5'000'000});
  ASSERT_EQ(after.messages.size(), 1u);
  ASSERT_TRUE(after.messages[0].message.has_preprepare());
  EXPECT_EQ(after.messages[0].message.preprepare().batch().timestamp_ms(), 5'000'000u);
}

// A request that reached this backup alone (the primary never proposes it, nothing
// commits) is relayed after half the base request timer, then again every half
// timer while it stays unordered; the primary itself never relays.
TEST(PbftReplica, BackupRelaysARequestNothingOrdersEveryHalfTimer) {
  auto keys = testing::TestKeys(4);
  testing::KeyVerifier verifier(testing::PublicKeys(keys));
  Config cfg = TestConfig();  // view-change timeout 20 ticks: relay period 10
  cfg.self = 1;
  testing::KeySigner backup_signer(keys[1]);
  Replica backup(cfg, backup_signer, verifier);
  cfg.self = 0;
  testing::KeySigner primary_signer(keys[0]);
  Replica primary(cfg, primary_signer, verifier);
  const uint64_t now_ms = 5'000'000;
  (void)backup.Step(TickEvent{now_ms});
  (void)primary.Step(TickEvent{now_ms});
  (void)backup.Step(RequestEvent{Req(1), proto::TxId(Req(1))});
  (void)primary.Step(RequestEvent{Req(2), proto::TxId(Req(2))});  // proposed, never committed
  std::vector<uint64_t> relayed_at;
  for (uint64_t tick = 1; tick <= 35; ++tick) {
    Output out = backup.Step(TickEvent{now_ms + tick * 10});
    for (const auto& r : out.relay) {
      EXPECT_EQ(r, Req(1));
      relayed_at.push_back(tick);
    }
    EXPECT_TRUE(primary.Step(TickEvent{now_ms + tick * 10}).relay.empty()) << "tick " << tick;
  }
  EXPECT_EQ(relayed_at, (std::vector<uint64_t>{10, 20, 30}));
  EXPECT_EQ(backup.stats().relayed_requests, 3u);
  EXPECT_EQ(primary.stats().relayed_requests, 0u);
}

TEST(PbftReplica, BatchesCutByRequestCount) {
  Config cfg = TestConfig();
  cfg.max_batch_requests = 3;
  cfg.batch_timeout_ticks = 1000;
  TestCluster c(cfg);
  for (int i = 0; i < 7; ++i) c.Request(Req(i));
  // Two full batches went out without any tick; the seventh request waits.
  ASSERT_EQ(c.height(0), 2u);
  EXPECT_EQ(c.node(0).ledger[0].batch.requests_size(), 3);
  EXPECT_EQ(c.node(0).ledger[1].batch.requests_size(), 3);
  EXPECT_EQ(c.replica(0).stats().pending_requests, 1u);
  ExpectConsistent(c);
}

TEST(PbftReplica, BatchesCutByBytes) {
  Config cfg = TestConfig();
  cfg.max_batch_requests = 100;
  cfg.max_batch_bytes = 100;
  cfg.batch_timeout_ticks = 1000;
  TestCluster c(cfg);
  std::string big(40, 'x');
  for (int i = 0; i < 5; ++i) c.Request(big + std::to_string(i));  // 41 bytes each
  // 41 + 41 = 82 fits, a third would exceed 100: batches of two, two and a wait.
  ASSERT_EQ(c.height(0), 2u);
  EXPECT_EQ(c.node(0).ledger[0].batch.requests_size(), 2);
  EXPECT_EQ(c.node(0).ledger[1].batch.requests_size(), 2);
  EXPECT_EQ(c.replica(0).stats().pending_requests, 1u);
}

TEST(PbftReplica, BatchesCutByTicks) {
  Config cfg = TestConfig();
  cfg.max_batch_requests = 10;
  cfg.batch_timeout_ticks = 3;
  TestCluster c(cfg);
  c.Request(Req(1));
  c.Request(Req(2));
  c.Tick(2);
  EXPECT_EQ(c.height(0), 0u);
  c.Tick();
  ASSERT_EQ(c.height(0), 1u);
  EXPECT_EQ(c.node(0).ledger[0].batch.requests_size(), 2);
  for (uint32_t i = 1; i < 4; ++i) EXPECT_EQ(c.height(i), 1u);
}

TEST(PbftReplica, PipelinesUpToMaxInflight) {
  Config cfg = TestConfig();
  cfg.max_inflight = 2;
  cfg.batch_timeout_ticks = 0;
  TestCluster c(cfg);
  // Hold every commit: nothing completes, so the primary may open only two sequences.
  c.SetFilter([](const Envelope& e) { return !e.message.has_commit(); });
  for (int i = 0; i < 5; ++i) c.Request(Req(i));
  std::set<uint64_t> proposed;
  for (const auto& e : c.log()) {
    if (e.message.has_preprepare()) proposed.insert(e.message.preprepare().sequence());
  }
  EXPECT_EQ(proposed, (std::set<uint64_t>{1, 2}));
  EXPECT_EQ(c.height(1), 0u);
  // Release: retransmission re-sends the held commits, the pipeline drains.
  c.ClearFilter();
  c.Tick(30);
  for (uint32_t i = 0; i < 4; ++i) EXPECT_EQ(CountRequests(c.node(i)), 5u) << "replica " << i;
  ExpectConsistent(c);
}

TEST(PbftReplica, ProposesOneBatchPerSequenceWithIncreasingTimestamps) {
  Config cfg = TestConfig();
  cfg.max_batch_requests = 2;
  cfg.batch_timeout_ticks = 0;
  TestCluster c(cfg);
  for (int i = 0; i < 12; ++i) {
    c.Request(Req(i));
    c.Tick();
  }
  ASSERT_GE(c.height(0), 6u);
  for (uint64_t h = 1; h < c.height(0); ++h) {
    EXPECT_GE(c.node(0).ledger[h].batch.timestamp_ms(), c.node(0).ledger[h - 1].batch.timestamp_ms());
  }
  EXPECT_EQ(CountRequests(c.node(3)), 12u);
  ExpectConsistent(c);
}

TEST(PbftReplica, StableCheckpointCollectsGarbageAndMovesTheWindow) {
  Config cfg = TestConfig();  // K = 4, L = 16
  cfg.batch_timeout_ticks = 0;
  TestCluster c(cfg);
  for (int i = 0; i < 40; ++i) c.Request(Req(i));
  c.Tick(3);
  for (uint32_t i = 0; i < 4; ++i) {
    EXPECT_EQ(c.height(i), 40u) << "replica " << i;  // beyond the first window of 16
    EXPECT_EQ(c.replica(i).stats().stable_checkpoint, 40u);
    ASSERT_FALSE(c.node(i).stable_reports.empty());
    EXPECT_EQ(c.node(i).stable_reports.back(), 40u);
  }
  ExpectConsistent(c);
}

TEST(PbftReplica, DoesNotReproposeACommittedRequest) {
  Config cfg = TestConfig();
  cfg.batch_timeout_ticks = 0;
  TestCluster c(cfg);
  c.Request(Req(1));
  c.Request(Req(1));  // the client retries after the commit
  c.Tick(3);
  EXPECT_EQ(c.height(0), 1u);
  EXPECT_EQ(c.replica(0).stats().pending_requests, 0u);
}

// A vote that arrives after its certificate formed is neither verified (nothing
// needs it) nor answered with the batch again (its sender, having voted, holds it):
// in a healthy run each backup receives each pre-prepare exactly once, and each
// replica verifies at most 5 signatures per block (the pre-prepare, one prepare,
// and up to three commits that beat its own), where checking every vote costs 6.
TEST(PbftReplica, LateVotesCostNeitherAVerificationNorABatchResend) {
  TestCluster c(TestConfig());
  std::vector<uint64_t> calls_before;
  for (uint32_t i = 0; i < 4; ++i) calls_before.push_back(c.node(i).verifier->calls());
  const size_t sent_before = c.log().size();
  constexpr int kBlocks = 3;  // below the checkpoint interval: votes only
  for (int i = 0; i < kBlocks; ++i) {
    c.Request(Req(i));
    c.Tick();
  }
  ASSERT_EQ(c.height(3), static_cast<uint64_t>(kBlocks));
  size_t preprepares = 0;
  for (size_t k = sent_before; k < c.log().size(); ++k) {
    if (c.log()[k].message.has_preprepare()) ++preprepares;
  }
  EXPECT_EQ(preprepares, 3u * kBlocks) << "a pre-prepare was sent again";
  for (uint32_t i = 0; i < 4; ++i) {
    EXPECT_LE(c.node(i).verifier->calls() - calls_before[i], 5u * kBlocks) << "replica " << i;
  }
  ExpectConsistent(c);
}

}  // namespace
}  // namespace cc::consensus
