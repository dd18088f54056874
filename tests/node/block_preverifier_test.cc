#include "node/block_preverifier.h"

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>

#include "crypto/keys.h"
#include "proto/canonical.h"
#include "tests/contracts/test_chain.h"

namespace cc::node {
namespace {

using contracts::testing::TestChain;

pb::CertifiedBlock BlockOf(uint64_t height, const std::vector<std::string>& txs) {
  pb::CertifiedBlock b;
  b.mutable_block()->mutable_header()->set_height(height);
  for (const auto& tx : txs) b.mutable_block()->add_txs(tx);
  return b;
}

class BlockPreverifierTest : public ::testing::Test {
 protected:
  BlockPreverifierTest()
      : pool_(2, 100),
        pre_(chain_.state(), signatures_, pool_, 2, [this](std::vector<pb::CertifiedBlock> blocks) {
          std::lock_guard<std::mutex> lock(mu_);
          for (const auto& b : blocks) delivered_.push_back(b.block().header().height());
          ++deliveries_;
          cv_.notify_all();
        }) {}
  ~BlockPreverifierTest() override { pool_.Stop(); }

  void WaitForDeliveries(size_t n) {
    std::unique_lock<std::mutex> lock(mu_);
    ASSERT_TRUE(cv_.wait_for(lock, std::chrono::seconds(30), [&] { return deliveries_ >= n; }));
  }

  std::string Event(int i) {
    return chain_.RecordEvent("bank-a", TestChain::Subject("s" + std::to_string(i)), pb::EVENT_LOAN_OPENED,
                              TestChain::Hash("loan" + std::to_string(i)));
  }

  // True if checking `raw` now needs no Ed25519 verification (it was preverified).
  bool AlreadyChecked(const std::string& raw) {
    pb::SignedTx tx;
    EXPECT_TRUE(proto::ParseCanonicalTx(raw, &tx).ok());
    const uint64_t before = crypto::ProcessSignatureCounts().verifies;
    EXPECT_TRUE(signatures_.Check(proto::TxId(raw), TestChain::KeyFor("bank-a").public_key(),
                                  proto::TxBodySigningBytes(tx.body()), tx.signature()));
    return crypto::ProcessSignatureCounts().verifies == before;
  }

  TestChain chain_;
  VerifiedSignatures signatures_;
  WorkerPool pool_;
  BlockPreverifier pre_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<uint64_t> delivered_;
  size_t deliveries_ = 0;
};

TEST_F(BlockPreverifierTest, ChecksSignaturesAheadOfExecutionAndDeliversInOrder) {
  std::vector<std::string> txs;
  for (int i = 0; i < 40; ++i) txs.push_back(Event(i));
  pre_.Offer({BlockOf(1, {txs.begin(), txs.begin() + 20}), BlockOf(2, {txs.begin() + 20, txs.begin() + 30})});
  pre_.Offer({BlockOf(3, {txs.begin() + 30, txs.end()})});
  pre_.Offer({});  // an empty response is handed on too, in its turn
  WaitForDeliveries(3);
  EXPECT_EQ(delivered_, (std::vector<uint64_t>{1, 2, 3}));
  EXPECT_EQ(pre_.checked(), 40u);
  for (const auto& tx : txs) EXPECT_TRUE(AlreadyChecked(tx));
}

TEST_F(BlockPreverifierTest, CopiesOfOfferedHeightsAreHandedOnUnchecked) {
  const std::string a = Event(1), b = Event(2);
  pre_.Offer({BlockOf(1, {a})});
  pre_.Offer({BlockOf(1, {a}), BlockOf(2, {b})});  // height 1 again (a second pusher)
  WaitForDeliveries(2);
  EXPECT_EQ(delivered_, (std::vector<uint64_t>{1, 1, 2}));
  EXPECT_EQ(pre_.checked(), 2u);
}

TEST_F(BlockPreverifierTest, BadSignaturesAndUnknownSendersAreLeftToExecution) {
  std::string forged = Event(1);
  forged[forged.size() - 1] ^= 1;  // the signature is the last field
  pb::TxBody stranger = chain_.Body("nobody");
  const std::string unknown = TestChain::Sign(stranger, TestChain::KeyFor("nobody"));
  pre_.Offer({BlockOf(1, {forged, unknown, "not a transaction"})});
  WaitForDeliveries(1);
  EXPECT_EQ(pre_.checked(), 1u);  // only the forged one had a key to check against
  pb::SignedTx tx;
  ASSERT_TRUE(proto::ParseCanonicalTx(forged, &tx).ok());
  EXPECT_FALSE(signatures_.Check(proto::TxId(forged), TestChain::KeyFor("bank-a").public_key(),
                                 proto::TxBodySigningBytes(tx.body()), tx.signature()));
}

}  // namespace
}  // namespace cc::node
