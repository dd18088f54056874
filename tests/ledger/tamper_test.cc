// One flipped byte inside one stored block is found, and named by height, both by
// VerifyChain and by the real `creditctl verify` binary.
#include <gtest/gtest.h>

#include "common/hex.h"
#include "ledger/leveldb_ledger.h"
#include "ledger/storage_keys.h"
#include "tests/ledger/chain_builder.h"
#include "tests/ledger/raw_db.h"
#include "tests/support/subprocess.h"
#include "tests/support/temp_dir.h"

namespace cc::ledger {
namespace {

using cc::testing::ProcessResult;
using cc::testing::RunProcess;
using cc::testing::TempDir;
using testing::ChainBuilder;
using testing::RawDb;

const std::string kCreditctl = CC_BINARY_DIR "/cli/creditctl";

class Tamper : public ::testing::Test {
 protected:
  TempDir dir_;
  std::string data_dir_ = dir_.path();
  std::string db_path_ = LedgerDbPath(data_dir_);
  ChainBuilder chain_{"tamper-chain"};
  std::vector<pb::CertifiedBlock> blocks_;

  void SetUp() override {
    auto opened = LevelDbLedger::Open(db_path_);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    for (int i = 0; i < 8; ++i) {
      blocks_.push_back(chain_.Next(10));
      ASSERT_TRUE((*opened)->Append(blocks_.back(), ChainBuilder::WritesFor(blocks_.back())).ok());
    }
  }  // closed here

  // Flips one byte inside transaction `tx` of the stored block at `height`, through
  // the LevelDB API, leaving every other byte of the value as it was.
  void FlipTxByte(uint64_t height, int tx) {
    RawDb raw(db_path_);
    ASSERT_TRUE(raw.ok()) << raw.error();
    auto value = raw.Get(keys::Block(height));
    ASSERT_TRUE(value);
    const std::string& tx_bytes = blocks_[height - 1].block().txs(tx);
    const size_t at = value->find(tx_bytes);
    ASSERT_NE(at, std::string::npos);
    std::string damaged = *value;
    damaged[at + tx_bytes.size() / 2] ^= 0x01;
    ASSERT_TRUE(raw.Put(keys::Block(height), damaged));
  }

  ChainReport VerifyStored() {
    auto opened = LevelDbLedger::Open(db_path_, OpenOptions{false, 0});
    EXPECT_TRUE(opened.ok()) << opened.status().ToString();
    if (!opened.ok()) return {};
    return VerifyChain(**opened, chain_.chain_id(), chain_.public_keys());
  }

  std::string ValidatorList() const {
    std::string out;
    for (const auto& k : chain_.public_keys()) out += (out.empty() ? "" : ",") + ToHex(k);
    return out;
  }
};

TEST_F(Tamper, UntouchedChainIsSoundForVerifyChainAndCreditctl) {
  const ChainReport report = VerifyStored();
  EXPECT_TRUE(report.ok()) << report.reason;
  EXPECT_EQ(report.height, 8u);
  ProcessResult r = RunProcess(kCreditctl, {"verify", "--data-dir", data_dir_});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("chain sound: 8 blocks"), std::string::npos) << r.out;
  r = RunProcess(kCreditctl, {"verify", "--data-dir", data_dir_, "--chain-id", chain_.chain_id(),
                              "--validators", ValidatorList()});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("verified against 4 validators"), std::string::npos) << r.out;
}

TEST_F(Tamper, FlippedByteInAStoredBlockIsNamedByHeight) {
  FlipTxByte(5, 3);
  const ChainReport report = VerifyStored();
  EXPECT_EQ(report.first_bad, 5u) << report.reason;
  EXPECT_NE(report.reason.find("tx_root"), std::string::npos) << report.reason;

  const ProcessResult r = RunProcess(kCreditctl, {"verify", "--data-dir", data_dir_});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("height 5:"), std::string::npos) << r.out << r.err;
}

TEST_F(Tamper, FlippedByteInTheTipBlockIsNamedByHeight) {
  FlipTxByte(8, 0);
  EXPECT_EQ(VerifyStored().first_bad, 8u);
  const ProcessResult r = RunProcess(kCreditctl, {"verify", "--data-dir", data_dir_});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("height 8:"), std::string::npos) << r.out << r.err;
}

TEST_F(Tamper, CertificatesFromOtherValidatorsAreNamedByHeight) {
  ChainBuilder others("tamper-chain", 4, "other-validators");
  std::string list;
  for (const auto& k : others.public_keys()) list += (list.empty() ? "" : ",") + ToHex(k);
  const ProcessResult r = RunProcess(
      kCreditctl, {"verify", "--data-dir", data_dir_, "--chain-id", chain_.chain_id(), "--validators", list});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("height 1:"), std::string::npos) << r.out << r.err;
  EXPECT_NE(r.out.find("bad_certificate"), std::string::npos) << r.out;
}

TEST_F(Tamper, EditedTipHeaderStopsOpenAndCreditctlNamesTheHeight) {
  {
    RawDb raw(db_path_);
    ASSERT_TRUE(raw.ok());
    pb::Block b = blocks_[7].block();
    b.mutable_header()->set_timestamp_ms(b.header().timestamp_ms() + 1);
    ASSERT_TRUE(raw.Put(keys::Block(8), b.SerializeAsString()));
  }
  const ProcessResult r = RunProcess(kCreditctl, {"verify", "--data-dir", data_dir_});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("corruption"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("height 8"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace cc::ledger
