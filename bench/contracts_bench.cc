// Contracts benchmarks: execution throughput of 1,000-transaction blocks of
// RecordCreditEvent (with and without the executor's signature checks), execution
// plus the synced LevelDB append a node does, and SubjectReport latency over a state
// with many events (in memory and in LevelDB). Figures and the command that
// produced them are in docs/benchmarks.md ("Contracts").
//
// Transactions are really Ed25519-signed; "signatures preverified" hands the
// executor a PreverifiedSignatures set, as a node does after checking signatures on
// its worker pool, so the figure is the executor's own cost.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "bench/alliance_fixture.h"
#include "contracts/executor.h"
#include "contracts/genesis.h"
#include "contracts/queries.h"
#include "contracts/state_reader.h"
#include "crypto/hash.h"
#include "crypto/keys.h"
#include "ledger/block.h"
#include "ledger/leveldb_ledger.h"
#include "proto/canonical.h"
#include "tests/support/temp_dir.h"

namespace cc::contracts {
namespace {

using namespace bench;  // NOLINT: the shared fixture of bench/alliance_fixture.h

void ExecuteBlockBench(benchmark::State& state, bool preverified) {
  Alliance alliance;
  MemoryState base;
  base.Apply(GenesisState(alliance.genesis()));
  const uint64_t now = kStartMs + 3600000;
  const std::vector<std::string> txs = alliance.Block(now, 100000);
  const PreverifiedSignatures pre = alliance.Preverified(txs);
  ExecuteOptions options;
  if (preverified) options.signatures = &pre;
  const BlockContext ctx{1, now, GenesisStateRoot(alliance.genesis()), kStartMs};
  for (auto _ : state) {
    Result<BlockResult> r = ExecuteBlock(base, ctx, txs, {}, options);
    if (!r.ok() || r->accepted != kTxsPerBlock) state.SkipWithError("block not accepted");
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kTxsPerBlock));
}

void BM_ExecuteBlock1000Events_VerifySignatures(benchmark::State& state) { ExecuteBlockBench(state, false); }
void BM_ExecuteBlock1000Events_SignaturesPreverified(benchmark::State& state) {
  ExecuteBlockBench(state, true);
}
BENCHMARK(BM_ExecuteBlock1000Events_VerifySignatures)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ExecuteBlock1000Events_SignaturesPreverified)->Unit(benchmark::kMillisecond);

// What the node does per committed block: execute over the LevelDB state, build
// the block, append block and state writes as one synced batch.
void BM_ExecuteAndAppendLevelDb1000Events(benchmark::State& state) {
  Alliance alliance;
  cc::testing::TempDir dir;
  auto opened = ledger::LevelDbLedger::Open(dir.Sub("db"));
  if (!opened.ok()) {
    state.SkipWithError(opened.status().ToString().c_str());
    return;
  }
  std::unique_ptr<ledger::LevelDbLedger> db = std::move(opened).value();
  // Genesis goes in with the first block, as the node does; here an empty one.
  Chain chain;
  chain.root = GenesisStateRoot(alliance.genesis());
  {
    MemoryState genesis;
    genesis.Apply(GenesisState(alliance.genesis()));
    const BlockContext ctx = chain.Next(kStartMs + 1000);
    Result<BlockResult> r = ExecuteBlock(genesis, ctx, {}, {});
    const pb::CertifiedBlock block =
        Certified(ledger::BuildBlock(1, ledger::ZeroHash(), ctx.timestamp_ms, {}, r->state_root));
    if (!r.ok() || !db->Append(block, WithGenesis(alliance.genesis(), r->writes)).ok()) {
      state.SkipWithError("genesis append failed");
      return;
    }
    chain.Advance(ctx, *r);
  }
  const LedgerState reader(*db);
  uint64_t now = kStartMs + 3600000;
  for (auto _ : state) {
    state.PauseTiming();
    now += 1000;
    const std::vector<std::string> txs = alliance.Block(now, 100000);
    state.ResumeTiming();
    const BlockContext ctx = chain.Next(now);
    Result<BlockResult> r = ExecuteBlock(reader, ctx, txs, {});
    if (!r.ok() || r->accepted != kTxsPerBlock) {
      state.SkipWithError("block not accepted");
      break;
    }
    const pb::CertifiedBlock block =
        Certified(ledger::BuildBlock(ctx.height, db->TipHash(), now, txs, r->state_root));
    if (!db->Append(block, r->writes).ok()) {
      state.SkipWithError("append failed");
      break;
    }
    chain.Advance(ctx, *r);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kTxsPerBlock));
}
BENCHMARK(BM_ExecuteAndAppendLevelDb1000Events)->Unit(benchmark::kMillisecond)->Iterations(30);

