// Seed selection and failure reporting for the scenario tests.
//
//   CC_SIM_SEEDS=<k>   seeds per scenario (default CC_SIM_DEFAULT_SEEDS, 500); seeds
//                      1..k; multiples of 3 run 7 validators, the others 4
//   CC_SIM_SEED=<s>    run only seed s (of every scenario the test binary runs)
//   CC_SIM_TRACE=1     with CC_SIM_SEED: print every event of the run to stderr
//
// A failing seed prints one line naming itself, the scenario, the invariant broken
// and the tick, with the command that replays it.
//
// Thread safety: none.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "tests/consensus/sim/simulation.h"

#ifndef CC_SIM_DEFAULT_SEEDS
#define CC_SIM_DEFAULT_SEEDS 500
#endif

namespace cc::sim {

std::optional<uint64_t> SingleSeed();
std::vector<uint64_t> SeedsToRun();
bool TraceRequested();
// Seeds divisible by 3 run 7 validators (f = 2), the others 4 (f = 1): n = 7 costs
// about three times as much per seed.
uint32_t ValidatorsFor(uint64_t seed);

// Builds the scenario of one seed.
using ScenarioFactory = std::function<ScenarioConfig(uint64_t seed)>;
// An extra check on a run that kept every invariant: "" or what is wrong.
using RunCheck = std::function<std::string(const ScenarioConfig&, const RunResult&)>;

struct SeedsReport {
  uint64_t runs = 0;
  uint64_t failures = 0;
  uint64_t runs_n4 = 0;
  uint64_t runs_n7 = 0;
  uint64_t steps = 0;
  uint64_t view_changes = 0;     // summed over honest replicas
  uint64_t fetched_commits = 0;  // summed over honest replicas: by their own fetch
  uint64_t synced_commits = 0;   // ... by node-level sync
  uint64_t evidence = 0;         // from honest replicas
  std::string failure_lines;     // the first few
  std::string Summary() const;
};

std::string FailureLine(const ScenarioConfig& config, const std::string& what, uint64_t tick);

// Runs `make(seed)` for every seed; a run fails if an invariant broke or `check`
// objects. Stops early after 10 failures.
SeedsReport RunSeeds(const ScenarioFactory& make, const RunCheck& check = nullptr);

}  // namespace cc::sim
