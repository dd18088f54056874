// Disk faults under the replica-record log: LevelDbLedger::AppendRecords and
// TruncateRecords, at every fault position, followed by a power loss.
//
// A script of appends and truncations (one with a mark taken before a later append,
// as ConsensusDriver::CompactRecords may see) runs with the k-th write or sync
// failing, once or from then on; the caller carries on after an error. After the
// power loss, LoadRecords() must equal the log that results from applying every
// call that returned Ok together with SOME of the calls that failed, each one
// wholly or not at all: a record batch whose call returned Ok is never missing, and
// no batch, Ok or not, is ever half there. The recovered log then takes appends
// and truncations again, durably.
#include <gtest/gtest.h>

#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "ledger/leveldb_ledger.h"
#include "tests/support/fault_env.h"
#include "tests/support/temp_dir.h"

namespace cc::ledger::record_faults {
namespace {

using cc::testing::FaultEnv;
using cc::testing::TempDir;
using Fault = FaultEnv::Fault;

// A record told apart by `tag`, padded to about `bytes` (opaque to the ledger).
pb::ReplicaRecord Rec(const std::string& tag, size_t bytes = 16) {
  pb::ReplicaRecord r;
  pb::PrePrepare* pp = r.mutable_sent()->mutable_preprepare();
  pp->set_digest(tag);
  pp->mutable_batch()->add_requests(std::string(bytes, tag.empty() ? '.' : tag[0]));
  return r;
}

// One step of the script. kMark takes RecordsMark() for a later truncation.
struct Op {
  enum Kind { kAppend, kMark, kTruncate } kind;
  std::vector<pb::ReplicaRecord> records;  // appended, or kept by the truncation
  int mark = -1;                           // kTruncate: index of the kMark op; -1: a fresh mark
};

std::vector<Op> Script() {
  return {
      {Op::kAppend, {Rec("a1"), Rec("a2"), Rec("a3")}},
      {Op::kAppend, {Rec("b1", 40'000)}},  // spans two 32 KiB log blocks
      {Op::kMark, {}},
      {Op::kAppend, {Rec("c1", 3'000), Rec("c2")}},
      {Op::kTruncate, {Rec("k1"), Rec("k2", 9'000)}, 2},  // keeps k1 k2, then c1 c2
      {Op::kAppend, {Rec("d1")}},
      {Op::kTruncate, {Rec("k3")}, -1},  // keeps only k3
      {Op::kAppend, {Rec("e1", 20'000), Rec("e2")}},
  };
}
const std::vector<pb::ReplicaRecord> kPrefix = {Rec("p1"), Rec("p2", 500)};

// The log after applying the prefix and the ops whose `applied` flag is set. A
// truncation drops the records of every op before its mark (and the prefix).
std::vector<std::string> Model(const std::vector<Op>& ops, const std::vector<bool>& applied) {
  struct Entry {
    int op;  // -1: the prefix
    std::string bytes;
  };
  std::vector<Entry> log;
  log.reserve(kPrefix.size());
  for (const auto& r : kPrefix) log.push_back({-1, r.SerializeAsString()});
  for (size_t i = 0; i < ops.size(); ++i) {
    if (!applied[i]) continue;
    const Op& op = ops[i];
    if (op.kind == Op::kAppend) {
      for (const auto& r : op.records) log.push_back({int(i), r.SerializeAsString()});
    } else if (op.kind == Op::kTruncate) {
      const int mark = op.mark >= 0 ? op.mark : int(i);
      std::vector<Entry> next;
      next.reserve(op.records.size() + log.size());
      for (const auto& r : op.records) next.push_back({int(i), r.SerializeAsString()});
      for (auto& e : log) {
        if (e.op > mark) next.push_back(std::move(e));
      }
      log = std::move(next);
    }
  }
  std::vector<std::string> out;
  out.reserve(log.size());
  for (auto& e : log) out.push_back(std::move(e.bytes));
  return out;
}

std::vector<std::string> Bytes(const std::vector<pb::ReplicaRecord>& records) {
  std::vector<std::string> out;
  out.reserve(records.size());
  for (const auto& r : records) out.push_back(r.SerializeAsString());
  return out;
}

Result<std::unique_ptr<LevelDbLedger>> OpenOn(FaultEnv& env, const std::string& path, size_t write_buffer) {
  OpenOptions options;
  options.env = &env;
  options.write_buffer_bytes = write_buffer;
  return LevelDbLedger::Open(path, options);
}

// Runs the script; returns which ops returned Ok. Checks that an op through which
// a fault was injected did not.
std::vector<bool> RunScript(LevelDbLedger& ledger, FaultEnv& env, const std::vector<Op>& ops) {
  std::vector<bool> ok(ops.size(), true);
  std::vector<uint64_t> marks(ops.size(), 0);
  for (size_t i = 0; i < ops.size(); ++i) {
    const Op& op = ops[i];
    const uint64_t faults_before = env.faults_injected();
    Status st;
    switch (op.kind) {
      case Op::kAppend:
        st = ledger.AppendRecords(op.records);
        break;
      case Op::kMark:
        marks[i] = ledger.RecordsMark();
        break;
      case Op::kTruncate:
        st = ledger.TruncateRecords(op.mark >= 0 ? marks[op.mark] : ledger.RecordsMark(), op.records);
        break;
    }
    ok[i] = st.ok();
    if (env.faults_injected() > faults_before) {
      EXPECT_FALSE(st.ok()) << "op " << i << " returned Ok through an injected fault";
    }
  }
  return ok;
}

struct Case {
  Fault fault;
  uint64_t position;
  uint64_t count;
  bool keep_some;  // power loss keeps a random part of unsynced data
};

void RunCase(const Case& c, unsigned files, size_t write_buffer, uint64_t seed) {
  const char* kinds[] = {"fail-write", "torn-write", "fail-sync"};
  SCOPED_TRACE(std::string(kinds[int(c.fault)]) + " at " + std::to_string(c.position) +
               (c.count == 1 ? " once" : " forever") + (c.keep_some ? ", keep some unsynced" : "") +
               ", write buffer " + std::to_string(write_buffer));
  const std::vector<Op> ops = Script();
  TempDir dir;
  const std::string path = dir.Sub("db");
  FaultEnv env(seed);
  env.SetFaultFiles(files);
  std::vector<bool> ok;
  {
    auto opened = OpenOn(env, path, write_buffer);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    ASSERT_TRUE((*opened)->AppendRecords(kPrefix).ok());
    env.Arm(c.fault, c.position, c.count);
    ok = RunScript(**opened, env, ops);
    EXPECT_GT(env.faults_injected(), 0u) << "the fault position was never reached";
  }
  if (c.keep_some) {
    env.KeepSomeUnsyncedData();
  } else {
    env.DropUnsyncedData();
  }
  env.Disarm();

  std::vector<size_t> failed;
  for (size_t i = 0; i < ops.size(); ++i) {
    if (!ok[i] && ops[i].kind != Op::kMark) failed.push_back(i);
  }
  std::vector<std::string> loaded;
  {
    auto reopened = OpenOn(env, path, write_buffer);
    ASSERT_TRUE(reopened.ok()) << "Open after power loss: " << reopened.status().ToString();
    loaded = Bytes((*reopened)->LoadRecords());
    // Acceptable: every Ok op applied, plus any subset of the failed ones.
    bool matched = false;
    for (uint64_t subset = 0; subset < (uint64_t{1} << failed.size()) && !matched; ++subset) {
      std::vector<bool> applied = ok;
      for (size_t j = 0; j < failed.size(); ++j) applied[failed[j]] = (subset >> j) & 1;
      matched = Model(ops, applied) == loaded;
    }
    EXPECT_TRUE(matched) << "the recovered log (" << loaded.size()
                         << " records) is not the log of the acknowledged calls plus whole failed ones";
    // The recovered log works: an append loads after everything, a truncation
    // with a fresh mark keeps only what it is given.
    ASSERT_TRUE((*reopened)->AppendRecords({Rec("f1", 700)}).ok());
  }
  env.DropUnsyncedData();
  {
    auto again = OpenOn(env, path, write_buffer);
    ASSERT_TRUE(again.ok()) << again.status().ToString();
    std::vector<std::string> expected = loaded;
    expected.push_back(Rec("f1", 700).SerializeAsString());
    EXPECT_EQ(Bytes((*again)->LoadRecords()), expected);
    ASSERT_TRUE((*again)->TruncateRecords((*again)->RecordsMark(), {Rec("g1")}).ok());
  }
  env.DropUnsyncedData();
  auto last = OpenOn(env, path, write_buffer);
  ASSERT_TRUE(last.ok()) << last.status().ToString();
  EXPECT_EQ(Bytes((*last)->LoadRecords()), Bytes({Rec("g1")}));
}

void RunAllPositions(unsigned files, size_t write_buffer) {
  uint64_t writes = 0, syncs = 0;
  {
    TempDir dir;
    FaultEnv env;
    env.SetFaultFiles(files);
    auto opened = OpenOn(env, dir.Sub("db"), write_buffer);
    ASSERT_TRUE(opened.ok());
    ASSERT_TRUE((*opened)->AppendRecords(kPrefix).ok());
    const uint64_t w0 = env.writes(), s0 = env.syncs();
    const std::vector<bool> ok = RunScript(**opened, env, Script());
    for (bool b : ok) ASSERT_TRUE(b);
    writes = env.writes() - w0;
    syncs = env.syncs() - s0;
  }
  std::cout << "[ faults   ] records: " << writes << " writes and " << syncs
            << " syncs per run (write buffer " << write_buffer << ")\n";
  ASSERT_GT(writes, 0u);
  EXPECT_GT(syncs, 0u);
  uint64_t seed = 7;
  for (const bool keep_some : {false, true}) {
    for (const uint64_t count : {uint64_t{1}, FaultEnv::kForever}) {
      for (uint64_t k = 0; k < writes; ++k) {
        RunCase({Fault::kFailWrite, k, count, keep_some}, files, write_buffer, seed++);
        RunCase({Fault::kTornWrite, k, count, keep_some}, files, write_buffer, seed++);
      }
      for (uint64_t k = 0; k < syncs; ++k)
        RunCase({Fault::kFailSync, k, count, keep_some}, files, write_buffer, seed++);
      if (::testing::Test::HasFailure()) return;
    }
  }
}

TEST(RecordFaults, EveryWriteAndSyncPositionKeepsAcknowledgedBatchesWhole) {
  RunAllPositions(FaultEnv::kAllFiles, /*write_buffer=*/0);
}

// A 32 KiB memtable: the script switches log files and compacts in the background;
// only log writes are faulted, so the positions stay deterministic.
TEST(RecordFaults, EveryLogPositionWithMemtableSwitches) {
  RunAllPositions(FaultEnv::kLogFiles, /*write_buffer=*/32 << 10);
}

}  // namespace
}  // namespace cc::ledger::record_faults
