// Borrower-check latency with 1,000,000 credit events on the ledger (issue 5).
//
// Builds a real LevelDB ledger: 1,000 certified blocks of 1,000 signed
// RecordCreditEvent transactions from four members about 100,000 borrowers (about
// ten events each), executed by the contracts over the LevelDB state and appended
// with one synced write per block, exactly as a node does (signatures are marked
// pre-verified, as the node's admission does, to keep the build to a few minutes).
// Then it answers borrower checks (contracts::ReadSubjectReport over the LevelDB
// state: all events with amendments applied, blacklist, query records, risk
// summary) for random borrowers and prints latency percentiles, and lookups per
// second on one thread and on two.
//
//   build/bench/borrower_check_bench [--blocks N] [--queries N] [--dir PATH]
//
// The HTTP layer and the query-audit transaction a real lookup also submits are
// not included; docs/benchmarks.md says what they add.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "bench/alliance_fixture.h"
#include "contracts/queries.h"
#include "ledger/leveldb_ledger.h"

namespace cc::contracts::bench {
namespace {

using Clock = std::chrono::steady_clock;

double Ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

double Percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  const size_t i = std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())));
  return v[i];
}

long PeakRssKb() {
  FILE* f = std::fopen("/proc/self/status", "r");
  if (!f) return -1;
  char line[256];
  long kb = -1;
  while (std::fgets(line, sizeof(line), f)) {
    if (std::strncmp(line, "VmHWM:", 6) == 0) kb = std::strtol(line + 6, nullptr, 10);
  }
  std::fclose(f);
  return kb;
}

int Run(uint64_t blocks, uint64_t queries, const std::string& dir) {
  constexpr uint64_t kSubjects = 100000;
  std::filesystem::remove_all(dir);
  auto opened = ledger::LevelDbLedger::Open(dir, ledger::OpenOptions{true, 64u << 20});
  if (!opened.ok()) {
    std::fprintf(stderr, "%s\n", opened.status().ToString().c_str());
    return 1;
  }
  auto db = std::move(opened).value();
  const LedgerState state(*db);
  Alliance alliance;
  MemoryState genesis;
  genesis.Apply(GenesisState(alliance.genesis()));
  Chain chain;
  chain.root = GenesisStateRoot(alliance.genesis());
  uint64_t now = kStartMs + 3600000;

  std::printf("building %llu blocks x %zu events over %llu borrowers in %s ...\n",
              static_cast<unsigned long long>(blocks), kTxsPerBlock,
              static_cast<unsigned long long>(kSubjects), dir.c_str());
  std::fflush(stdout);
  const auto build_start = Clock::now();
  for (uint64_t b = 0; b < blocks; ++b) {
    const std::vector<std::string> txs = alliance.Block(now, kSubjects);
    const PreverifiedSignatures pre = alliance.Preverified(txs);
    ExecuteOptions options;
    options.signatures = &pre;
    const BlockContext ctx = chain.Next(now);
    const StateReader& reader = b == 0 ? static_cast<const StateReader&>(genesis) : state;
    Result<BlockResult> r = ExecuteBlock(reader, ctx, txs, {}, options);
    if (!r.ok() || r->rejected != 0) {
      std::fprintf(stderr, "block %llu: %s\n", static_cast<unsigned long long>(b + 1),
                   r.ok() ? "rejections" : r.status().ToString().c_str());
      return 1;
    }
    const pb::CertifiedBlock block =
        Certified(ledger::BuildBlock(ctx.height, db->TipHash(), now, txs, r->state_root));
    Status st = db->Append(block, b == 0 ? WithGenesis(alliance.genesis(), r->writes) : r->writes);
    if (!st.ok()) {
      std::fprintf(stderr, "append: %s\n", st.ToString().c_str());
      return 1;
    }
    chain.Advance(ctx, *r);
    now += 1000;
  }
  const double build_s = std::chrono::duration<double>(Clock::now() - build_start).count();
  std::printf("built %llu events in %.1f s (%.0f events/s executed and appended)\n",
              static_cast<unsigned long long>(blocks * kTxsPerBlock), build_s,
              static_cast<double>(blocks * kTxsPerBlock) / build_s);

  // One thread: latency of each check.
  std::mt19937_64 rng(42);
  std::vector<double> latency;
  latency.reserve(queries);
  size_t events_seen = 0;
  const auto q_start = Clock::now();
  for (uint64_t q = 0; q < queries; ++q) {
    const std::string subject = Subject(rng() % kSubjects);
    const auto t = Clock::now();
    Result<SubjectReport> report = ReadSubjectReport(state, subject, now);
    latency.push_back(Ms(Clock::now() - t));
    if (!report.ok()) {
      std::fprintf(stderr, "report: %s\n", report.status().ToString().c_str());
      return 1;
    }
    events_seen += report->events.size();
  }
  const double q_s = std::chrono::duration<double>(Clock::now() - q_start).count();
  std::printf("borrower checks, 1 thread: %llu lookups, %.1f events per borrower on average\n",
              static_cast<unsigned long long>(queries),
              static_cast<double>(events_seen) / static_cast<double>(queries));
  std::printf("  latency p50 %.3f ms  p99 %.3f ms  max %.3f ms\n", Percentile(latency, 0.50),
              Percentile(latency, 0.99), Percentile(latency, 1.0));
  std::printf("  throughput %.0f lookups/s\n", static_cast<double>(queries) / q_s);

  // Two threads (the machine's cores): throughput.
  std::atomic<uint64_t> done{0};
  const auto t2_start = Clock::now();
  std::vector<std::thread> threads;
  for (int t = 0; t < 2; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937_64 r(1000 + t);
      for (uint64_t q = 0; q < queries / 2; ++q) {
        auto report = ReadSubjectReport(state, Subject(r() % kSubjects), now);
        if (report.ok()) done.fetch_add(1);
      }
    });
  }
  for (auto& th : threads) th.join();
  const double t2_s = std::chrono::duration<double>(Clock::now() - t2_start).count();
  std::printf("borrower checks, 2 threads: %.0f lookups/s\n", static_cast<double>(done.load()) / t2_s);
  std::printf("peak RSS %.1f MiB\n", static_cast<double>(PeakRssKb()) / 1024.0);
  db.reset();
  std::filesystem::remove_all(dir);
  return 0;
}

}  // namespace
}  // namespace cc::contracts::bench

int main(int argc, char** argv) {
  uint64_t blocks = 1000, queries = 20000;
  std::string dir = std::filesystem::temp_directory_path().string() + "/cc-borrower-check-bench";
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--blocks") == 0) {
      blocks = std::strtoull(argv[i + 1], nullptr, 10);
    } else if (std::strcmp(argv[i], "--queries") == 0) {
      queries = std::strtoull(argv[i + 1], nullptr, 10);
    } else if (std::strcmp(argv[i], "--dir") == 0) {
      dir = argv[i + 1];
    } else {
      std::fprintf(stderr, "usage: borrower_check_bench [--blocks N] [--queries N] [--dir PATH]\n");
      return 2;
    }
  }
  if (blocks == 0 || queries < 2) {
    std::fprintf(stderr, "--blocks must be >= 1 and --queries >= 2\n");
    return 2;
  }
  return cc::contracts::bench::Run(blocks, queries, dir);
}
