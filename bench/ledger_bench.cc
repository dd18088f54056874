// Ledger benchmarks: synced LevelDB appends of certified 1,000-transaction blocks,
// Merkle roots, transaction proofs, and full-chain verification. Figures and the
// command that produced them are in docs/benchmarks.md ("Ledger").
//
// The chain is real: Ed25519-signed transactions and 3-of-4 commit certificates
// built by tests/ledger/chain_builder.h, written to a LevelDB directory under
// $TMPDIR (or /tmp) with sync = true, as the node writes it.
#include <benchmark/benchmark.h>

#include <vector>

#include "crypto/hash.h"
#include "crypto/merkle.h"
#include "ledger/leveldb_ledger.h"
#include "ledger/proof.h"
#include "proto/canonical.h"
#include "tests/ledger/chain_builder.h"
#include "tests/support/temp_dir.h"

namespace cc::ledger {
namespace {

using cc::testing::TempDir;
using testing::ChainBuilder;

constexpr size_t kTxsPerBlock = 1000;
constexpr int kPoolBlocks = 48;

// Built once: kPoolBlocks consecutive certified blocks of kTxsPerBlock transactions.
struct Pool {
  ChainBuilder chain{"bench-chain", 4, "bench"};
  std::vector<pb::CertifiedBlock> blocks;
  Pool() {
    for (int i = 0; i < kPoolBlocks; ++i) blocks.push_back(chain.Next(kTxsPerBlock));
  }
};
const Pool& GetPool() {
  static const Pool* pool = new Pool();
  return *pool;
}

std::unique_ptr<LevelDbLedger> OpenFresh(const TempDir& dir, int generation) {
  auto opened = LevelDbLedger::Open(dir.Sub("db" + std::to_string(generation)));
  if (!opened.ok()) return nullptr;
  return std::move(opened).value();
}

void BM_LevelDbAppendCertifiedBlock(benchmark::State& state) {
  const Pool& pool = GetPool();
  TempDir dir;
  int generation = 0;
  std::unique_ptr<LevelDbLedger> ledger = OpenFresh(dir, generation);
  size_t next = 0;
  for (auto _ : state) {
    if (next == pool.blocks.size()) {  // pool used up: continue on a fresh database
      state.PauseTiming();
      ledger = OpenFresh(dir, ++generation);
      next = 0;
      state.ResumeTiming();
    }
    if (!ledger) {
      state.SkipWithError("cannot open ledger");
      break;
    }
    const pb::CertifiedBlock& b = pool.blocks[next++];
    const Status s = ledger->Append(b, ChainBuilder::WritesFor(b));
    if (!s.ok()) {
      state.SkipWithError(s.ToString().c_str());
      break;
    }
  }
  state.counters["blocks/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["tx/s"] =
      benchmark::Counter(static_cast<double>(state.iterations() * kTxsPerBlock), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_LevelDbAppendCertifiedBlock)->Unit(benchmark::kMillisecond)->UseRealTime();

std::vector<std::string> Leaves(size_t n) {
  std::vector<std::string> out;
  for (size_t i = 0; i < n; ++i) out.push_back(crypto::Blake2b256("leaf" + std::to_string(i)));
  return out;
}

void BM_MerkleRoot1000(benchmark::State& state) {
  const std::vector<std::string> leaves = Leaves(1000);
  for (auto _ : state) benchmark::DoNotOptimize(crypto::MerkleRoot(leaves));
}
BENCHMARK(BM_MerkleRoot1000)->Unit(benchmark::kMicrosecond);

void BM_TxProofBuild(benchmark::State& state) {
  const pb::CertifiedBlock& block = GetPool().blocks[0];
  uint32_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(BuildTxProof(block, i));
    i = (i + 1) % kTxsPerBlock;
  }
}
BENCHMARK(BM_TxProofBuild)->Unit(benchmark::kMicrosecond);

void BM_TxProofVerify(benchmark::State& state) {
  const Pool& pool = GetPool();
  const std::vector<std::string> keys = pool.chain.public_keys();
  const pb::TxProof proof = BuildTxProof(pool.blocks[0], 417);
  for (auto _ : state) {
    const Status s = VerifyTxProof(proof, pool.chain.chain_id(), keys);
    if (!s.ok()) {
      state.SkipWithError(s.ToString().c_str());
      break;
    }
  }
}
BENCHMARK(BM_TxProofVerify)->Unit(benchmark::kMicrosecond);

void BM_MerklePathVerify1000(benchmark::State& state) {
  const std::vector<std::string> leaves = Leaves(1000);
  const std::string root = crypto::MerkleRoot(leaves);
  const crypto::MerklePath path = crypto::BuildMerklePath(leaves, 417);
  for (auto _ : state) {
    benchmark::DoNotOptimize(crypto::VerifyMerklePath(leaves[417], path, root));
  }
}
BENCHMARK(BM_MerklePathVerify1000)->Unit(benchmark::kMicrosecond);

// A proof served from disk: tx index lookup, block read and parse, path building.
void BM_GetTxProofFromLevelDb(benchmark::State& state) {
  const Pool& pool = GetPool();
  TempDir dir;
  std::unique_ptr<LevelDbLedger> ledger = OpenFresh(dir, 0);
  for (int i = 0; i < 8 && ledger; ++i) {
    if (!ledger->Append(pool.blocks[i], {}).ok()) ledger.reset();
  }
  if (!ledger) {
    state.SkipWithError("cannot build ledger");
    return;
  }
  std::vector<std::string> ids;
  for (int i = 0; i < 8; ++i) {
    for (int t = 0; t < 1000; t += 37) ids.push_back(proto::TxId(pool.blocks[i].block().txs(t)));
  }
  size_t next = 0;
  for (auto _ : state) {
    auto proof = ledger->GetTxProof(ids[next]);
    if (!proof.ok()) {
      state.SkipWithError(proof.status().ToString().c_str());
      break;
    }
    next = (next + 1) % ids.size();
  }
}
BENCHMARK(BM_GetTxProofFromLevelDb)->Unit(benchmark::kMicrosecond);

// `creditctl verify` speed: every check including 3 signature verifications per block.
void BM_VerifyChainPerBlock(benchmark::State& state) {
  const Pool& pool = GetPool();
  TempDir dir;
  std::unique_ptr<LevelDbLedger> ledger = OpenFresh(dir, 0);
  constexpr int kBlocks = 16;
  for (int i = 0; i < kBlocks && ledger; ++i) {
    if (!ledger->Append(pool.blocks[i], {}).ok()) ledger.reset();
  }
  if (!ledger) {
    state.SkipWithError("cannot build ledger");
    return;
  }
  const std::vector<std::string> keys = pool.chain.public_keys();
  for (auto _ : state) {
    const ChainReport r = VerifyChain(*ledger, pool.chain.chain_id(), keys);
    if (!r.ok()) {
      state.SkipWithError(r.reason.c_str());
      break;
    }
  }
  state.counters["blocks/s"] =
      benchmark::Counter(static_cast<double>(state.iterations() * kBlocks), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_VerifyChainPerBlock)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace cc::ledger

BENCHMARK_MAIN();
