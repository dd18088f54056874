#include "tests/consensus/sim/sim_runner.h"

#include <cstdio>
#include <cstdlib>

namespace cc::sim {

namespace {
std::optional<uint64_t> EnvNumber(const char* name) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') return std::nullopt;
  char* end = nullptr;
  const unsigned long long x = std::strtoull(v, &end, 10);
  if (end == v || *end != '\0') {
    std::fprintf(stderr, "ignoring %s=%s (not a number)\n", name, v);
    return std::nullopt;
  }
  return x;
}
}  // namespace

std::optional<uint64_t> SingleSeed() { return EnvNumber("CC_SIM_SEED"); }

std::vector<uint64_t> SeedsToRun() {
  if (auto s = SingleSeed()) return {*s};
  const uint64_t count = EnvNumber("CC_SIM_SEEDS").value_or(CC_SIM_DEFAULT_SEEDS);
  std::vector<uint64_t> seeds;
  for (uint64_t s = 1; s <= count; ++s) seeds.push_back(s);
  return seeds;
}

bool TraceRequested() { return SingleSeed().has_value() && EnvNumber("CC_SIM_TRACE").value_or(0) != 0; }

uint32_t ValidatorsFor(uint64_t seed) { return seed % 3 == 0 ? 7 : 4; }

std::string FailureLine(const ScenarioConfig& c, const std::string& what, uint64_t tick) {
  return "seed " + std::to_string(c.seed) + " scenario " + c.name + " (n=" + std::to_string(c.n) +
         "): " + what + " at tick " + std::to_string(tick) +
         "; replay with CC_SIM_SEED=" + std::to_string(c.seed) + " (CC_SIM_TRACE=1 for a trace)";
}

std::string SeedsReport::Summary() const {
  return std::to_string(runs) + " seeds (" + std::to_string(runs_n4) + " with n=4, " +
         std::to_string(runs_n7) + " with n=7), " + std::to_string(failures) + " failed; " +
         std::to_string(steps) + " replica steps, " + std::to_string(view_changes) + " view changes, " +
         std::to_string(fetched_commits) + " blocks committed by the replica's fetch and " +
         std::to_string(synced_commits) + " by node sync, " + std::to_string(evidence) +
         " evidence records\n" + failure_lines;
}

SeedsReport RunSeeds(const ScenarioFactory& make, const RunCheck& check) {
  SeedsReport report;
  for (uint64_t seed : SeedsToRun()) {
    const ScenarioConfig config = make(seed);
    const RunResult result = RunSimulation(config);
    ++report.runs;
    ++(config.n == 4 ? report.runs_n4 : report.runs_n7);
    report.steps += result.steps;
    for (const auto& r : result.replicas) {
      if (r.byzantine) continue;
      report.view_changes += r.view_changes;
      report.fetched_commits += r.fetched_commits;
      report.synced_commits += r.synced_commits;
      report.evidence += r.evidence;
    }
    std::string what = result.violation;
    if (result.ok && check) what = check(config, result);
    if (what.empty()) continue;
    ++report.failures;
    const std::string line = FailureLine(config, what, result.tick);
    std::fprintf(stderr, "%s\n", line.c_str());
    if (report.failures <= 5) report.failure_lines += line + "\n";
    if (report.failures >= 10) break;
  }
  return report;
}

}  // namespace cc::sim
