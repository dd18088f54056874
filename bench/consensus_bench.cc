// Consensus benchmark: requests committed per second by 4 PBFT replicas on the
// simulated network (tests/consensus/sim), with real Ed25519 signing and
// verification. Figures and the command that produced them are in
// docs/benchmarks.md ("Consensus (simulated network)").
//
// No drops; every message takes one tick; all requests are submitted to every
// replica at the start, so batches fill to the size limit. Each replica verifies
// every signature itself (no shared verification cache), as separate nodes would.
// The time measured is the whole single-threaded simulation: the four replicas'
// steps (signing, verifying, hashing batch digests), the harness executing each
// committed batch into a block, and the safety checks after every step (minus
// certificate re-verification, which a node does not do for its own commits).
#include <benchmark/benchmark.h>

#include <string>

#include "tests/consensus/sim/simulation.h"

namespace cc::sim {
namespace {

constexpr uint32_t kBatches = 20;

ScenarioConfig BenchScenario(uint32_t batch_requests) {
  ScenarioConfig c;
  c.name = "bench";
  c.seed = 1;
  c.n = 4;
  c.checkpoint_interval = 16;
  c.watermark_window = 64;
  c.max_inflight = 8;
  c.max_batch_requests = batch_requests;
  c.batch_timeout_ticks = 1;
  c.requests = batch_requests * kBatches;
  c.request_bytes = 250;  // about a signed credit-event transaction
  c.submit_from = 0;
  c.submit_until = 0;
  c.faults = {0, 0, 1, 1};
  c.max_execution_lag = 0;
  c.check_certificates = false;
  c.verify_cache = false;
  c.settle_ticks = 0;
  c.liveness_bound = 1'000'000;
  c.client_retry_ticks = 1'000'000;
  return c;
}

void BM_CommittedRequests(benchmark::State& state) {
  const ScenarioConfig config = BenchScenario(static_cast<uint32_t>(state.range(0)));
  uint64_t committed = 0, ticks = 0, signatures = 0, verifications = 0;
  for (auto _ : state) {
    const RunResult result = RunSimulation(config);
    if (!result.ok) {
      state.SkipWithError(result.violation.c_str());
      return;
    }
    committed += result.committed_requests;
    ticks += result.tick;
    signatures += result.signatures;
    verifications += result.verifications;
  }
  const double runs = static_cast<double>(state.iterations());
  state.counters["committed_req_per_s"] =
      benchmark::Counter(static_cast<double>(committed), benchmark::Counter::kIsRate);
  state.counters["ticks_per_run"] = static_cast<double>(ticks) / runs;
  state.counters["signatures_per_run"] = static_cast<double>(signatures) / runs;
  state.counters["verifies_per_run"] = static_cast<double>(verifications) / runs;
}
BENCHMARK(BM_CommittedRequests)
    ->ArgName("batch")
    ->Arg(100)
    ->Arg(300)
    ->Arg(1000)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace
}  // namespace cc::sim

BENCHMARK_MAIN();
