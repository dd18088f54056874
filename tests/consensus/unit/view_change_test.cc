// The pure view-change rules: building and validating VIEW-CHANGE, the NEW-VIEW
// selection (min-s, max-s, highest-view certificate, null batches) and its check.
#include "consensus/view_change.h"

#include <gtest/gtest.h>

#include <memory>

#include "proto/canonical.h"
#include "tests/consensus/unit/test_cluster.h"

namespace cc::consensus {
namespace {

constexpr char kChain[] = "unit-test-chain";

class ViewChangeRules : public ::testing::Test {
 protected:
  ViewChangeRules() : keys_(testing::TestKeys(4)) {
    for (uint32_t i = 0; i < 4; ++i) {
      signers_.push_back(std::make_unique<testing::KeySigner>(keys_[i]));
      verifiers_.push_back(std::make_unique<testing::KeyVerifier>(testing::PublicKeys(keys_)));
      auths_.push_back(std::make_unique<MessageAuth>(kChain, 4, i, *signers_[i], *verifiers_[i]));
    }
  }

  MessageAuth& auth(uint32_t i) { return *auths_[i]; }

  static std::string Digest(const std::string& tag) { return crypto::Blake2b256(tag); }

  // A prepared certificate: pre-prepare by primary(view), prepares by `preparers`.
  pb::PreparedProof Proof(uint64_t view, uint64_t seq, const std::string& digest,
                          std::vector<uint32_t> preparers) {
    pb::PreparedProof p;
    *p.mutable_preprepare() = auth(view % 4).SignPrePrepare(view, seq, digest);
    for (uint32_t r : preparers) *p.add_prepares() = auth(r).SignPrepare(view, seq, digest);
    return p;
  }

  StableCheckpoint Stable(uint64_t seq, const std::string& digest, std::vector<uint32_t> signers) {
    StableCheckpoint s{seq, digest, {}};
    for (uint32_t r : signers) s.proof.push_back(auth(r).SignCheckpoint(seq, digest));
    return s;
  }

  pb::ViewChange Vc(uint32_t from, uint64_t new_view, const StableCheckpoint& stable,
                    std::vector<pb::PreparedProof> proofs) {
    std::map<uint64_t, pb::PreparedProof> by_seq;
    for (auto& p : proofs) by_seq[p.preprepare().sequence()] = p;
    return MakeViewChange(auth(from), rules_, new_view, stable, by_seq);
  }

