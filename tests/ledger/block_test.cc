#include "ledger/block.h"

#include <gtest/gtest.h>

#include "crypto/merkle.h"
#include "proto/canonical.h"
#include "tests/ledger/chain_builder.h"

namespace cc::ledger {
namespace {

using testing::ChainBuilder;

TEST(Block, BuildBlockFollowsTheEncodingRules) {
  ChainBuilder chain;
  const std::vector<std::string> txs = {chain.MakeTx(1), chain.MakeTx(2), chain.MakeTx(3)};
  const pb::Block block = BuildBlock(1, ZeroHash(), 1234567, txs, std::string(32, 's'));
  const auto& h = block.header();
  EXPECT_EQ(h.height(), 1u);
  EXPECT_EQ(h.prev_hash(), std::string(32, '\0'));
  EXPECT_EQ(h.timestamp_ms(), 1234567u);
  EXPECT_EQ(h.tx_count(), 3u);
  const std::vector<std::string> ids = {proto::TxId(txs[0]), proto::TxId(txs[1]), proto::TxId(txs[2])};
  EXPECT_EQ(BlockTxIds(block), ids);
  EXPECT_EQ(h.tx_root(), crypto::MerkleRoot(ids));
  EXPECT_EQ(h.batch_digest(), proto::BatchDigest(1234567, 3, h.tx_root()));
  EXPECT_EQ(h.state_root(), std::string(32, 's'));
  EXPECT_TRUE(CheckBlock(block).ok());
}

TEST(Block, BlockFromBatchHasTheBatchDigestConsensusAgreedOn) {
  ChainBuilder chain;
  pb::Batch batch;
  batch.set_timestamp_ms(99);
  batch.add_requests(chain.MakeTx(1));
  batch.add_requests(chain.MakeTx(2));
  const pb::Block block = BuildBlockFromBatch(7, std::string(32, 'p'), batch, "");
  EXPECT_EQ(block.header().batch_digest(), proto::BatchDigestOf(batch));
  EXPECT_EQ(block.header().timestamp_ms(), 99u);
  EXPECT_TRUE(CheckBlock(block).ok());
}

TEST(Block, EmptyBlockIsConsistent) {
  const pb::Block block = BuildBlock(1, ZeroHash(), 5, {}, "");
  EXPECT_EQ(block.header().tx_count(), 0u);
  EXPECT_TRUE(CheckBlock(block).ok());
}

TEST(Block, CheckBlockNamesEachInconsistency) {
  ChainBuilder chain;
  const pb::Block good = chain.Next(4).block();
  auto expect_bad = [](const pb::Block& b, const std::string& words) {
    const Status s = CheckBlock(b);
    EXPECT_EQ(s.code(), "bad_block");
    EXPECT_NE(s.message().find(words), std::string::npos) << s.ToString();
  };
  pb::Block b = good;
  b.mutable_txs(2)->back() ^= 1;
  expect_bad(b, "tx_root");
  b = good;
  b.add_txs(chain.MakeTx(999));
  expect_bad(b, "tx_count");
  b = good;
  b.mutable_header()->set_tx_count(3);
  expect_bad(b, "tx_count");
  b = good;
  b.mutable_header()->set_timestamp_ms(good.header().timestamp_ms() + 1);
  expect_bad(b, "batch_digest");
  b = good;
  b.mutable_header()->set_prev_hash(std::string(32, 'x'));
  expect_bad(b, "zero bytes");
  b = good;
  b.mutable_header()->set_prev_hash("short");
  expect_bad(b, "prev_hash");
  b = good;
  b.mutable_header()->set_height(0);
  expect_bad(b, "height 0");
  // Swapping two transactions keeps the count but changes the root.
  b = good;
  b.mutable_txs()->SwapElements(0, 1);
  expect_bad(b, "tx_root");
}

class Certificates : public ::testing::Test {
 protected:
  ChainBuilder chain_{"cert-chain", 4};
  pb::CertifiedBlock block_ = chain_.Next(2);
  const pb::BlockHeader& header() const { return block_.block().header(); }
  Status Check(const pb::CommitCertificate& cert) const {
    return VerifyCertificate(cert, header(), chain_.chain_id(), chain_.public_keys());
  }
};

TEST_F(Certificates, QuorumOfDistinctValidSignaturesIsValid) {
  EXPECT_EQ(QuorumSize(1), 1u);
  EXPECT_EQ(QuorumSize(4), 3u);
  EXPECT_EQ(QuorumSize(7), 5u);
  EXPECT_TRUE(Check(block_.certificate()).ok());
  EXPECT_TRUE(Check(chain_.Certify(header(), 3, {3, 1, 2})).ok());
  EXPECT_TRUE(Check(chain_.Certify(header(), 0, {0, 1, 2, 3})).ok());
}

TEST_F(Certificates, TooFewSignaturesAreRefused) {
  const Status s = Check(chain_.Certify(header(), 0, {0, 1}));
  EXPECT_EQ(s.code(), "bad_certificate");
  EXPECT_NE(s.message().find("needs 3 of 4"), std::string::npos) << s.ToString();
}

TEST_F(Certificates, RepeatedValidatorCountsOnce) {
  EXPECT_EQ(Check(chain_.Certify(header(), 0, {0, 1, 1, 0})).code(), "bad_certificate");
}

TEST_F(Certificates, OutOfRangeIndexDoesNotCount) {
  pb::CommitCertificate cert = chain_.Certify(header(), 0, {0, 1});
  pb::CommitSignature* extra = cert.add_signatures();
  extra->set_validator(4);  // n = 4: no such validator
  extra->set_signature(cert.signatures(0).signature());
  EXPECT_EQ(Check(cert).code(), "bad_certificate");
}

TEST_F(Certificates, SignatureOfAnotherValidatorOrViewDoesNotCount) {
  pb::CommitCertificate cert = chain_.Certify(header(), 0, {0, 1, 2});
  // Validator 2's slot carries validator 1's signature.
  cert.mutable_signatures(2)->set_signature(cert.signatures(1).signature());
  EXPECT_EQ(Check(cert).code(), "bad_certificate");
  // Signed in view 0 but claimed for view 1.
  cert = chain_.Certify(header(), 0, {0, 1, 2});
  cert.set_view(1);
  EXPECT_EQ(Check(cert).code(), "bad_certificate");
  // A garbled signature.
  cert = chain_.Certify(header(), 0, {0, 1, 2});
  (*cert.mutable_signatures(0)->mutable_signature())[5] ^= 1;
  EXPECT_EQ(Check(cert).code(), "bad_certificate");
}

TEST_F(Certificates, OtherChainOrOtherKeysFail) {
  EXPECT_EQ(VerifyCertificate(block_.certificate(), header(), "another-chain", chain_.public_keys()).code(),
            "bad_certificate");
  ChainBuilder other("cert-chain", 4, "other-validators");
  EXPECT_EQ(VerifyCertificate(block_.certificate(), header(), chain_.chain_id(), other.public_keys()).code(),
            "bad_certificate");
  EXPECT_EQ(VerifyCertificate(block_.certificate(), header(), chain_.chain_id(), {}).code(),
            "invalid_argument");
}

TEST_F(Certificates, MustNameTheHeadersHeightAndDigest) {
  pb::CommitCertificate cert = block_.certificate();
  cert.set_sequence(2);
  EXPECT_EQ(CheckCertificateBinding(cert, header()).code(), "bad_certificate");
  EXPECT_EQ(Check(cert).code(), "bad_certificate");
  // A validly signed certificate for another block's digest does not certify this one.
  const pb::CertifiedBlock next = chain_.Next(1);
  pb::BlockHeader forged = next.block().header();
  forged.set_height(1);
  pb::CommitCertificate other = chain_.Certify(forged);
  EXPECT_TRUE(VerifyCertificateQuorum(other, chain_.chain_id(), chain_.public_keys()).ok());
  EXPECT_EQ(Check(other).code(), "bad_certificate");
}

TEST(Block, CheckNextBlockEnforcesOrderLinkAndBinding) {
  ChainBuilder chain;
  const pb::CertifiedBlock b1 = chain.Next(1);
  const pb::CertifiedBlock b2 = chain.Next(1);
  EXPECT_TRUE(CheckNextBlock(b1, 0, ZeroHash()).ok());
  EXPECT_EQ(CheckNextBlock(b2, 0, ZeroHash()).code(), "out_of_order");
  EXPECT_EQ(CheckNextBlock(b2, 1, ZeroHash()).code(), "bad_prev_hash");
  EXPECT_TRUE(CheckNextBlock(b2, 1, proto::BlockHash(b1.block().header())).ok());
  pb::CertifiedBlock wrong_cert = b1;
  wrong_cert.mutable_certificate()->set_digest(std::string(32, 'd'));
  EXPECT_EQ(CheckNextBlock(wrong_cert, 0, ZeroHash()).code(), "bad_certificate");
}

}  // namespace
}  // namespace cc::ledger
