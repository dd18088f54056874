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

#include "contracts/executor.h"
#include "contracts/genesis.h"
#include "contracts/queries.h"
#include "contracts/state_reader.h"
#include "crypto/hash.h"
#include "crypto/keys.h"
#include "ledger/block.h"
#include "ledger/leveldb_ledger.h"
#include "proto/canonical.h"
#include "tests/ledger/temp_dir.h"

namespace cc::contracts {
namespace {

constexpr size_t kTxsPerBlock = 1000;
constexpr uint64_t kStartMs = 20000 * kMsPerDay;
const char* const kMembers[] = {"bank-a", "bank-b", "bank-c", "bank-d"};

crypto::KeyPair KeyOf(const std::string& name) {
  return crypto::KeyPair::FromSeed(crypto::Blake2b256("bench/" + name));
}

std::string Subject(uint64_t n) { return crypto::Blake2b256("subject/" + std::to_string(n)); }

// A 4-member alliance; signs transactions for it.
class Alliance {
 public:
  Alliance() {
    genesis_.chain_id = "bench-chain";
    genesis_.genesis_time_ms = kStartMs;
    genesis_.params.daily_query_quota = 1000000000;
    for (const char* m : kMembers) {
      keys_.push_back(KeyOf(m));
      genesis_.members.push_back({m, m, keys_.back().public_key(), pb::ROLE_MEMBER});
      genesis_.validators.push_back({KeyOf(std::string("validator/") + m).public_key(), m});
    }
  }
  const Genesis& genesis() const { return genesis_; }

  // A RecordCreditEvent from member `m` about `subject`.
  std::string Event(size_t m, const std::string& subject, pb::EventType type, uint64_t loan,
                    uint64_t now_ms) {
    pb::TxBody body;
    body.set_chain_id(genesis_.chain_id);
    body.set_sender(kMembers[m]);
    body.set_nonce(++nonce_);
    body.set_not_before_ms(now_ms - 60000);
    body.set_not_after_ms(now_ms + 3600000);
    auto* p = body.mutable_record_event();
    p->set_subject_key(subject);
    p->set_event_type(type);
    p->set_loan_ref_hash(crypto::Blake2b256("loan/" + std::to_string(loan)));
    p->set_amount_minor(100000 + nonce_);
    p->set_currency("CNY");
    p->set_event_day(static_cast<uint32_t>(now_ms / kMsPerDay));
    p->set_record_hash(crypto::Blake2b256("record/" + std::to_string(nonce_)));
    pb::SignedTx tx;
    *tx.mutable_body() = body;
    tx.set_signature(keys_[m].Sign(proto::TxBodySigningBytes(body)));
    return tx.SerializeAsString();
  }

  // kTxsPerBlock events about `subjects` random-ish subjects.
  std::vector<std::string> Block(uint64_t now_ms, uint64_t subjects) {
    std::vector<std::string> txs;
    for (size_t i = 0; i < kTxsPerBlock; ++i) {
      const uint64_t n = nonce_ + 1;
      txs.push_back(Event(n % 4, Subject((n * 2654435761u) % subjects),
                          n % 5 == 0 ? pb::EVENT_REPAID : pb::EVENT_LOAN_OPENED, n, now_ms));
    }
    return txs;
  }

  PreverifiedSignatures Preverified(const std::vector<std::string>& txs) const {
    PreverifiedSignatures pre;
    for (const auto& raw : txs) {
      pb::SignedTx tx;
      tx.ParseFromString(raw);
      for (size_t m = 0; m < keys_.size(); ++m) {
        if (tx.body().sender() == kMembers[m]) pre.Add(proto::TxId(raw), keys_[m].public_key());
      }
    }
    return pre;
  }

 private:
  Genesis genesis_;
  std::vector<crypto::KeyPair> keys_;
  uint64_t nonce_ = 0;
};

// The node's adapter, reproduced: ledger state seen as a StateReader.
class LedgerState final : public StateReader {
 public:
  explicit LedgerState(const ledger::Ledger& ledger) : ledger_(ledger) {}
  std::optional<std::string> Get(std::string_view key) const override { return ledger_.GetState(key); }
  StateEntries Scan(std::string_view prefix, size_t limit) const override {
    return ledger_.ScanState(prefix, limit);
  }

 private:
  const ledger::Ledger& ledger_;
};

// Block 1's writes with the genesis writes under them, as one batch.
StateWrites WithGenesis(const Genesis& genesis, const StateWrites& block1) {
  MemoryState merged;
  merged.Apply(GenesisState(genesis));
  merged.Apply(block1);
  return StateWrites(merged.entries().begin(), merged.entries().end());
}

// A block with a certificate bound to it (sequence and digest; Append checks the
// binding, not the signatures, which consensus checked).
pb::CertifiedBlock Certified(pb::Block block) {
  pb::CertifiedBlock out;
  out.mutable_certificate()->set_sequence(block.header().height());
  out.mutable_certificate()->set_digest(block.header().batch_digest());
  *out.mutable_block() = std::move(block);
  return out;
}

// Keeps a chain's root, height and time while blocks are executed onto a state.
struct Chain {
  std::string root;
  uint64_t height = 0;
  uint64_t time_ms = kStartMs;

  BlockContext Next(uint64_t now_ms) const { return BlockContext{height + 1, now_ms, root, time_ms}; }
  void Advance(const BlockContext& ctx, const BlockResult& r) {
    root = r.state_root;
    height = ctx.height;
    time_ms = r.block_time_ms;
  }
};

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

void BM_ExecuteBlock1000Events_VerifySignatures(benchmark::State& state) {
  ExecuteBlockBench(state, false);
}
void BM_ExecuteBlock1000Events_SignaturesPreverified(benchmark::State& state) {
  ExecuteBlockBench(state, true);
}
BENCHMARK(BM_ExecuteBlock1000Events_VerifySignatures)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ExecuteBlock1000Events_SignaturesPreverified)->Unit(benchmark::kMillisecond);

// What the node does per committed block: execute over the LevelDB state, build
// the block, append block and state writes as one synced batch.
void BM_ExecuteAndAppendLevelDb1000Events(benchmark::State& state) {
  Alliance alliance;
  ledger::testing::TempDir dir;
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
  ledger::testing::TempDir dir;
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
