// The Ledger contract (ledger/ledger.h), checked on every implementation.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "ledger/block.h"
#include "ledger/leveldb_ledger.h"
#include "ledger/memory_ledger.h"
#include "ledger/proof.h"
#include "proto/canonical.h"
#include "tests/ledger/chain_builder.h"
#include "tests/support/temp_dir.h"

namespace cc::ledger {
namespace {

using cc::testing::TempDir;
using testing::ChainBuilder;

struct MemoryFactory {
  std::unique_ptr<Ledger> Make() { return std::make_unique<MemoryLedger>(); }
};

struct LevelDbFactory {
  TempDir dir;
  std::unique_ptr<Ledger> Make() {
    auto opened = LevelDbLedger::Open(dir.Sub("db"));
    if (!opened.ok()) ADD_FAILURE() << opened.status().ToString();
    return std::move(opened).value();
  }
};

template <typename Factory>
class LedgerContract : public ::testing::Test {
 protected:
  Factory factory_;
  std::unique_ptr<Ledger> ledger_ = factory_.Make();
  ChainBuilder chain_;

  pb::CertifiedBlock AppendNext(size_t txs) {
    pb::CertifiedBlock b = chain_.Next(txs);
    const Status s = ledger_->Append(b, ChainBuilder::WritesFor(b));
    EXPECT_TRUE(s.ok()) << s.ToString();
    return b;
  }
  // Nothing of `b` may be visible.
  void ExpectAbsent(const pb::CertifiedBlock& b, uint64_t height_before) {
    EXPECT_EQ(ledger_->Height(), height_before);
    EXPECT_EQ(ledger_->GetBlockByHash(proto::BlockHash(b.block().header())).status().code(), "not_found");
    for (const auto& id : BlockTxIds(b.block())) {
      EXPECT_EQ(ledger_->FindTx(id).status().code(), "not_found");
    }
    EXPECT_FALSE(ledger_->GetState(ChainBuilder::BlockStateKey(b.block().header().height())));
  }
};

using Implementations = ::testing::Types<MemoryFactory, LevelDbFactory>;
TYPED_TEST_SUITE(LedgerContract, Implementations);

TYPED_TEST(LedgerContract, EmptyLedger) {
  EXPECT_EQ(this->ledger_->Height(), 0u);
  EXPECT_EQ(this->ledger_->TipHash(), ZeroHash());
  EXPECT_EQ(this->ledger_->GetBlock(1).status().code(), "not_found");
  EXPECT_EQ(this->ledger_->GetBlock(0).status().code(), "not_found");
  EXPECT_EQ(this->ledger_->FindTx(std::string(32, 'a')).status().code(), "not_found");
  EXPECT_EQ(this->ledger_->GetTxProof(std::string(32, 'a')).status().code(), "not_found");
  EXPECT_TRUE(VerifyChain(*this->ledger_, "x", {}).ok());
}

TYPED_TEST(LedgerContract, AppendThenLookUpByHeightHashAndTxWithProofs) {
  std::vector<pb::CertifiedBlock> blocks;
  for (size_t i = 0; i < 5; ++i) blocks.push_back(this->AppendNext(i + 1));
  EXPECT_EQ(this->ledger_->Height(), 5u);
  EXPECT_EQ(this->ledger_->TipHash(), this->chain_.tip_hash());
  for (const auto& b : blocks) {
    const uint64_t h = b.block().header().height();
    auto by_height = this->ledger_->GetBlock(h);
    ASSERT_TRUE(by_height.ok());
    EXPECT_EQ(by_height->SerializeAsString(), b.SerializeAsString());
    auto by_hash = this->ledger_->GetBlockByHash(proto::BlockHash(b.block().header()));
    ASSERT_TRUE(by_hash.ok());
    EXPECT_EQ(by_hash->block().header().height(), h);
    const auto ids = BlockTxIds(b.block());
    for (uint32_t i = 0; i < ids.size(); ++i) {
      auto loc = this->ledger_->FindTx(ids[i]);
      ASSERT_TRUE(loc.ok());
      EXPECT_EQ(loc->height, h);
      EXPECT_EQ(loc->index, i);
      auto proof = this->ledger_->GetTxProof(ids[i]);
      ASSERT_TRUE(proof.ok());
      EXPECT_EQ(proof->tx(), b.block().txs(static_cast<int>(i)));
      const Status v = VerifyTxProof(*proof, this->chain_.chain_id(), this->chain_.public_keys());
      EXPECT_TRUE(v.ok()) << v.ToString();
    }
  }
  EXPECT_EQ(this->ledger_->GetBlock(6).status().code(), "not_found");
  const ChainReport report = VerifyChain(*this->ledger_, this->chain_.chain_id(), this->chain_.public_keys());
  EXPECT_TRUE(report.ok()) << report.reason;
  EXPECT_EQ(report.height, 5u);
}

TYPED_TEST(LedgerContract, StateWritesPutDeleteAndScan) {
  const pb::CertifiedBlock b1 = this->chain_.Next(1);
  ASSERT_TRUE(this->ledger_->Append(b1, {{"a/1", "one"}, {"a/2", "two"}, {"b/1", "x"}}).ok());
  const pb::CertifiedBlock b2 = this->chain_.Next(1);
  ASSERT_TRUE(this->ledger_->Append(b2, {{"a/1", std::nullopt}, {"a/3", "three"}}).ok());
  EXPECT_FALSE(this->ledger_->GetState("a/1"));
  EXPECT_EQ(this->ledger_->GetState("a/2"), "two");
  const auto scan = this->ledger_->ScanState("a/", 10);
  ASSERT_EQ(scan.size(), 2u);
  EXPECT_EQ(scan[0], (std::pair<std::string, std::string>{"a/2", "two"}));
  EXPECT_EQ(scan[1], (std::pair<std::string, std::string>{"a/3", "three"}));
  EXPECT_EQ(this->ledger_->ScanState("a/", 1).size(), 1u);
  EXPECT_EQ(this->ledger_->ScanState("", 10).size(), 3u);
  EXPECT_TRUE(this->ledger_->ScanState("c", 10).empty());
}

TYPED_TEST(LedgerContract, RefusedBlocksWriteNothing) {
  const pb::CertifiedBlock b1 = this->AppendNext(3);
  const pb::CertifiedBlock b2 = this->chain_.Next(3);
  const pb::CertifiedBlock b3 = this->chain_.Next(3);
  auto refuse = [&](const pb::CertifiedBlock& b, const std::string& code) {
    const Status s = this->ledger_->Append(b, ChainBuilder::WritesFor(b));
    EXPECT_EQ(s.code(), code) << s.ToString();
    this->ExpectAbsent(b, 1);
  };
  refuse(b3, "out_of_order");  // skips 2
  // Block 1 again: refused, and its state writes are not applied.
  EXPECT_EQ(this->ledger_->Append(b1, {{"last", "again"}, {"extra", "x"}}).code(), "out_of_order");
  EXPECT_EQ(this->ledger_->GetState("last"), "1");
  EXPECT_FALSE(this->ledger_->GetState("extra"));
  pb::CertifiedBlock bad = b2;
  bad.mutable_block()->mutable_header()->set_prev_hash(std::string(32, 'z'));
  refuse(bad, "bad_prev_hash");
  bad = b2;
  (*bad.mutable_block()->mutable_txs(1))[20] ^= 1;
  refuse(bad, "bad_block");
  bad = b2;
  bad.mutable_block()->mutable_header()->set_tx_count(2);
  refuse(bad, "bad_block");
  bad = b2;
  bad.mutable_block()->mutable_header()->set_timestamp_ms(1);
  refuse(bad, "bad_block");
  bad = b2;
  bad.mutable_certificate()->set_sequence(3);
  refuse(bad, "bad_certificate");
  bad = b2;
  bad.mutable_certificate()->set_digest(b3.block().header().batch_digest());
  refuse(bad, "bad_certificate");
  EXPECT_EQ(this->ledger_->TipHash(), proto::BlockHash(b1.block().header()));
  EXPECT_EQ(this->ledger_->GetState("last"), "1");
  // The untouched block still goes in afterwards.
  EXPECT_TRUE(this->ledger_->Append(b2, ChainBuilder::WritesFor(b2)).ok());
  EXPECT_TRUE(VerifyChain(*this->ledger_, this->chain_.chain_id(), this->chain_.public_keys()).ok());
}

TYPED_TEST(LedgerContract, RepeatedTransactionKeepsItsFirstLocation) {
  const std::string dup = this->chain_.MakeTx(424242);
  const pb::CertifiedBlock b1 = this->chain_.NextWithTxs({this->chain_.MakeTx(1), dup});
  ASSERT_TRUE(this->ledger_->Append(b1, {}).ok());
  // Re-ordered in a later batch, and twice within it: stored, not re-indexed.
  const pb::CertifiedBlock b2 = this->chain_.NextWithTxs({dup, this->chain_.MakeTx(2), dup});
  ASSERT_TRUE(this->ledger_->Append(b2, {}).ok());
  auto loc = this->ledger_->FindTx(proto::TxId(dup));
  ASSERT_TRUE(loc.ok());
  EXPECT_EQ(loc->height, 1u);
  EXPECT_EQ(loc->index, 1u);
  auto second = this->ledger_->FindTx(proto::TxId(b2.block().txs(1)));
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->index, 1u);
  EXPECT_TRUE(VerifyChain(*this->ledger_, this->chain_.chain_id(), this->chain_.public_keys()).ok());
}

TYPED_TEST(LedgerContract, EmptyBlocksAreBlocks) {
  this->AppendNext(0);
  this->AppendNext(2);
  EXPECT_EQ(this->ledger_->Height(), 2u);
  EXPECT_TRUE(VerifyChain(*this->ledger_, this->chain_.chain_id(), this->chain_.public_keys()).ok());
}

pb::ReplicaRecord ViewRecord(uint64_t view) {
  pb::ReplicaRecord r;
  r.set_entered_view(view);
  return r;
}

std::vector<uint64_t> Views(const std::vector<pb::ReplicaRecord>& records) {
  std::vector<uint64_t> out;
  for (const auto& r : records) out.push_back(r.entered_view());
  return out;
}

TYPED_TEST(LedgerContract, RecordsAppendLoadInOrderAndTruncate) {
  Ledger& l = *this->ledger_;
  EXPECT_TRUE(l.LoadRecords().empty());
  ASSERT_TRUE(l.AppendRecords({ViewRecord(1), ViewRecord(2)}).ok());
  ASSERT_TRUE(l.AppendRecords({}).ok());
  ASSERT_TRUE(l.AppendRecords({ViewRecord(3)}).ok());
  const uint64_t mark = l.RecordsMark();
  ASSERT_TRUE(l.AppendRecords({ViewRecord(4), ViewRecord(5)}).ok());
  EXPECT_EQ(Views(l.LoadRecords()), (std::vector<uint64_t>{1, 2, 3, 4, 5}));
  EXPECT_GT(l.RecordsMark(), mark);

  // Drop everything before the mark, keeping a compact summary in front.
  ASSERT_TRUE(l.TruncateRecords(mark, {ViewRecord(30), ViewRecord(31)}).ok());
  EXPECT_EQ(Views(l.LoadRecords()), (std::vector<uint64_t>{30, 31, 4, 5}));
  ASSERT_TRUE(l.AppendRecords({ViewRecord(6)}).ok());
  EXPECT_EQ(Views(l.LoadRecords()), (std::vector<uint64_t>{30, 31, 4, 5, 6}));

  // Truncating at the current mark with nothing kept empties the log.
  const uint64_t all = l.RecordsMark();
  ASSERT_TRUE(l.TruncateRecords(all, {}).ok());
  EXPECT_TRUE(l.LoadRecords().empty());
  EXPECT_EQ(l.RecordsMark(), all);
  ASSERT_TRUE(l.AppendRecords({ViewRecord(7)}).ok());
  EXPECT_EQ(Views(l.LoadRecords()), (std::vector<uint64_t>{7}));

  EXPECT_EQ(l.TruncateRecords(l.RecordsMark() + 1, {}).code(), "invalid_argument");
  EXPECT_EQ(Views(l.LoadRecords()), (std::vector<uint64_t>{7}));
}

TYPED_TEST(LedgerContract, ReadersSeeWholeBlocksWhileAWriterAppends) {
  std::vector<pb::CertifiedBlock> blocks;
  for (int i = 0; i < 30; ++i) blocks.push_back(this->chain_.Next(5));
  std::atomic<bool> done{false};
  std::atomic<int> failures{0};
  std::vector<std::thread> readers;
  for (int r = 0; r < 2; ++r) {
    readers.emplace_back([&] {
      while (!done.load()) {
        const uint64_t h = this->ledger_->Height();
        if (h == 0) continue;
        // A block visible at the tip comes with its certificate, index and state.
        auto b = this->ledger_->GetBlock(h);
        if (!b.ok() || !this->ledger_->FindTx(proto::TxId(b->block().txs(4))).ok() ||
            !this->ledger_->GetState(ChainBuilder::BlockStateKey(h))) {
          failures.fetch_add(1);
        }
      }
    });
  }
  for (const auto& b : blocks) {
    EXPECT_TRUE(this->ledger_->Append(b, ChainBuilder::WritesFor(b)).ok());
  }
  done.store(true);
  for (auto& t : readers) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(this->ledger_->Height(), 30u);
}

}  // namespace
}  // namespace cc::ledger
