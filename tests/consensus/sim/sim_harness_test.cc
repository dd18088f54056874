// Tests of the simulation harness itself: the fault model does what it claims and
// the safety checker rejects every kind of violation it is meant to catch, using
// hand-built commits with real signatures (no replica involved).
#include <gtest/gtest.h>

#include <set>

#include "proto/canonical.h"
#include "tests/consensus/sim/sim_checker.h"
#include "tests/consensus/sim/sim_crypto.h"
#include "tests/consensus/sim/sim_ledger.h"
#include "tests/consensus/sim/sim_network.h"
#include "tests/consensus/sim/sim_rng.h"

namespace cc::sim {
namespace {

constexpr char kChain[] = "creditchain-sim";

pb::ConsensusMessage Ping(uint64_t i) {
  pb::ConsensusMessage m;
  m.mutable_batch_fetch()->set_sequence(i);
  return m;
}

TEST(SimRng, SameSeedSameStreamAndBounds) {
  Rng a(42), b(42), c(43);
  bool differs = false;
  for (int i = 0; i < 1000; ++i) {
    const uint64_t x = a.Uniform(3, 9);
    EXPECT_EQ(x, b.Uniform(3, 9));
    EXPECT_GE(x, 3u);
    EXPECT_LE(x, 9u);
    differs |= c.Uniform(3, 9) != x;
  }
  EXPECT_TRUE(differs);
  EXPECT_FALSE(a.Chance(0));
  EXPECT_TRUE(a.Chance(1));
}

TEST(SimNetwork, DeliversWithinDelayBoundsAndKeepsTiesInOrder) {
  Rng rng(7);
  SimNetwork net(4, rng);
  net.set_faults({0, 0, 2, 5});
  for (uint64_t i = 0; i < 200; ++i) net.Send(10, 0, 1 + i % 3, Ping(i));
  uint64_t delivered = 0;
  std::set<uint64_t> times;
  for (uint64_t now = 0; now < 20; ++now) {
    Envelope e;
    while (net.PopDue(now, &e)) {
      EXPECT_GE(e.time, 12u);
      EXPECT_LE(e.time, 15u);
      EXPECT_EQ(e.time, now);
      times.insert(e.time);
      ++delivered;
    }
  }
  EXPECT_EQ(delivered, 200u);
  EXPECT_GT(times.size(), 1u);  // delays differ, so messages reorder

  for (uint64_t i = 0; i < 5; ++i) {
    Envelope e;
    e.time = 30;
    e.to = static_cast<uint32_t>(i);
    net.Schedule(std::move(e));
  }
  for (uint32_t i = 0; i < 5; ++i) {
    Envelope e;
    ASSERT_TRUE(net.PopDue(30, &e));
    EXPECT_EQ(e.to, i);
  }
}

TEST(SimNetwork, DropsOnlyBeforeGstAndDuplicates) {
  Rng rng(1);
  SimNetwork net(4, rng);
  net.set_faults({1.0, 0, 1, 1});
  net.set_gst(100);
  net.Send(10, 0, 1, Ping(1));
  net.Send(100, 0, 1, Ping(2));
  Envelope e;
  ASSERT_TRUE(net.PopDue(1000, &e));
  EXPECT_EQ(std::get<consensus::MessageEvent>(e.event).message.batch_fetch().sequence(), 2u);
  EXPECT_FALSE(net.PopDue(1000, &e));

  net.set_faults({0, 1.0, 1, 1});
  net.Send(200, 2, 3, Ping(3));
  EXPECT_EQ(net.pending(), 2u);
  EXPECT_EQ(net.counters().duplicated, 1u);
}

TEST(SimNetwork, PartitionBlocksBothWaysAtSendAndInFlightThenHeals) {
  Rng rng(1);
  SimNetwork net(4, rng);
  net.set_faults({0, 0, 5, 5});
  net.Send(0, 0, 2, Ping(1));  // in flight when the partition starts
  net.AddPartition(3, 50, {0, 0, 1, 1});
  EXPECT_FALSE(net.Connected(0, 2, 10));
  EXPECT_FALSE(net.Connected(2, 0, 10));
  EXPECT_TRUE(net.Connected(0, 1, 10));
  EXPECT_TRUE(net.Connected(0, 2, 50));
  net.Send(10, 2, 1, Ping(2));  // across: lost
  net.Send(10, 2, 3, Ping(3));  // same side: delivered
  net.Send(50, 2, 1, Ping(4));  // healed
  std::vector<uint64_t> got;
  Envelope e;
  while (net.PopDue(1000, &e)) {
    got.push_back(std::get<consensus::MessageEvent>(e.event).message.batch_fetch().sequence());
  }
  EXPECT_EQ(got, (std::vector<uint64_t>{3, 4}));
}

// ---- ledger and checker fixtures

struct Fixture {
  explicit Fixture(uint32_t n = 4) : keys(MakeValidatorKeys(9, n)), cache() {
    for (const auto& k : keys) pubs.push_back(k.public_key());
  }
  consensus::CommittedBatch Commit(uint64_t seq, std::vector<std::string> reqs, uint64_t ts, uint32_t signers,
                                   uint64_t view = 0) {
    consensus::CommittedBatch c;
    c.sequence = seq;
    c.batch.set_timestamp_ms(ts);
    for (auto& r : reqs) c.batch.add_requests(r);
    const std::string digest = proto::BatchDigestOf(c.batch);
    c.certificate.set_view(view);
    c.certificate.set_sequence(seq);
    c.certificate.set_digest(digest);
    for (uint32_t v = 0; v < signers; ++v) {
      auto* s = c.certificate.add_signatures();
      s->set_validator(v);
      s->set_signature(keys[v].Sign(proto::CommitSigningBytes(kChain, view, seq, digest, v)));
    }
    return c;
  }
  std::vector<crypto::KeyPair> keys;
  std::vector<std::string> pubs;
  VerifyCache cache;
};

TEST(SimLedger, ChainsBlocksAndCommitsToTheDuplicateList) {
  Fixture fx;
  SimLedger a, b;
  auto c1 = fx.Commit(1, {"x", "y"}, 1000, 3);
  auto c2 = fx.Commit(2, {"y", "z"}, 1001, 3);
  const ExecutedBlock b1 = a.Execute(c1);  // a copy: the next Execute may reallocate
  EXPECT_EQ(b1.block.block().header().prev_hash(), std::string(32, '\0'));
  EXPECT_EQ(b1.block.block().header().batch_digest(), c1.certificate.digest());
  EXPECT_EQ(b1.hash, proto::BlockHash(b1.block.block().header()));
  EXPECT_EQ(a.Execute(c2).block.block().header().prev_hash(), b1.hash);
  EXPECT_EQ(a.tip_timestamp_ms(), 1001u);

  b.Execute(c1);
  auto c2dup = c2;
  c2dup.duplicates = {0};
  EXPECT_NE(b.Execute(c2dup).hash, a.tip_hash());  // the skipped request changes the state root
}

TEST(SafetyChecker, AcceptsAgreementAndRejectsConflictingDigests) {
  Fixture fx;
  SimVerifier verifier(fx.pubs, &fx.cache);
  SafetyChecker checker(kChain, 4, verifier, true, 64);
  auto c1 = fx.Commit(1, {"a", "b"}, 1000, 3);
  EXPECT_EQ(checker.OnCommitted(0, 0, c1), "");
  EXPECT_EQ(checker.OnCommitted(1, 0, fx.Commit(1, {"a", "b"}, 1000, 4, 1)), "");  // other view, cert
  const std::string v = checker.OnCommitted(2, 0, fx.Commit(1, {"b", "a"}, 1000, 3));
  EXPECT_NE(v.find("SAFETY"), std::string::npos) << v;
}

TEST(SafetyChecker, RejectsRewrittenPrefixGapsAndBadCertificates) {
  Fixture fx;
  SimVerifier verifier(fx.pubs, &fx.cache);
  SafetyChecker checker(kChain, 4, verifier, true, 64);
  auto c1 = fx.Commit(1, {"a"}, 1000, 3);
  EXPECT_NE(checker.OnCommitted(0, 1, c1).find("rewritten"), std::string::npos);
  EXPECT_NE(checker.OnCommitted(0, 0, fx.Commit(2, {"a"}, 1000, 3)).find("contiguous"), std::string::npos);
  EXPECT_NE(checker.OnCommitted(0, 0, fx.Commit(1, {"a"}, 1000, 2)).find("quorum"), std::string::npos);
  auto forged = c1;
  forged.certificate.mutable_signatures(2)->set_signature(std::string(64, 'x'));
  EXPECT_NE(checker.OnCommitted(0, 0, forged).find("quorum"), std::string::npos);
  auto repeated = c1;
  *repeated.certificate.mutable_signatures(2) = repeated.certificate.signatures(0);
  EXPECT_NE(checker.OnCommitted(0, 0, repeated).find("quorum"), std::string::npos);
  auto mismatched = c1;
  mismatched.batch.add_requests("extra");
  EXPECT_NE(checker.OnCommitted(0, 0, mismatched).find("does not match"), std::string::npos);

  SafetyChecker lenient(kChain, 4, verifier, false, 64);  // the broken-quorum experiment
  EXPECT_EQ(lenient.OnCommitted(0, 0, fx.Commit(1, {"a"}, 1000, 2)), "");
}

TEST(SafetyChecker, RejectsDoubleDeliveryAndSkippedRequests) {
  Fixture fx;
  SimVerifier verifier(fx.pubs, &fx.cache);
  SafetyChecker checker(kChain, 4, verifier, true, 64);
  EXPECT_EQ(checker.OnCommitted(0, 0, fx.Commit(1, {"a", "b"}, 1000, 3)), "");
  auto again = fx.Commit(2, {"b", "c"}, 1001, 3);
  EXPECT_NE(checker.OnCommitted(0, 1, again).find("delivered twice"), std::string::npos);
  again.duplicates = {0};
  EXPECT_EQ(checker.OnCommitted(0, 1, again), "");

  auto skipped = fx.Commit(1, {"a", "b"}, 1000, 3);
  skipped.duplicates = {1};
  EXPECT_NE(checker.OnCommitted(1, 0, skipped).find("skipped"), std::string::npos);
}

TEST(SafetyChecker, DuplicateWindowIsCountedInBatches) {
  Fixture fx;
  SimVerifier verifier(fx.pubs, &fx.cache);
  SafetyChecker checker(kChain, 4, verifier, true, /*duplicate_window=*/2);
  EXPECT_EQ(checker.OnCommitted(0, 0, fx.Commit(1, {"a"}, 1000, 3)), "");
  EXPECT_EQ(checker.OnCommitted(0, 1, fx.Commit(2, {"b"}, 1001, 3)), "");
  auto same_batch = fx.Commit(3, {"c", "c"}, 1002, 3);
  EXPECT_NE(checker.OnCommitted(0, 2, same_batch).find("delivered twice"), std::string::npos);
  same_batch.duplicates = {1};
  EXPECT_EQ(checker.OnCommitted(0, 2, same_batch), "");
  // "a" last occurred at sequence 1: outside the 2 batches before sequence 4.
  EXPECT_EQ(checker.OnCommitted(0, 3, fx.Commit(4, {"a"}, 1003, 3)), "");
  auto flagged = fx.Commit(5, {"b"}, 1004, 3);
  flagged.duplicates = {0};
  EXPECT_NE(checker.OnCommitted(0, 4, flagged).find("skipped"), std::string::npos);
}

TEST(SafetyChecker, AcceptsRealEvidenceOnlyAgainstByzantine) {
  Fixture fx;
  SimVerifier verifier(fx.pubs, &fx.cache);
  SafetyChecker checker(kChain, 4, verifier, true, 64);
  checker.MarkByzantine(3);
  auto vote = [&](uint32_t r, const std::string& digest) {
    pb::ConsensusMessage m;
    auto* p = m.mutable_prepare();
    p->set_view(2);
    p->set_sequence(5);
    p->set_digest(digest);
    p->set_replica(r);
    ReSign(kChain, fx.keys[r], &m);
    return m;
  };
  auto evidence = [&](uint32_t r, const std::string& d1, const std::string& d2) {
    pb::Evidence e;
    e.set_replica(r);
    e.set_view(2);
    e.set_sequence(5);
    *e.mutable_first() = vote(r, d1);
    *e.mutable_second() = vote(r, d2);
    return e;
  };
  EXPECT_EQ(checker.OnEvidence(0, evidence(3, "d1", "d2")), "");
  EXPECT_EQ(checker.evidence_against(3), 1u);
  EXPECT_NE(checker.OnEvidence(0, evidence(2, "d1", "d2")).find("honest"), std::string::npos);
  EXPECT_NE(checker.OnEvidence(0, evidence(3, "d1", "d1")).find("do not conflict"), std::string::npos);
  auto forged = evidence(3, "d1", "d2");
  forged.mutable_second()->mutable_prepare()->set_digest("d3");  // signature no longer covers it
  EXPECT_NE(checker.OnEvidence(0, forged).find("invalid signature"), std::string::npos);
}

TEST(SimCrypto, KeysAreDeterministicPerSeedAndVerifierCachesVerdicts) {
  const auto a = MakeValidatorKeys(5, 4);
  const auto b = MakeValidatorKeys(5, 4);
  const auto c = MakeValidatorKeys(6, 4);
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(a[i].public_key(), b[i].public_key());
    EXPECT_NE(a[i].public_key(), c[i].public_key());
  }
  std::vector<std::string> pubs;
  for (const auto& k : a) pubs.push_back(k.public_key());
  VerifyCache cache;
  SimVerifier v1(pubs, &cache), v2(pubs, &cache);
  const std::string sig = a[1].Sign("m");
  EXPECT_TRUE(v1.Verify(1, "m", sig));
  EXPECT_TRUE(v2.Verify(1, "m", sig));
  EXPECT_FALSE(v2.Verify(2, "m", sig));
  EXPECT_FALSE(v2.Verify(1, "m2", sig));
  EXPECT_FALSE(v2.Verify(9, "m", sig));
  EXPECT_EQ(cache.verifications(), 3u);
}

}  // namespace
}  // namespace cc::sim
