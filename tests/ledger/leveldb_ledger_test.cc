// LevelDbLedger beyond the shared contract: persistence across reopen, the tip check
// on Open, and VerifyChain against damage done to the stored bytes.
#include "ledger/leveldb_ledger.h"

#include <gtest/gtest.h>

#include "ledger/block.h"
#include "ledger/storage_keys.h"
#include "proto/canonical.h"
#include "tests/ledger/chain_builder.h"
#include "tests/ledger/raw_db.h"
#include "tests/support/temp_dir.h"

namespace cc::ledger {
namespace {

using cc::testing::TempDir;
using testing::ChainBuilder;
using testing::RawDb;

class LevelDbLedgerTest : public ::testing::Test {
 protected:
  TempDir dir_;
  std::string path_ = dir_.Sub("db");
  ChainBuilder chain_;
  std::vector<pb::CertifiedBlock> blocks_;

  std::unique_ptr<LevelDbLedger> OpenOk() {
    auto opened = LevelDbLedger::Open(path_);
    EXPECT_TRUE(opened.ok()) << opened.status().ToString();
    return opened.ok() ? std::move(opened).value() : nullptr;
  }
  // Writes `n` blocks of `txs` transactions and closes the database.
  void WriteChain(int n, size_t txs) {
    auto ledger = OpenOk();
    ASSERT_TRUE(ledger);
    for (int i = 0; i < n; ++i) {
      blocks_.push_back(chain_.Next(txs));
      ASSERT_TRUE(ledger->Append(blocks_.back(), ChainBuilder::WritesFor(blocks_.back())).ok());
    }
  }
  ChainReport Verify() {
    auto ledger = OpenOk();
    if (!ledger) return ChainReport{0, 999, "open failed"};
    return VerifyChain(*ledger, chain_.chain_id(), chain_.public_keys());
  }
  template <typename Fn>
  void Damage(Fn fn) {
    RawDb raw(path_);
    ASSERT_TRUE(raw.ok()) << raw.error();
    fn(raw);
  }
};

TEST_F(LevelDbLedgerTest, EverythingSurvivesReopen) {
  WriteChain(4, 3);
  {
    auto ledger = OpenOk();
    ASSERT_TRUE(ledger->AppendRecords({pb::ReplicaRecord(), pb::ReplicaRecord()}).ok());
  }
  auto ledger = OpenOk();
  ASSERT_TRUE(ledger);
  EXPECT_EQ(ledger->Height(), 4u);
  EXPECT_EQ(ledger->TipHash(), chain_.tip_hash());
  EXPECT_EQ(ledger->GetState("last"), "4");
  EXPECT_EQ(ledger->LoadRecords().size(), 2u);
  const uint64_t mark = ledger->RecordsMark();
  auto loc = ledger->FindTx(proto::TxId(blocks_[2].block().txs(1)));
  ASSERT_TRUE(loc.ok());
  EXPECT_EQ(loc->height, 3u);
  EXPECT_TRUE(VerifyChain(*ledger, chain_.chain_id(), chain_.public_keys()).ok());
  // Appending continues from the stored tip.
  const pb::CertifiedBlock next = chain_.Next(1);
  EXPECT_TRUE(ledger->Append(next, {}).ok());
  // Truncation is durable, and marks keep growing across reopen.
  ASSERT_TRUE(ledger->TruncateRecords(mark, {}).ok());
  ledger.reset();
  ledger = OpenOk();
  EXPECT_EQ(ledger->Height(), 5u);
  EXPECT_TRUE(ledger->LoadRecords().empty());
  EXPECT_EQ(ledger->RecordsMark(), mark);
}

TEST_F(LevelDbLedgerTest, OpenWithoutCreateRefusesAMissingDatabase) {
  auto opened = LevelDbLedger::Open(dir_.Sub("nothing-here"), OpenOptions{false, 0});
  EXPECT_EQ(opened.status().code(), "not_found");
  EXPECT_FALSE(std::filesystem::exists(dir_.Sub("nothing-here")));
}

TEST_F(LevelDbLedgerTest, SecondOpenOfALiveDatabaseFailsCleanly) {
  auto first = OpenOk();
  auto second = LevelDbLedger::Open(path_);
  EXPECT_EQ(second.status().code(), "io") << second.status().ToString();
}

TEST_F(LevelDbLedgerTest, OpenRefusesAForeignDatabase) {
  {
    RawDb raw(path_, /*create_if_missing=*/true);
    ASSERT_TRUE(raw.ok()) << raw.error();
    ASSERT_TRUE(raw.Put("hello", "world"));
  }
  EXPECT_EQ(LevelDbLedger::Open(path_).status().code(), "corruption");
}

TEST_F(LevelDbLedgerTest, OpenDetectsATipThatDoesNotMatchItsBlock) {
  WriteChain(3, 2);
  Damage([&](RawDb& raw) {
    pb::Block b = blocks_[2].block();
    b.mutable_header()->set_state_root(std::string(32, 'e'));
    ASSERT_TRUE(raw.Put(keys::Block(3), b.SerializeAsString()));
  });
  auto opened = LevelDbLedger::Open(path_);
  EXPECT_EQ(opened.status().code(), "corruption");
  EXPECT_NE(opened.status().message().find("height 3"), std::string::npos) << opened.status().ToString();
}

TEST_F(LevelDbLedgerTest, OpenDetectsAMissingTipBlockOrCertificate) {
  WriteChain(2, 1);
  Damage([](RawDb& raw) { ASSERT_TRUE(raw.Delete(keys::Certificate(2))); });
  EXPECT_EQ(LevelDbLedger::Open(path_).status().code(), "corruption");
  Damage([&](RawDb& raw) {
    ASSERT_TRUE(raw.Put(keys::Certificate(2), blocks_[1].certificate().SerializeAsString()));
    ASSERT_TRUE(raw.Delete(keys::Block(2)));
  });
  EXPECT_EQ(LevelDbLedger::Open(path_).status().code(), "corruption");
}

TEST_F(LevelDbLedgerTest, OpenDetectsABlockAboveTheTip) {
  WriteChain(2, 1);
  const pb::CertifiedBlock extra = chain_.Next(1);
  Damage([&](RawDb& raw) { ASSERT_TRUE(raw.Put(keys::Block(3), extra.block().SerializeAsString())); });
  EXPECT_EQ(LevelDbLedger::Open(path_).status().code(), "corruption");
}

TEST_F(LevelDbLedgerTest, VerifyChainNamesAHeaderEditedInTheMiddle) {
  WriteChain(6, 2);
  Damage([&](RawDb& raw) {
    pb::Block b = blocks_[3].block();
    b.mutable_header()->set_state_root(std::string(32, 'e'));  // consistent but rehashed
    ASSERT_TRUE(raw.Put(keys::Block(4), b.SerializeAsString()));
  });
  const ChainReport r = Verify();
  EXPECT_EQ(r.first_bad, 4u) << r.reason;
  EXPECT_NE(r.reason.find("hash index"), std::string::npos) << r.reason;
}

TEST_F(LevelDbLedgerTest, VerifyChainNamesAMissingIndexEntry) {
  WriteChain(4, 3);
  Damage([&](RawDb& raw) { ASSERT_TRUE(raw.Delete(keys::TxIndex(proto::TxId(blocks_[1].block().txs(2))))); });
  const ChainReport r = Verify();
  EXPECT_EQ(r.first_bad, 2u) << r.reason;
  EXPECT_NE(r.reason.find("not indexed"), std::string::npos) << r.reason;
}

TEST_F(LevelDbLedgerTest, VerifyChainChecksCertificatesOnlyAgainstKeys) {
  WriteChain(4, 1);
  Damage([&](RawDb& raw) {
    // Two signatures instead of three: well-formed, but not a quorum.
    pb::CommitCertificate weak = chain_.Certify(blocks_[2].block().header(), 0, {0, 1});
    ASSERT_TRUE(raw.Put(keys::Certificate(3), weak.SerializeAsString()));
  });
  EXPECT_EQ(Verify().first_bad, 3u);
  auto ledger = OpenOk();
  EXPECT_TRUE(VerifyChain(*ledger, chain_.chain_id(), {}).ok());
  // A certificate for another sequence is caught even without keys.
  ledger.reset();
  Damage([&](RawDb& raw) {
    ASSERT_TRUE(raw.Put(keys::Certificate(2), blocks_[0].certificate().SerializeAsString()));
  });
  ledger = OpenOk();
  const ChainReport r = VerifyChain(*ledger, chain_.chain_id(), {});
  EXPECT_EQ(r.first_bad, 2u) << r.reason;
}

TEST_F(LevelDbLedgerTest, VerifyChainNamesAnUnparseableBlock) {
  WriteChain(3, 1);
  Damage([](RawDb& raw) { ASSERT_TRUE(raw.Put(keys::Block(2), "\xff\xff\xff garbage")); });
  const ChainReport r = Verify();
  EXPECT_EQ(r.first_bad, 2u);
  EXPECT_NE(r.reason.find("corruption"), std::string::npos) << r.reason;
}

}  // namespace
}  // namespace cc::ledger