  ViewRules rules_{4, 4, 16};
  std::vector<crypto::KeyPair> keys_;
  std::vector<std::unique_ptr<testing::KeySigner>> signers_;
  std::vector<std::unique_ptr<testing::KeyVerifier>> verifiers_;
  std::vector<std::unique_ptr<MessageAuth>> auths_;
};

TEST_F(ViewChangeRules, HonestViewChangeValidates) {
  auto vc = Vc(2, 1, Stable(4, Digest("s4"), {0, 1, 2}), {Proof(0, 5, Digest("b5"), {1, 2})});
  EXPECT_TRUE(ValidateViewChange(auth(1), rules_, vc).ok());
  EXPECT_EQ(vc.prepared_size(), 1);
  EXPECT_FALSE(vc.prepared(0).preprepare().has_batch());
  auto genesis = Vc(3, 1, StableCheckpoint{}, {});
  EXPECT_TRUE(ValidateViewChange(auth(1), rules_, genesis).ok());
}

TEST_F(ViewChangeRules, MakeViewChangeLeavesOutProofsAtOrBelowTheCheckpointOrBeyondTheWindow) {
  auto vc = Vc(2, 1, Stable(4, Digest("s4"), {0, 1, 2}),
               {Proof(0, 3, Digest("b3"), {1, 2}), Proof(0, 6, Digest("b6"), {1, 2}),
                Proof(0, 21, Digest("b21"), {1, 2})});
  ASSERT_EQ(vc.prepared_size(), 1);
  EXPECT_EQ(vc.prepared(0).preprepare().sequence(), 6u);
}

TEST_F(ViewChangeRules, RejectsForgedOrInsufficientProofs) {
  auto stable = Stable(4, Digest("s4"), {0, 1, 2});
  auto good = Vc(2, 1, stable, {Proof(0, 5, Digest("b5"), {1, 2})});

  auto bad_sig = good;
  bad_sig.set_signature(std::string(64, 'x'));
  EXPECT_EQ(ValidateViewChange(auth(1), rules_, bad_sig).code(), "bad_signature");

  auto two_checkpoints = Vc(2, 1, Stable(4, Digest("s4"), {0, 1}), {});
  EXPECT_EQ(ValidateViewChange(auth(1), rules_, two_checkpoints).code(), "bad_checkpoint_proof");

  auto repeated_signer = Stable(4, Digest("s4"), {0, 1, 1});
  EXPECT_EQ(ValidateViewChange(auth(1), rules_, Vc(2, 1, repeated_signer, {})).code(),
            "bad_checkpoint_proof");

  auto off_interval = Vc(2, 1, Stable(5, Digest("s5"), {0, 1, 2}), {});
  EXPECT_EQ(ValidateViewChange(auth(1), rules_, off_interval).code(), "bad_checkpoint_proof");

  auto one_prepare = Vc(2, 1, stable, {Proof(0, 5, Digest("b5"), {1})});
  EXPECT_EQ(ValidateViewChange(auth(1), rules_, one_prepare).code(), "bad_prepared_proof");

  auto primary_prepares = Vc(2, 1, stable, {Proof(0, 5, Digest("b5"), {0, 1})});
  EXPECT_EQ(ValidateViewChange(auth(1), rules_, primary_prepares).code(), "bad_prepared_proof");

  auto dup_prepares = Vc(2, 1, stable, {Proof(0, 5, Digest("b5"), {1, 1})});
  EXPECT_EQ(ValidateViewChange(auth(1), rules_, dup_prepares).code(), "bad_prepared_proof");

  // A pre-prepare not signed by that view's primary.
  pb::PreparedProof wrong_primary = Proof(0, 5, Digest("b5"), {1, 2});
  *wrong_primary.mutable_preprepare() = auth(3).SignPrePrepare(0, 5, Digest("b5"));
  pb::ViewChange vc = good;
  *vc.mutable_prepared(0) = wrong_primary;
  auth(2).SignViewChange(vc);
  EXPECT_EQ(ValidateViewChange(auth(1), rules_, vc).code(), "bad_prepared_proof");

  // A prepare for another digest inside the certificate.
  pb::PreparedProof mixed = Proof(0, 5, Digest("b5"), {1, 2});
  *mixed.mutable_prepares(1) = auth(2).SignPrepare(0, 5, Digest("other"));
  vc = good;
  *vc.mutable_prepared(0) = mixed;
  auth(2).SignViewChange(vc);
  EXPECT_EQ(ValidateViewChange(auth(1), rules_, vc).code(), "bad_prepared_proof");

  // A forged prepare signature.
  pb::PreparedProof forged = Proof(0, 5, Digest("b5"), {1, 2});
  forged.mutable_prepares(0)->set_signature(std::string(64, 'f'));
  vc = good;
  *vc.mutable_prepared(0) = forged;
  auth(2).SignViewChange(vc);
  EXPECT_EQ(ValidateViewChange(auth(1), rules_, vc).code(), "bad_prepared_proof");

  auto outside = Vc(2, 1, stable, {});
  *outside.add_prepared() = Proof(0, 21, Digest("b21"), {1, 2});  // beyond stable + L
  auth(2).SignViewChange(outside);
  EXPECT_EQ(ValidateViewChange(auth(1), rules_, outside).code(), "bad_prepared_proof");

  auto future = Vc(2, 1, stable, {});
  *future.add_prepared() = Proof(1, 5, Digest("b5"), {0, 2});  // prepared in the new view itself
  auth(2).SignViewChange(future);
  EXPECT_EQ(ValidateViewChange(auth(1), rules_, future).code(), "bad_prepared_proof");
}

TEST_F(ViewChangeRules, SelectionKeepsHighestViewCertificateAndFillsHolesWithNullBatches) {
  auto s4 = Stable(4, Digest("s4"), {0, 1, 2});
  std::vector<pb::ViewChange> vcs = {
      Vc(1, 3, StableCheckpoint{}, {Proof(0, 2, Digest("old2"), {1, 2})}),
      Vc(2, 3, s4, {Proof(0, 5, Digest("v0"), {1, 2}), Proof(0, 8, Digest("b8"), {1, 3})}),
      Vc(3, 3, s4, {Proof(2, 5, Digest("v2"), {0, 1})}),
  };
  NewViewSelection s = SelectNewView(vcs);
  EXPECT_EQ(s.min_s, 4u);  // the highest stable checkpoint, with its proof
  EXPECT_EQ(s.stable.digest, Digest("s4"));
  EXPECT_EQ(s.stable.proof.size(), 3u);
  EXPECT_EQ(s.max_s, 8u);
  ASSERT_EQ(s.entries.size(), 4u);               // 5, 6, 7, 8
  EXPECT_EQ(s.entries[0].digest, Digest("v2"));  // view 2 beats view 0
  EXPECT_FALSE(s.entries[0].null_batch);
  EXPECT_TRUE(s.entries[1].null_batch);
  EXPECT_EQ(s.entries[1].digest, proto::BatchDigestOf(pb::Batch()));
  EXPECT_TRUE(s.entries[2].null_batch);
  EXPECT_EQ(s.entries[3].digest, Digest("b8"));
}

TEST_F(ViewChangeRules, NoPreparedCertificatesMeansAnEmptySelection) {
  std::vector<pb::ViewChange> vcs = {Vc(0, 1, StableCheckpoint{}, {}), Vc(2, 1, StableCheckpoint{}, {}),
                                     Vc(3, 1, StableCheckpoint{}, {})};
  NewViewSelection s = SelectNewView(vcs);
  EXPECT_EQ(s.min_s, 0u);
  EXPECT_EQ(s.max_s, 0u);
  EXPECT_TRUE(s.entries.empty());
}

TEST_F(ViewChangeRules, NewViewRoundTripAndTampering) {
  auto s4 = Stable(4, Digest("s4"), {0, 1, 2});
  std::vector<pb::ViewChange> vcs = {Vc(0, 1, s4, {Proof(0, 6, Digest("b6"), {2, 3})}), Vc(2, 1, s4, {}),
                                     Vc(3, 1, s4, {})};
  NewViewSelection selection = SelectNewView(vcs);
  pb::NewView nv = MakeNewView(auth(1), 1, vcs, selection);
  auto validate = [&](const pb::ViewChange& vc) { return ValidateViewChange(auth(2), rules_, vc); };
  NewViewSelection out;
  ASSERT_TRUE(ValidateNewView(auth(2), rules_, nv, validate, &out).ok());
  ASSERT_EQ(out.entries.size(), 2u);  // 5 (null), 6
  EXPECT_TRUE(out.entries[0].null_batch);
  EXPECT_EQ(out.entries[1].digest, Digest("b6"));

  // Not from the primary of view 1.
  pb::NewView by_other = MakeNewView(auth(2), 1, vcs, selection);
  EXPECT_EQ(ValidateNewView(auth(2), rules_, by_other, validate, &out).code(), "wrong_primary");

  // Too few view changes.
  pb::NewView few = nv;
  few.mutable_view_changes()->RemoveLast();
  auth(1).SignNewView(few);
  EXPECT_EQ(ValidateNewView(auth(2), rules_, few, validate, &out).code(), "too_few_view_changes");

  // The same sender twice.
  pb::NewView twice = nv;
  *twice.mutable_view_changes(2) = twice.view_changes(1);
  auth(1).SignNewView(twice);
  EXPECT_EQ(ValidateNewView(auth(2), rules_, twice, validate, &out).code(), "bad_view_change");

  // A re-issued pre-prepare that drops the prepared batch for a null batch.
  pb::NewView dropped = nv;
  *dropped.mutable_preprepares(1) = auth(1).SignPrePrepare(1, 6, proto::BatchDigestOf(pb::Batch()));
  auth(1).SignNewView(dropped);
  EXPECT_EQ(ValidateNewView(auth(2), rules_, dropped, validate, &out).code(), "selection_mismatch");

  // Omitting the view change that carried the certificate changes the selection.
  std::vector<pb::ViewChange> others = {vcs[1], vcs[2], Vc(1, 1, s4, {})};
  pb::NewView hiding = nv;
  hiding.clear_view_changes();
  for (auto& vc : others) *hiding.add_view_changes() = vc;
  auth(1).SignNewView(hiding);
  EXPECT_EQ(ValidateNewView(auth(2), rules_, hiding, validate, &out).code(), "selection_mismatch");

  // A carried view change altered after signing.
  pb::NewView altered = nv;
  altered.mutable_view_changes(1)->set_stable_sequence(8);
  auth(1).SignNewView(altered);
  EXPECT_EQ(ValidateNewView(auth(2), rules_, altered, validate, &out).code(), "bad_view_change");

  // The NEW-VIEW's own signature.
  pb::NewView unsigned_nv = nv;
  unsigned_nv.set_signature("x");
  EXPECT_EQ(ValidateNewView(auth(2), rules_, unsigned_nv, validate, &out).code(), "bad_signature");
}

}  // namespace
}  // namespace cc::consensus
