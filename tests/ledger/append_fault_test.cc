// Disk faults under LevelDbLedger::Append and Open, at every fault position.
//
// Each case builds a fresh ledger on a real directory through a FaultEnv
// (tests/support/fault_env.h), appends a few blocks, then fails the k-th write or
// sync of the next appends (once, or from then on), keeps appending like a caller
// that retries (node/block_follower.cc logs a failed append and takes the block
// again from the next sync round), closes the ledger and cuts the power. The
// reopened ledger must hold:
//   - every block whose Append returned Ok, with its state and index entries (an
//     Ok is a promise that the block was synced);
//   - whole blocks only: each block is there with everything of it, or nothing of
//     it is, whatever its Append returned; Open's tip check and VerifyChain pass;
//   - a ledger that works again: the next block appends and survives a power loss.
// And an Append during which a fault was injected must not return Ok.
// Open is put through the same faults (its recovery writes a table, a MANIFEST and
// CURRENT): whatever Open answers, nothing acknowledged before is lost.
#include <gtest/gtest.h>

#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "ledger/leveldb_ledger.h"
#include "proto/canonical.h"
#include "tests/ledger/chain_builder.h"
#include "tests/support/fault_env.h"
#include "tests/support/temp_dir.h"

namespace cc::ledger::append_faults {
namespace {

using cc::testing::FaultEnv;
using cc::testing::TempDir;
using testing::ChainBuilder;
using Fault = FaultEnv::Fault;

constexpr size_t kPrefixBlocks = 2;
// Transactions per block. The larger blocks exceed LevelDB's 32 KiB log block, so
// their records are written in several fragments, each a separate fault position.
const std::vector<size_t> kTxCounts = {4, 9, 60, 3, 110, 25, 7};

// The chain every case appends, built once.
const std::vector<pb::CertifiedBlock>& Chain() {
  static const auto* chain = [] {
    ChainBuilder builder("fault-chain", 4, "fault");
    auto* blocks = new std::vector<pb::CertifiedBlock>();
    for (size_t txs : kTxCounts) blocks->push_back(builder.Next(txs));
    return blocks;
  }();
  return *chain;
}

const std::vector<std::string>& ValidatorKeys() {
  static const auto* keys =
      new std::vector<std::string>(ChainBuilder("fault-chain", 4, "fault").public_keys());
  return *keys;
}

const pb::CertifiedBlock& BlockAt(uint64_t h) { return Chain().at(h - 1); }

Result<std::unique_ptr<LevelDbLedger>> OpenOn(FaultEnv& env, const std::string& path,
                                              size_t write_buffer = 0) {
  OpenOptions options;
  options.env = &env;
  options.write_buffer_bytes = write_buffer;
  return LevelDbLedger::Open(path, options);
}

// Everything of block h is present.
void ExpectWhole(const Ledger& ledger, uint64_t h) {
  const pb::CertifiedBlock& b = BlockAt(h);
  auto stored = ledger.GetBlock(h);
  ASSERT_TRUE(stored.ok()) << "block " << h << ": " << stored.status().ToString();
  EXPECT_EQ(stored->SerializeAsString(), b.SerializeAsString()) << h;
  EXPECT_EQ(ledger.GetState(ChainBuilder::BlockStateKey(h)), proto::BlockHash(b.block().header())) << h;
  for (int i = 0; i < b.block().txs_size(); ++i) {
    auto loc = ledger.FindTx(proto::TxId(b.block().txs(i)));
    ASSERT_TRUE(loc.ok()) << "block " << h << " tx " << i;
    EXPECT_EQ(loc->height, h);
  }
}

// Nothing of block h is present.
void ExpectAbsent(const Ledger& ledger, uint64_t h) {
  if (h > Chain().size()) return;
  const pb::CertifiedBlock& b = BlockAt(h);
  EXPECT_EQ(ledger.GetBlock(h).status().code(), "not_found") << h;
  EXPECT_EQ(ledger.GetBlockByHash(proto::BlockHash(b.block().header())).status().code(), "not_found") << h;
  EXPECT_FALSE(ledger.GetState(ChainBuilder::BlockStateKey(h))) << h;
  for (int i = 0; i < b.block().txs_size(); ++i) {
    EXPECT_EQ(ledger.FindTx(proto::TxId(b.block().txs(i))).status().code(), "not_found")
        << "block " << h << " tx " << i;
  }
}

// The reopened ledger holds blocks 1..H wholly and nothing of H+1, with
// acked <= H <= attempted.
void ExpectConsistent(const Ledger& ledger, uint64_t acked, uint64_t attempted) {
  const uint64_t h = ledger.Height();
  EXPECT_GE(h, acked) << "a block whose Append returned Ok was lost";
  EXPECT_LE(h, attempted);
  const ChainReport report = VerifyChain(ledger, "fault-chain", ValidatorKeys());
  EXPECT_TRUE(report.ok()) << "first bad " << report.first_bad << ": " << report.reason;
  EXPECT_EQ(report.height, h);
  EXPECT_EQ(ledger.GetState("last"), h == 0 ? std::nullopt : std::optional<std::string>(std::to_string(h)));
  for (uint64_t i = 1; i <= h; ++i) ExpectWhole(ledger, i);
  ExpectAbsent(ledger, h + 1);
}

enum class PowerLoss { kDropUnsynced, kKeepSomeUnsynced };

struct Case {
  Fault fault;
  uint64_t position;  // the fault hits the position-th write (or sync), 0-based
  uint64_t count;     // 1, or FaultEnv::kForever
  PowerLoss loss;
  size_t write_buffer;  // 0: LevelDB's default; small: memtable switches mid-test
};

std::string Describe(const Case& c) {
  const char* kinds[] = {"fail-write", "torn-write", "fail-sync"};
  return std::string(kinds[static_cast<int>(c.fault)]) + " at " + std::to_string(c.position) +
         (c.count == 1 ? " once" : " forever") +
         (c.loss == PowerLoss::kDropUnsynced ? ", drop unsynced" : ", keep some unsynced") +
         ", write buffer " + std::to_string(c.write_buffer);
}

void CutPower(FaultEnv& env, PowerLoss loss) {
  if (loss == PowerLoss::kDropUnsynced) {
    env.DropUnsyncedData();
  } else {
    env.KeepSomeUnsyncedData();
  }
}

// Writes and syncs of appending the blocks after the prefix, without faults.
struct Counts {
  uint64_t writes = 0;
  uint64_t syncs = 0;
};
Counts CountAppendOperations(unsigned files, size_t write_buffer) {
  TempDir dir;
  FaultEnv env;
  env.SetFaultFiles(files);
  auto ledger = OpenOn(env, dir.Sub("db"), write_buffer);
  EXPECT_TRUE(ledger.ok()) << ledger.status().ToString();
  if (!ledger.ok()) return {};
  for (uint64_t h = 1; h <= kPrefixBlocks; ++h) {
    EXPECT_TRUE((*ledger)->Append(BlockAt(h), ChainBuilder::WritesFor(BlockAt(h))).ok());
  }
  const Counts before{env.writes(), env.syncs()};
  for (uint64_t h = kPrefixBlocks + 1; h <= Chain().size(); ++h) {
    EXPECT_TRUE((*ledger)->Append(BlockAt(h), ChainBuilder::WritesFor(BlockAt(h))).ok());
  }
  return {env.writes() - before.writes, env.syncs() - before.syncs};
}

void RunAppendCase(const Case& c, unsigned files, uint64_t seed) {
  SCOPED_TRACE(Describe(c));
  TempDir dir;
  const std::string path = dir.Sub("db");
  FaultEnv env(seed);
  env.SetFaultFiles(files);
  uint64_t acked = 0;
  uint64_t attempted = 0;
  {
    auto opened = OpenOn(env, path, c.write_buffer);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    LevelDbLedger& ledger = **opened;
    for (uint64_t h = 1; h <= kPrefixBlocks; ++h) {
      ASSERT_TRUE(ledger.Append(BlockAt(h), ChainBuilder::WritesFor(BlockAt(h))).ok());
      acked = attempted = h;
    }
    env.Arm(c.fault, c.position, c.count);
    // Append the rest; a failed block is tried once more before giving up.
    uint64_t h = kPrefixBlocks + 1;
    for (int failures = 0; h <= Chain().size() && failures < 2;) {
      const uint64_t faults_before = env.faults_injected();
      const Status st = ledger.Append(BlockAt(h), ChainBuilder::WritesFor(BlockAt(h)));
      attempted = h;
      if (env.faults_injected() > faults_before) {
        EXPECT_FALSE(st.ok()) << "Append of block " << h << " returned Ok through an injected fault";
      }
      if (st.ok()) {
        EXPECT_EQ(ledger.Height(), h);
        acked = h++;
        failures = 0;
      } else {
        EXPECT_EQ(ledger.Height(), h - 1) << "a failed Append moved the tip";
        ++failures;
      }
    }
    EXPECT_GT(env.faults_injected(), 0u) << "the fault position was never reached";
  }  // closed
  CutPower(env, c.loss);
  env.Disarm();
  uint64_t next = 0;
  {
    auto reopened = OpenOn(env, path, c.write_buffer);
    ASSERT_TRUE(reopened.ok()) << "Open after power loss: " << reopened.status().ToString();
    ExpectConsistent(**reopened, acked, attempted);
    // The recovered ledger takes the next block, durably.
    next = (*reopened)->Height() + 1;
    if (next > Chain().size()) return;
    ASSERT_TRUE((*reopened)->Append(BlockAt(next), ChainBuilder::WritesFor(BlockAt(next))).ok());
  }
  env.DropUnsyncedData();
  auto again = OpenOn(env, path, c.write_buffer);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  ExpectConsistent(**again, next, next);
}

// The bug this suite found. LevelDB does not stop after a failed (unsynced) log
// write: the next writes land behind the torn record, are synced and acknowledged,
// and the next open loses them, even without a power loss, because recovery drops
// the rest of that log file after the torn record. (With memtable switches, a later
// log file survives and the ledger reopens with a hole below its tip: the
// EveryLogPosition test sees that without the fix.) The ledger now refuses every
// write after a failed one until it is reopened.
TEST(AppendFaults, NoAppendIsAcknowledgedAfterAFailedWriteUntilReopen) {
  TempDir dir;
  const std::string path = dir.Sub("db");
  FaultEnv env;
  uint64_t acked = 0;
  {
    auto opened = OpenOn(env, path);
    ASSERT_TRUE(opened.ok());
    LevelDbLedger& ledger = **opened;
    ASSERT_TRUE(ledger.Append(BlockAt(1), ChainBuilder::WritesFor(BlockAt(1))).ok());
    acked = 1;
    env.Arm(Fault::kTornWrite, 0, 1);  // block 2's first write is torn; the disk then works
    EXPECT_FALSE(ledger.Append(BlockAt(2), ChainBuilder::WritesFor(BlockAt(2))).ok());
    const Status retry = ledger.Append(BlockAt(2), ChainBuilder::WritesFor(BlockAt(2)));
    EXPECT_EQ(retry.code(), "io") << retry.ToString();
    EXPECT_EQ(ledger.AppendRecords({pb::ReplicaRecord()}).code(), "io");
    EXPECT_EQ(ledger.TruncateRecords(ledger.RecordsMark(), {}).code(), "io");
    if (retry.ok()) acked = 2;
    EXPECT_EQ(ledger.Height(), acked);
    EXPECT_TRUE(ledger.GetBlock(1).ok()) << "reads still work";
  }
  // A plain close and reopen: no power loss.
  auto reopened = OpenOn(env, path);
  ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
  ExpectConsistent(**reopened, acked, 2);
  EXPECT_EQ((*reopened)->Height(), 1u);
  EXPECT_TRUE((*reopened)->Append(BlockAt(2), ChainBuilder::WritesFor(BlockAt(2))).ok());
}

// Every write and every sync of the appends fails in turn, under each power-loss
// variant, once and from then on.
void RunAllPositions(unsigned files, size_t write_buffer) {
  const Counts counts = CountAppendOperations(files, write_buffer);
  ASSERT_GT(counts.writes, 0u);
  EXPECT_GT(counts.syncs, 0u);
  std::cout << "[ faults   ] " << counts.writes << " writes and " << counts.syncs
            << " syncs per run (write buffer " << write_buffer << ")\n";
  uint64_t seed = 1;
  for (const PowerLoss loss : {PowerLoss::kDropUnsynced, PowerLoss::kKeepSomeUnsynced}) {
    for (const uint64_t count : {uint64_t{1}, FaultEnv::kForever}) {
      for (uint64_t k = 0; k < counts.writes; ++k) {
        RunAppendCase({Fault::kFailWrite, k, count, loss, write_buffer}, files, seed++);
        RunAppendCase({Fault::kTornWrite, k, count, loss, write_buffer}, files, seed++);
      }
      for (uint64_t k = 0; k < counts.syncs; ++k) {
        RunAppendCase({Fault::kFailSync, k, count, loss, write_buffer}, files, seed++);
      }
      if (::testing::Test::HasFailure()) return;  // one failing position is enough output
    }
  }
}

TEST(AppendFaults, EveryWriteAndSyncPositionKeepsAcknowledgedBlocksWhole) {
  RunAllPositions(FaultEnv::kAllFiles, /*write_buffer=*/0);
}

// A 64 KiB memtable: the appends switch to new log files and compact the old
// memtable in the background. Only log writes are faulted and counted, so the
// positions stay deterministic while the background thread writes tables.
TEST(AppendFaults, EveryLogPositionWithMemtableSwitches) {
  RunAllPositions(FaultEnv::kLogFiles, /*write_buffer=*/64 << 10);
}

// Open recovers the log into a table, writes a new MANIFEST and CURRENT and starts
// a new log: a fault at any of those writes or syncs loses nothing acknowledged.
TEST(OpenFaults, EveryPositionDuringRecoveryKeepsAcknowledgedBlocks) {
  constexpr uint64_t kBefore = 4;
  auto write_chain = [&](FaultEnv& env, const std::string& path) {
    auto ledger = OpenOn(env, path);
    ASSERT_TRUE(ledger.ok());
    for (uint64_t h = 1; h <= kBefore; ++h) {
      ASSERT_TRUE((*ledger)->Append(BlockAt(h), ChainBuilder::WritesFor(BlockAt(h))).ok());
    }
  };
  Counts counts;
  {
    TempDir dir;
    FaultEnv env;
    write_chain(env, dir.Sub("db"));
    const Counts before{env.writes(), env.syncs()};
    ASSERT_TRUE(OpenOn(env, dir.Sub("db")).ok());
    counts = {env.writes() - before.writes, env.syncs() - before.syncs};
  }
  std::cout << "[ faults   ] Open: " << counts.writes << " writes and " << counts.syncs << " syncs\n";
  EXPECT_GT(counts.syncs, 0u);
  uint64_t seed = 1000;
  for (const PowerLoss loss : {PowerLoss::kDropUnsynced, PowerLoss::kKeepSomeUnsynced}) {
    for (const Fault fault : {Fault::kFailWrite, Fault::kTornWrite, Fault::kFailSync}) {
      const uint64_t positions = fault == Fault::kFailSync ? counts.syncs : counts.writes;
      for (uint64_t k = 0; k < positions; ++k) {
        const Case c{fault, k, FaultEnv::kForever, loss, 0};
        SCOPED_TRACE("Open with " + Describe(c));
        TempDir dir;
        const std::string path = dir.Sub("db");
        FaultEnv env(seed++);
        write_chain(env, path);
        uint64_t acked = kBefore;
        env.Arm(fault, k, FaultEnv::kForever);
        {
          auto opened = OpenOn(env, path);
          EXPECT_GT(env.faults_injected(), 0u);
          EXPECT_FALSE(opened.ok()) << "Open returned Ok through an injected fault";
          if (opened.ok()) {
            ExpectConsistent(**opened, kBefore, kBefore);
            if ((*opened)->Append(BlockAt(kBefore + 1), ChainBuilder::WritesFor(BlockAt(kBefore + 1))).ok()) {
              acked = kBefore + 1;
            }
          }
        }
        CutPower(env, loss);
        env.Disarm();
        auto reopened = OpenOn(env, path);
        ASSERT_TRUE(reopened.ok()) << "Open after power loss: " << reopened.status().ToString();
        ExpectConsistent(**reopened, acked, kBefore + 1);
        if (::testing::Test::HasFailure()) return;
      }
    }
  }
}

}  // namespace
}  // namespace cc::ledger::append_faults
