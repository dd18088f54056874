// View synchronization (issue 9): no honest replica is left alone in a view. Each
// scenario runs CC_SIM_SEEDS seeds (default 500; a third with n = 7), with the
// invariants of sim_checker.h after every step, liveness (every request committed
// everywhere after GST) and participation: every honest replica then votes again,
// in the one view all honest replicas are in (simulation.h). Today's stranded
// validator, which kept its height by block sync while waiting alone in a higher
// view, fails that check.
#include <gtest/gtest.h>

#include <cstdio>

#include "tests/consensus/sim/scenarios.h"
#include "tests/consensus/sim/sim_runner.h"

namespace cc::sim {
namespace {

void ExpectAllSeedsPass(const ScenarioFactory& make) {
  const SeedsReport report = RunSeeds(make);
  std::printf("%s", report.Summary().c_str());
  EXPECT_EQ(report.failures, 0u) << report.Summary();
}

TEST(PbftViewSync, AReplicaWithAFastClockNeverLeavesTheQuorumsView) { ExpectAllSeedsPass(FastClockScenario); }

TEST(PbftViewSync, PrimaryOutagesJustUnderAndOverTheTimeoutStrandNoOne) {
  ExpectAllSeedsPass(PrimaryOutagesScenario);
}

TEST(PbftViewSync, RestartsInTheMiddleOfAViewChangeStrandNoOne) {
  ExpectAllSeedsPass(ViewChangeRestartsScenario);
}

// The participation check can fail: a replica that stops hearing its peers'
// consensus messages once the load is over keeps up by block sync alone, so it
// commits every request (liveness holds) but never votes again.
TEST(PbftViewSync, ParticipationCheckCatchesAReplicaThatOnlySyncs) {
  ScenarioConfig c = FastClockScenario(4);
  c.name = "DeafAfterGst";
  c.clock_rate.clear();
  c.deaf = 1;
  c.deaf_from = c.gst;
  c.participation_bound = 400;
  const RunResult r = RunSimulation(c);
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.violation.find("PARTICIPATION"), std::string::npos) << r.violation;
}

}  // namespace
}  // namespace cc::sim
