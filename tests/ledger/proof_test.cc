#include "ledger/proof.h"

#include <gtest/gtest.h>

#include "proto/canonical.h"
#include "tests/ledger/chain_builder.h"

namespace cc::ledger {
namespace {

using testing::ChainBuilder;

class Proofs : public ::testing::Test {
 protected:
  ChainBuilder chain_{"proof-chain"};
  pb::CertifiedBlock block_ = chain_.Next(7);
  Status Verify(const pb::TxProof& p) const {
    return VerifyTxProof(p, chain_.chain_id(), chain_.public_keys());
  }
};

TEST_F(Proofs, EveryTransactionOfABlockProves) {
  for (uint32_t i = 0; i < 7; ++i) {
    const pb::TxProof proof = BuildTxProof(block_, i);
    EXPECT_EQ(proof.tx(), block_.block().txs(static_cast<int>(i)));
    EXPECT_EQ(proof.merkle().leaf_index(), i);
    EXPECT_EQ(proof.merkle().leaf_count(), 7u);
    EXPECT_TRUE(Verify(proof).ok()) << i << ": " << Verify(proof).ToString();
  }
}

TEST_F(Proofs, SingleTransactionBlockProves) {
  const pb::CertifiedBlock one = chain_.Next(1);
  EXPECT_TRUE(Verify(BuildTxProof(one, 0)).ok());
}

TEST_F(Proofs, TamperedTransactionFails) {
  pb::TxProof p = BuildTxProof(block_, 3);
  (*p.mutable_tx())[10] ^= 1;
  EXPECT_EQ(Verify(p).code(), "bad_proof");
  p = BuildTxProof(block_, 3);
  p.set_tx(block_.block().txs(4));  // another real transaction with the wrong path
  EXPECT_EQ(Verify(p).code(), "bad_proof");
}

TEST_F(Proofs, TamperedPathFails) {
  pb::TxProof p = BuildTxProof(block_, 3);
  (*p.mutable_merkle()->mutable_siblings(0))[0] ^= 1;
  EXPECT_EQ(Verify(p).code(), "bad_proof");
  p = BuildTxProof(block_, 3);
  p.mutable_merkle()->set_leaf_index(2);
  EXPECT_EQ(Verify(p).code(), "bad_proof");
  p = BuildTxProof(block_, 3);
  p.mutable_merkle()->set_leaf_count(8);
  EXPECT_EQ(Verify(p).code(), "bad_proof");
  p = BuildTxProof(block_, 3);
  p.mutable_merkle()->add_siblings(std::string(32, 'x'));
  EXPECT_EQ(Verify(p).code(), "bad_proof");
}

TEST_F(Proofs, HeaderThatDoesNotMatchItsCertificateFails) {
  // A forged root: the forger builds a tree of its own, but the certificate signed
  // the real batch digest.
  pb::TxProof p = BuildTxProof(block_, 0);
  const pb::CertifiedBlock fake = ChainBuilder("proof-chain", 4, "forger").Next(1);
  p.set_tx(fake.block().txs(0));
  p.mutable_merkle()->set_leaf_index(0);
  p.mutable_merkle()->set_leaf_count(1);
  p.mutable_merkle()->clear_siblings();
  p.mutable_header()->set_tx_count(1);
  p.mutable_header()->set_tx_root(fake.block().header().tx_root());
  EXPECT_EQ(Verify(p).code(), "bad_proof");  // batch digest no longer matches
  p.mutable_header()->set_batch_digest(
      proto::BatchDigest(p.header().timestamp_ms(), 1, fake.block().header().tx_root()));
  EXPECT_EQ(Verify(p).code(), "bad_certificate");  // nobody signed that digest
}

TEST_F(Proofs, CertificateIsChecked) {
  pb::TxProof p = BuildTxProof(block_, 0);
  p.mutable_certificate()->mutable_signatures()->RemoveLast();
  EXPECT_EQ(Verify(p).code(), "bad_certificate");
  p = BuildTxProof(block_, 0);
  p.mutable_header()->set_height(2);  // certificate is for sequence 1
  EXPECT_EQ(Verify(p).code(), "bad_certificate");
  p = BuildTxProof(block_, 0);
  EXPECT_EQ(VerifyTxProof(p, "another-chain", chain_.public_keys()).code(), "bad_certificate");
  EXPECT_EQ(VerifyTxProof(p, chain_.chain_id(), {}).code(), "invalid_argument");
}

TEST_F(Proofs, SurvivesSerialization) {
  const pb::TxProof p = BuildTxProof(block_, 5);
  pb::TxProof back;
  ASSERT_TRUE(back.ParseFromString(p.SerializeAsString()));
  EXPECT_TRUE(Verify(back).ok());
}

}  // namespace
}  // namespace cc::ledger
