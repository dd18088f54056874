// Replica against faulty peers, with 4 replicas wired by hand: evidence of
// equivocation, malformed and forged input dropped and counted, a withholding
// primary replaced, and the test-only 2f commit quorum.
#include <gtest/gtest.h>

#include "consensus/view_change.h"
#include "proto/canonical.h"
#include "tests/consensus/unit/test_cluster.h"

namespace cc::consensus {
namespace {

using testing::Envelope;
using testing::Req;
using testing::TestCluster;
using testing::TestConfig;

constexpr char kChain[] = "unit-test-chain";

pb::Batch BatchOf(std::vector<std::string> requests, uint64_t ts = 1'000'000) {
  pb::Batch b;
  b.set_timestamp_ms(ts);
  for (auto& r : requests) b.add_requests(r);
  return b;
}

pb::ConsensusMessage PrePrepareMsg(const crypto::KeyPair& key, uint32_t replica, uint64_t view, uint64_t seq,
                                   const pb::Batch& batch) {
  pb::ConsensusMessage m;
  pb::PrePrepare* pp = m.mutable_preprepare();
  pp->set_view(view);
  pp->set_sequence(seq);
  pp->set_digest(proto::BatchDigestOf(batch));
  pp->set_replica(replica);
  pp->set_signature(key.Sign(proto::PrePrepareSigningBytes(kChain, view, seq, pp->digest(), replica)));
  *pp->mutable_batch() = batch;
  return m;
}

pb::ConsensusMessage PrepareMsg(const crypto::KeyPair& key, uint32_t replica, uint64_t view, uint64_t seq,
                                const std::string& digest) {
  pb::ConsensusMessage m;
  pb::Prepare* p = m.mutable_prepare();
  p->set_view(view);
  p->set_sequence(seq);
  p->set_digest(digest);
  p->set_replica(replica);
  p->set_signature(key.Sign(proto::PrepareSigningBytes(kChain, view, seq, digest, replica)));
  return m;
}

TEST(PbftFaults, EquivocatingPrimaryYieldsEvidenceOncePerPair) {
  TestCluster c(TestConfig());
  c.SetDown(0, true);
  auto a = PrePrepareMsg(c.key(0), 0, 0, 1, BatchOf({Req(1)}));
  auto b = PrePrepareMsg(c.key(0), 0, 0, 1, BatchOf({Req(2)}));
  Output first = c.Inject(1, 0, a);
  EXPECT_TRUE(first.evidence.empty());
  Output second = c.Inject(1, 0, b);
  ASSERT_EQ(second.evidence.size(), 1u);
  const pb::Evidence& ev = second.evidence[0];
  EXPECT_EQ(ev.replica(), 0u);
  EXPECT_EQ(ev.view(), 0u);
  EXPECT_EQ(ev.sequence(), 1u);
  EXPECT_EQ(ev.first().preprepare().digest(), a.preprepare().digest());
  EXPECT_EQ(ev.second().preprepare().digest(), b.preprepare().digest());
  // Both halves are checkable by anyone: signed pre-prepares, batch bodies omitted.
  for (const auto* half : {&ev.first().preprepare(), &ev.second().preprepare()}) {
    EXPECT_FALSE(half->has_batch());
    EXPECT_TRUE(crypto::Verify(c.key(0).public_key(),
                               proto::PrePrepareSigningBytes(kChain, 0, 1, half->digest(), 0),
                               half->signature()));
  }
  EXPECT_TRUE(c.Inject(1, 0, b).evidence.empty());  // the same pair again: nothing new
  // The replica prepared only the first digest.
  for (const auto& e : c.log()) {
    if (e.from == 1 && e.message.has_prepare()) {
      EXPECT_EQ(e.message.prepare().digest(), a.preprepare().digest());
    }
  }
}

TEST(PbftFaults, EquivocatingBackupYieldsEvidence) {
  TestCluster c(TestConfig());
  c.SetDown(2, true);
  auto pp = PrePrepareMsg(c.key(0), 0, 0, 1, BatchOf({Req(1)}));
  c.Inject(1, 0, pp);
  const std::string d1 = pp.preprepare().digest();
  const std::string d2 = proto::BatchDigestOf(BatchOf({Req(9)}));
  EXPECT_TRUE(c.Inject(1, 2, PrepareMsg(c.key(2), 2, 0, 1, d1)).evidence.empty());
  Output out = c.Inject(1, 2, PrepareMsg(c.key(2), 2, 0, 1, d2));
  ASSERT_EQ(out.evidence.size(), 1u);
  EXPECT_EQ(out.evidence[0].replica(), 2u);
  EXPECT_TRUE(out.evidence[0].first().has_prepare());
}

TEST(PbftFaults, DropsAndCountsMalformedAndForgedMessages) {
  Config cfg = TestConfig();
  cfg.max_batch_requests = 2;
  TestCluster c(cfg);
  c.Tick();  // gives replica 1 a clock for the skew check
  Replica& r = c.replica(1);
  const pb::Batch good = BatchOf({Req(1)}, 1'000'010);
  std::vector<std::pair<std::string, std::pair<uint32_t, pb::ConsensusMessage>>> cases;

  auto forged = PrePrepareMsg(c.key(0), 0, 0, 1, good);
  forged.mutable_preprepare()->set_signature(std::string(64, 'x'));
  cases.push_back({"bad signature", {0, forged}});
  cases.push_back({"signed by another key", {0, PrePrepareMsg(c.key(2), 0, 0, 1, good)}});
  cases.push_back({"from is not the signer", {2, PrePrepareMsg(c.key(0), 0, 0, 1, good)}});
  cases.push_back({"not the primary", {2, PrePrepareMsg(c.key(2), 2, 0, 1, good)}});
  cases.push_back({"wrong view", {0, PrePrepareMsg(c.key(0), 0, 4, 1, good)}});
  cases.push_back({"beyond the watermarks", {0, PrePrepareMsg(c.key(0), 0, 0, 17, good)}});
  auto mismatch = PrePrepareMsg(c.key(0), 0, 0, 1, good);
  *mismatch.mutable_preprepare()->mutable_batch() = BatchOf({Req(2)}, 1'000'010);
  cases.push_back({"digest does not match batch", {0, mismatch}});
  cases.push_back(
      {"batch over the request limit", {0, PrePrepareMsg(c.key(0), 0, 0, 1, BatchOf({"a", "b", "c"}))}});
  cases.push_back(
      {"timestamp far from our clock", {0, PrePrepareMsg(c.key(0), 0, 0, 1, BatchOf({Req(1)}, 5))}});
  pb::ConsensusMessage huge = PrePrepareMsg(c.key(0), 0, 0, 1, good);
  huge.mutable_preprepare()->mutable_batch()->add_requests(std::string(3 << 20, 'h'));
  cases.push_back({"oversized", {0, huge}});
  cases.push_back(
      {"prepare from the primary", {0, PrepareMsg(c.key(0), 0, 0, 1, forged.preprepare().digest())}});
  cases.push_back({"short digest", {2, PrepareMsg(c.key(2), 2, 0, 1, "short")}});
  pb::ConsensusMessage request;
  request.mutable_request()->set_request(Req(1));
  cases.push_back({"request over the consensus channel", {2, request}});
  cases.push_back({"empty message", {2, pb::ConsensusMessage()}});
  cases.push_back(
      {"sender index out of range", {7, PrepareMsg(c.key(2), 2, 0, 1, forged.preprepare().digest())}});
  pb::ConsensusMessage bad_vc;
  bad_vc.mutable_view_change()->set_new_view(1);
  bad_vc.mutable_view_change()->set_replica(2);
  bad_vc.mutable_view_change()->set_signature("nope");
  cases.push_back({"unsigned view change", {2, bad_vc}});
  pb::ConsensusMessage bad_cp;
  bad_cp.mutable_checkpoint()->set_sequence(3);  // not a multiple of K
  bad_cp.mutable_checkpoint()->set_state_digest("d");
  bad_cp.mutable_checkpoint()->set_replica(2);
  cases.push_back({"checkpoint off the interval", {2, bad_cp}});

  for (const auto& [name, input] : cases) {
    uint64_t before = r.stats().dropped_messages;
    Output out = r.Step(MessageEvent{input.first, input.second});
    EXPECT_EQ(r.stats().dropped_messages, before + 1) << name;
    EXPECT_TRUE(out.messages.empty()) << name;
    EXPECT_TRUE(out.persist.empty()) << name;
  }
  // The genuine pre-prepare is still accepted afterwards.
  Output ok = r.Step(MessageEvent{0, PrePrepareMsg(c.key(0), 0, 0, 1, good)});
  ASSERT_EQ(ok.messages.size(), 1u);
  EXPECT_TRUE(ok.messages[0].message.has_prepare());
}

TEST(PbftFaults, VerifiesARetransmittedVoteOnlyOnce) {
  TestCluster c(TestConfig());
  c.SetDown(0, true);
  auto pp = PrePrepareMsg(c.key(0), 0, 0, 1, BatchOf({Req(1)}));
  c.Inject(1, 0, pp);
  auto prepare = PrepareMsg(c.key(2), 2, 0, 1, pp.preprepare().digest());
  uint64_t before = c.node(1).verifier->calls();
  (void)c.replica(1).Step(MessageEvent{2, prepare});
  uint64_t once = c.node(1).verifier->calls();
  EXPECT_EQ(once, before + 1);
  for (int i = 0; i < 5; ++i) (void)c.replica(1).Step(MessageEvent{2, prepare});
  EXPECT_EQ(c.node(1).verifier->calls(), once);
}

TEST(PbftFaults, PrimaryWithholdingOneRequestIsReplaced) {
  Config cfg = TestConfig();  // request timer 20 ticks; starvation after 80
  cfg.batch_timeout_ticks = 0;
  TestCluster c(cfg);
  // The primary never sees request "withheld" (as if it dropped it) but keeps
  // committing everything else, so the plain request timer keeps restarting.
  c.Request("withheld", 1);
  c.Request("withheld", 2);
  c.Request("withheld", 3);
  for (int t = 0; t < 79; ++t) {
    c.Request(Req(t));
    c.Tick();
  }
  EXPECT_EQ(c.replica(1).view(), 0u);
  for (int t = 79; t < 90; ++t) {
    c.Request(Req(t));
    c.Tick();
  }
  EXPECT_EQ(c.replica(1).view(), 1u);
  bool committed = false;
  for (const auto& b : c.node(2).ledger) {
    for (const auto& r : b.batch.requests()) committed = committed || r == "withheld";
  }
  EXPECT_TRUE(committed);
}

TEST(PbftFaults, TestOnlyTwoFQuorumCommitsOnTwoVotes) {
  for (bool two_f : {false, true}) {
    Config cfg = TestConfig();
    cfg.test_only_commit_quorum_2f = two_f;
    TestCluster c(cfg);
    // Replica 0 hears only one other commit (from 1).
    c.SetFilter([](const Envelope& e) { return !(e.message.has_commit() && e.to == 0 && e.from != 1); });
    c.Request(Req(1));
    EXPECT_EQ(c.height(0), two_f ? 1u : 0u) << "two_f=" << two_f;
  }
}

}  // namespace
}  // namespace cc::consensus
