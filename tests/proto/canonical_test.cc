// Pins the canonical encodings of docs/encoding.md byte for byte. The expected
// bytes are written out by hand from the spec, not produced by the encoder.
#include "proto/canonical.h"

#include <gtest/gtest.h>

#include "common/hex.h"
#include "crypto/hash.h"
#include "crypto/keys.h"
#include "crypto/merkle.h"

namespace cc::proto {
namespace {

std::string Len(size_t n) {
  return std::string{static_cast<char>(n >> 24), static_cast<char>(n >> 16), static_cast<char>(n >> 8),
                     static_cast<char>(n)};
}
std::string B(std::string_view s) { return Len(s.size()) + std::string(s); }
std::string U64(uint64_t v) {
  std::string out;
  for (int sh = 56; sh >= 0; sh -= 8) out.push_back(static_cast<char>(v >> sh));
  return out;
}
std::string U32(uint32_t v) { return Len(v); }

TEST(CanonicalEncoding, CommitVoteLayout) {
  const std::string digest(32, '\xab');
  const std::string expected =
      B("creditchain/commit/v1") + B("chain-x") + U64(7) + U64(42) + B(digest) + U32(3);
  EXPECT_EQ(CommitSigningBytes("chain-x", 7, 42, digest, 3), expected);
  // Pinned hex of the first bytes: u32 tag length 21, then the tag.
  EXPECT_EQ(ToHex(expected.substr(0, 8)), "0000001563726564");
}

TEST(CanonicalEncoding, VoteTagsSeparatePhases) {
  const std::string d(32, '\x01');
  EXPECT_NE(PrepareSigningBytes("c", 1, 1, d, 0), CommitSigningBytes("c", 1, 1, d, 0));
  EXPECT_NE(PrePrepareSigningBytes("c", 1, 1, d, 0), PrepareSigningBytes("c", 1, 1, d, 0));
  EXPECT_NE(CommitSigningBytes("c1", 1, 1, d, 0), CommitSigningBytes("c2", 1, 1, d, 0));
}

TEST(CanonicalEncoding, RecordEventTxBodyLayout) {
  pb::TxBody body;
  body.set_chain_id("cc-test");
  body.set_sender("bank-a");
  body.set_nonce(9);
  body.set_not_before_ms(1000);
  body.set_not_after_ms(2000);
  auto* e = body.mutable_record_event();
  e->set_subject_key(std::string(32, 's'));
  e->set_event_type(pb::EVENT_DEFAULT);
  e->set_loan_ref_hash(std::string(32, 'l'));
  e->set_amount_minor(123456);
  e->set_currency("CNY");
  e->set_event_day(20000);
  e->set_record_hash(std::string(32, 'r'));
  const std::string expected = B("creditchain/tx/v1") + B("cc-test") + B("bank-a") + U64(9) + U64(1000) +
                               U64(2000) + U32(10) + B(std::string(32, 's')) + U32(6) +
                               B(std::string(32, 'l')) + U64(123456) + B("CNY") + U32(20000) +
                               B(std::string(32, 'r'));
  EXPECT_EQ(TxBodySigningBytes(body), expected);
}

TEST(CanonicalEncoding, DefaultsAreWrittenNotOmitted) {
  pb::TxBody body;
  body.mutable_approve_change();  // empty proposal id
  const std::string expected =
      B("creditchain/tx/v1") + B("") + B("") + U64(0) + U64(0) + U64(0) + U32(16) + B("");
  EXPECT_EQ(TxBodySigningBytes(body), expected);
  pb::TxBody none;
  EXPECT_EQ(TxBodySigningBytes(none),
            B("creditchain/tx/v1") + B("") + B("") + U64(0) + U64(0) + U64(0) + U32(0));
}

TEST(CanonicalEncoding, BlockHeaderAndBatchDigest) {
  pb::BlockHeader h;
  h.set_height(5);
  h.set_prev_hash(std::string(32, '\0'));
  h.set_batch_digest(std::string(32, 'd'));
  h.set_tx_root(std::string(32, 't'));
  h.set_state_root(std::string(32, 'S'));
  h.set_timestamp_ms(1700000000000ULL);
  h.set_tx_count(2);
  const std::string expected = B("creditchain/block/v1") + U64(5) + B(std::string(32, '\0')) +
                               B(std::string(32, 'd')) + B(std::string(32, 't')) + B(std::string(32, 'S')) +
                               U64(1700000000000ULL) + U32(2);
  EXPECT_EQ(BlockHeaderBytes(h), expected);
  EXPECT_EQ(BlockHash(h), crypto::Blake2b256(expected));

  const std::string root(32, 'R');
  EXPECT_EQ(BatchDigest(77, 3, root),
            crypto::Blake2b256(B("creditchain/batch/v1") + U64(77) + U32(3) + B(root)));
}

TEST(CanonicalEncoding, BatchDigestOfBindsOrderAndTimestamp) {
  pb::Batch a;
  a.set_timestamp_ms(10);
  a.add_requests("x");
  a.add_requests("y");
  pb::Batch swapped = a;
  swapped.set_requests(0, "y");
  swapped.set_requests(1, "x");
  pb::Batch later = a;
  later.set_timestamp_ms(11);
  EXPECT_NE(BatchDigestOf(a), BatchDigestOf(swapped));
  EXPECT_NE(BatchDigestOf(a), BatchDigestOf(later));
  EXPECT_EQ(BatchDigestOf(a), BatchDigest(10, 2, crypto::MerkleRoot({TxId("x"), TxId("y")})));
}

TEST(CanonicalEncoding, ViewChangeAndNewViewLayouts) {
  pb::ViewChange vc;
  vc.set_new_view(2);
  vc.set_stable_sequence(16);
  vc.set_stable_digest(std::string(32, 'c'));
  auto* p = vc.add_prepared();
  p->mutable_preprepare()->set_view(1);
  p->mutable_preprepare()->set_sequence(17);
  p->mutable_preprepare()->set_digest(std::string(32, 'd'));
  vc.set_replica(3);
  vc.set_signature("sig");
  EXPECT_EQ(ViewChangeSigningBytes("c", vc), B("creditchain/viewchange/v1") + B("c") + U64(2) + U64(16) +
                                                 B(std::string(32, 'c')) + U32(1) + U64(1) + U64(17) +
                                                 B(std::string(32, 'd')) + U32(3));
  pb::NewView nv;
  nv.set_view(2);
  *nv.add_view_changes() = vc;
  auto* pp = nv.add_preprepares();
  pp->set_sequence(17);
  pp->set_digest(std::string(32, 'd'));
  nv.set_replica(2);
  EXPECT_EQ(NewViewSigningBytes("c", nv), B("creditchain/newview/v1") + B("c") + U64(2) + U32(1) + U32(3) +
                                              B("sig") + U32(1) + U64(17) + B(std::string(32, 'd')) + U32(2));
}

TEST(CanonicalEncoding, TxAttestationLayout) {
  pb::TxAttestation a;
  a.set_validator(2);
  a.add_tx_ids(std::string(32, 'i'));
  a.add_public_keys(std::string(32, 'k'));
  a.add_tx_ids(std::string(32, 'j'));
  a.add_public_keys(std::string(32, 'l'));
  a.set_signature("not covered");
  EXPECT_EQ(TxAttestationSigningBytes("c", a), B("creditchain/tx-attestation/v1") + B("c") + U32(2) + U32(2) +
                                                   B(std::string(32, 'i')) + B(std::string(32, 'k')) +
                                                   B(std::string(32, 'j')) + B(std::string(32, 'l')));
  pb::TxAttestation other = a;
  other.set_validator(3);
  EXPECT_NE(TxAttestationSigningBytes("c", other), TxAttestationSigningBytes("c", a));
  EXPECT_NE(TxAttestationSigningBytes("d", a), TxAttestationSigningBytes("c", a));
}

TEST(ParseCanonicalTx, AcceptsCanonicalAndRefusesMalleatedBytes) {
  pb::SignedTx tx;
  tx.mutable_body()->set_chain_id("c");
  tx.mutable_body()->set_sender("m");
  tx.mutable_body()->set_nonce(1);
  tx.mutable_body()->mutable_approve_change()->set_proposal_tx_id(std::string(32, 'p'));
  tx.set_signature(std::string(64, 's'));
  const std::string raw = tx.SerializeAsString();
  pb::SignedTx parsed;
  EXPECT_TRUE(ParseCanonicalTx(raw, &parsed).ok());
  EXPECT_EQ(parsed.body().nonce(), 1u);

  // The same message with an unknown field appended (field 99, varint 1).
  const std::string with_unknown = raw + std::string("\x98\x06\x01", 3);
  EXPECT_EQ(ParseCanonicalTx(with_unknown, &parsed).code(), "non_canonical");
  // Fields out of order: signature (field 2) first, then body (field 1).
  std::string sig_field = std::string("\x12\x40", 2) + std::string(64, 's');
  std::string body_bytes = tx.body().SerializeAsString();
  std::string reordered =
      sig_field + std::string(1, '\x0a') + std::string(1, static_cast<char>(body_bytes.size())) + body_bytes;
  EXPECT_EQ(ParseCanonicalTx(reordered, &parsed).code(), "non_canonical");
  EXPECT_EQ(ParseCanonicalTx(std::string("\xff\xff\xff", 3), &parsed).code(), "malformed");
}

TEST(TxSignature, VerifiesOverCanonicalBody) {
  crypto::KeyPair kp = crypto::KeyPair::Generate();
  pb::TxBody body;
  body.set_chain_id("c");
  body.set_sender("m");
  body.mutable_query_audit()->set_purpose(pb::QUERY_LOAN_APPLICATION);
  const std::string sig = kp.Sign(TxBodySigningBytes(body));
  EXPECT_TRUE(crypto::Verify(kp.public_key(), TxBodySigningBytes(body), sig));
  body.set_nonce(1);
  EXPECT_FALSE(crypto::Verify(kp.public_key(), TxBodySigningBytes(body), sig));
}

}  // namespace
}  // namespace cc::proto