// One state of kBackgroundBlocks x 1,000 events over 100,000 subjects, plus three
// subjects asked about, with 10, 100 and 1,000 events of their own (four lenders;
// opened, overdue, repaid), in memory and in LevelDB.
constexpr int kBackgroundBlocks = 100;
constexpr int kTargetSizes[] = {10, 100, 1000};

struct ReportFixture {
  Alliance alliance;
  MemoryState memory;
  cc::testing::TempDir dir;
  std::unique_ptr<ledger::LevelDbLedger> db;
  uint64_t now = kStartMs + 3600000;

  static std::string Target(int events) { return crypto::Blake2b256("target/" + std::to_string(events)); }

  ReportFixture() {
    memory.Apply(GenesisState(alliance.genesis()));
    auto opened = ledger::LevelDbLedger::Open(dir.Sub("db"));
    if (!opened.ok()) std::abort();
    db = std::move(opened).value();
    std::vector<std::string> targeted;
    for (int size : kTargetSizes) {
      for (int i = 0; i < size; ++i) {
        static constexpr pb::EventType kTypes[] = {pb::EVENT_LOAN_OPENED, pb::EVENT_OVERDUE_30,
                                                   pb::EVENT_REPAID};
        targeted.push_back(alliance.Event(i % 4, Target(size), kTypes[i % 3], 1000000 + i / 3, now));
      }
    }
    Chain chain;
    chain.root = GenesisStateRoot(alliance.genesis());
    for (int b = 0; b < kBackgroundBlocks; ++b) {
      std::vector<std::string> txs = alliance.Block(now, 100000);
      // Spread the targeted events over the blocks.
      const size_t per_block = (targeted.size() + kBackgroundBlocks - 1) / kBackgroundBlocks;
      for (size_t i = b * per_block; i < std::min(targeted.size(), (b + 1) * per_block); ++i) {
        txs.push_back(targeted[i]);
      }
      const PreverifiedSignatures pre = alliance.Preverified(txs);
      ExecuteOptions options;
      options.signatures = &pre;
      const BlockContext ctx = chain.Next(now);
      Result<BlockResult> r = ExecuteBlock(memory, ctx, txs, {}, options);
      if (!r.ok() || r->rejected != 0) std::abort();
      memory.Apply(r->writes);
      const pb::CertifiedBlock block =
          Certified(ledger::BuildBlock(ctx.height, db->TipHash(), now, txs, r->state_root));
      const StateWrites writes = b == 0 ? WithGenesis(alliance.genesis(), r->writes) : r->writes;
      if (!db->Append(block, writes).ok()) std::abort();
      chain.Advance(ctx, *r);
      now += 1000;
    }
  }
};

ReportFixture& Fixture() {
  static ReportFixture* fixture = new ReportFixture();
  return *fixture;
}

void SubjectReportBench(benchmark::State& state, bool leveldb) {
  ReportFixture& f = Fixture();
  const LedgerState ledger_reader(*f.db);
  const StateReader& reader = leveldb ? static_cast<const StateReader&>(ledger_reader) : f.memory;
  const int events = static_cast<int>(state.range(0));
  const std::string subject = ReportFixture::Target(events);
  for (auto _ : state) {
    Result<SubjectReport> r = ReadSubjectReport(reader, subject, f.now);
    if (!r.ok() || r->events.size() != static_cast<size_t>(events)) {
      state.SkipWithError("unexpected report");
      break;
    }
    benchmark::DoNotOptimize(r);
  }
  state.counters["state_events"] = kBackgroundBlocks * static_cast<double>(kTxsPerBlock) + 1110;
}

void BM_SubjectReport_Memory(benchmark::State& state) { SubjectReportBench(state, false); }
void BM_SubjectReport_LevelDb(benchmark::State& state) { SubjectReportBench(state, true); }
BENCHMARK(BM_SubjectReport_Memory)->Arg(10)->Arg(100)->Arg(1000)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_SubjectReport_LevelDb)->Arg(10)->Arg(100)->Arg(1000)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace cc::contracts

BENCHMARK_MAIN();
