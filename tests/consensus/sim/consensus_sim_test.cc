// PBFT on the simulated network with benign faults: drops, delays, duplication,
// reordering, partitions, crashes with restart from persisted state, and a
// lagging replica that must catch up by block sync. Every scenario runs
// CC_SIM_SEEDS seeds (default 500; a third with n = 7, the rest n = 4) with the
// invariants of sim_checker.h checked after every replica step, and liveness
// (every request committed on every honest replica within 2000 ticks of GST).
#include <gtest/gtest.h>

#include <cstdio>

#include "tests/consensus/sim/scenarios.h"
#include "tests/consensus/sim/sim_runner.h"

namespace cc::sim {
namespace {

void ExpectAllSeedsPass(const ScenarioFactory& make, const RunCheck& check = nullptr) {
  const SeedsReport report = RunSeeds(make, check);
  std::printf("%s", report.Summary().c_str());
  EXPECT_EQ(report.failures, 0u) << report.Summary();
}

ScenarioConfig NoFaultScenario(uint64_t seed) {
  ScenarioConfig c;
  c.name = "NoFaults";
  c.seed = seed;
  c.n = ValidatorsFor(seed);
  c.requests = 8;
  c.submit_until = 40;
  c.trace = TraceRequested();
  return c;
}

std::string NoViewChange(const ScenarioConfig&, const RunResult& r) {
  for (size_t i = 0; i < r.replicas.size(); ++i) {
    if (r.replicas[i].view_changes != 0 || r.replicas[i].view != 0) {
      return "replica " + std::to_string(i) + " changed view without any fault";
    }
  }
  return "";
}

TEST(PbftSimulation, CommitsEveryRequestWithoutFaultsOrViewChanges) {
  ExpectAllSeedsPass(NoFaultScenario, NoViewChange);
}

// A driver may hand a replica requests before its first tick (at start, or just
// after a restart). A primary must not cut a batch before it knows the time: its
// timestamp would be 0 (or a stale one after a restart), backups would refuse it
// as clock skew and the view would change although nothing failed.
TEST(PbftSimulation, NoViewChangeWhenRequestsArriveBeforeTheFirstTick) {
  ExpectAllSeedsPass(
      [](uint64_t seed) {
        ScenarioConfig c = NoFaultScenario(seed);
        c.name = "RequestsBeforeFirstTick";
        c.max_batch_requests = 1;
        c.submit_until = 0;  // every request is sent at tick 0
        return c;
      },
      NoViewChange);
}

TEST(PbftSimulation, SafeAndLiveUnderDropsDelaysAndReordering) {
  ExpectAllSeedsPass(DropsDelaysReorderingScenario);
}

TEST(PbftSimulation, SafeAndLiveAcrossPartitions) { ExpectAllSeedsPass(PartitionsScenario); }

TEST(PbftSimulation, SafeAndLiveAcrossCrashRestartFromPersistedState) {
  ExpectAllSeedsPass(CrashRestartScenario);
}

TEST(PbftSimulation, LaggingReplicaCatchesUpByStateTransfer) {
  ExpectAllSeedsPass(LaggingReplicaScenario, [](const ScenarioConfig& c, const RunResult& r) {
    uint32_t lagger = 0;
    for (const auto& p : c.partitions) {
      for (uint32_t i = 0; i < c.n; ++i) {
        if (p.group_of[i] == 1) lagger = i;
      }
    }
    for (const auto& crash : c.crashes) lagger = crash.replica;
    uint64_t ahead = 0;
    for (uint32_t i = 0; i < c.n; ++i) {
      if (i != lagger) ahead = std::max(ahead, r.replicas[i].stable_at_gst);
    }
    const ReplicaSummary& l = r.replicas[lagger];
    if (ahead > l.height_at_gst && l.fetched_commits == 0) {
      return "replica " + std::to_string(lagger) + " was at height " + std::to_string(l.height_at_gst) +
             " when peers had stable checkpoint " + std::to_string(ahead) +
             ", yet committed nothing by block sync (" + std::to_string(l.fetch_requests) +
             " fetch requests)";
    }
    return std::string();
  });
}

TEST(PbftSimulation, ARequestSentOnceToOneBackupCommitsThroughItsRelay) {
  ExpectAllSeedsPass(ClientSendsOnceScenario);
}

// Without the relay the same runs fail: a request whose one copy reached a backup
// that is not the primary waits there for ever (one replica's timer cannot replace
// the primary), so the check above can fail.
TEST(PbftSimulation, WithoutTheRelayARequestHeldByOneBackupNeverCommits) {
  ScenarioConfig c = ClientSendsOnceScenario(1);
  c.name = "ClientSendsOnceNoRelay";
  c.partitions.clear();
  c.byzantine.clear();
  c.withheld_requests.clear();
  c.faults.drop = 0;
  c.liveness_bound = 600;
  const RunResult relayed = RunSimulation(c);
  EXPECT_TRUE(relayed.ok) << relayed.violation;
  c.lose_relays = true;
  const RunResult r = RunSimulation(c);
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.violation.find("LIVENESS"), std::string::npos) << r.violation;
}

TEST(PbftSimulation, RunsReplayExactlyFromTheirSeed) {
  for (uint64_t seed : {2u, 3u}) {
    const RunResult a = RunSimulation(CrashRestartScenario(seed));
    const RunResult b = RunSimulation(CrashRestartScenario(seed));
    EXPECT_EQ(a.ok, b.ok);
    EXPECT_EQ(a.tick, b.tick);
    EXPECT_EQ(a.steps, b.steps);
    EXPECT_EQ(a.messages_sent, b.messages_sent);
    EXPECT_EQ(a.signatures, b.signatures);
    ASSERT_EQ(a.replicas.size(), b.replicas.size());
    for (size_t i = 0; i < a.replicas.size(); ++i) {
      EXPECT_EQ(a.replicas[i].height, b.replicas[i].height);
      EXPECT_EQ(a.replicas[i].view, b.replicas[i].view);
    }
  }
  const RunResult x = RunSimulation(DropsDelaysReorderingScenario(10));
  const RunResult y = RunSimulation(DropsDelaysReorderingScenario(12));
  EXPECT_NE(x.steps, y.steps);
}

}  // namespace
}  // namespace cc::sim
