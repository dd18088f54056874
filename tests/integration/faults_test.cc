// Scenarios 2-4 of issue 4: validators SIGKILLed under load. A killed backup and a
// killed primary (view change) never stop the others from committing; a restarted
// node catches up by block sync and ends with the same chain; across repeated kills
// nothing any node reported committed is ever missing afterwards.
#include <signal.h>

#include <random>
#include <thread>

#include "tests/integration/network_fixture.h"

namespace cc::integration {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using std::chrono::steady_clock;

std::vector<size_t> Plus(std::vector<size_t> nodes, size_t extra) {
  nodes.push_back(extra);
  return nodes;
}

uint64_t Max(const std::vector<uint64_t>& v) {
  uint64_t m = 0;
  for (uint64_t x : v) m = std::max(m, x);
  return m;
}

// Ids admitted by a node outside `excluded`: those nodes stayed up, so the network
// owes every one of them a commit.
std::vector<std::string> AdmittedByOthers(const std::vector<LoadGenerator::Admitted>& admitted,
                                          const std::set<size_t>& excluded) {
  std::vector<std::string> out;
  for (const auto& a : admitted) {
    if (!excluded.count(a.node)) out.push_back(a.id);
  }
  return out;
}

TEST_F(CreditdNetwork, SurvivesKilledValidatorAndCatchesUpOnRestart) {
  const size_t observer = net_->size() - 1;
  LoadGenerator load(*net_, *factory_, {0, 1, 2, 3}, LoadOptions{.batch = 40, .pause = milliseconds(40)});
  load.Start();
  CC_ASSERT_OK(WaitForHeight(*net_, AllNodes(*net_), 3, kProgressDeadline));

  auto primary = Primary();
  ASSERT_TRUE(primary.ok()) << primary.status().ToString();
  const size_t victim = (*primary + 1) % net_->validators();
  const std::vector<size_t> others = Plus(OtherValidators(*net_, victim), observer);
  load.SetDown(victim, true);
  const ExitInfo killed = net_->Kill(victim);
  ASSERT_EQ(killed.signal, SIGKILL) << net_->node(victim).name << " had already ended: " << killed.ToString();
  std::cout << "[integration] killed backup " << net_->node(victim).name << " (primary is validator-"
            << *primary << ")\n";

  // Commits go on without it, for more than two checkpoint intervals (network init
  // writes checkpoint_interval 32): the others' consensus logs are garbage-collected
  // past where it stopped, so only block sync can bring it back.
  auto before = Heights(*net_, others);
  ASSERT_TRUE(before.ok()) << before.status().ToString();
  const uint64_t missed_up_to = Max(*before) + 70;
  CC_ASSERT_OK(WaitForHeight(*net_, others, missed_up_to, kProgressDeadline));

  // Restarted, it catches up past everything it missed while load continues.
  CC_ASSERT_OK(net_->Start(victim));
  CC_ASSERT_OK(net_->WaitReady(victim, kStartDeadline));
  load.SetDown(victim, false);
  auto now = Heights(*net_, others);
  ASSERT_TRUE(now.ok()) << now.status().ToString();
  CC_ASSERT_OK(WaitForHeight(*net_, {victim}, Max(*now) + 2, kProgressDeadline));
  load.Stop();

  // Same hashes everywhere; everything the never-killed nodes admitted committed on
  // every node, the restarted one included.
  const std::vector<std::string> owed = AdmittedByOthers(load.admitted(), {victim});
  ASSERT_GT(owed.size(), 0u);
  auto scans = CheckConsistent(AllNodes(*net_), owed);
  ASSERT_TRUE(scans.ok()) << scans.status().ToString();
  EXPECT_GT(scans->front().hashes.size(), missed_up_to);
  std::cout << "[integration] " << owed.size() << " transactions owed, " << scans->front().hashes.size()
            << " blocks identical on all nodes; " << load.transport_errors()
            << " batches lost with the victim\n";
}

TEST_F(CreditdNetwork, ViewChangeAfterPrimaryIsKilled) {
  const size_t observer = net_->size() - 1;
  // A commit in the first view.
  auto first = net_->Api(1)->SubmitAndWait(factory_->MakeOne().raw, 20000);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_TRUE(first->committed) << "HTTP " << first->http_status << " " << first->error_code;
  auto primary = Primary();
  ASSERT_TRUE(primary.ok()) << primary.status().ToString();
  const size_t old_primary = *primary;
  auto old_status = net_->Api(old_primary)->Status();
  ASSERT_TRUE(old_status.ok()) << old_status.status().ToString();
  const uint64_t old_view = old_status->view;
  const std::vector<size_t> survivors = OtherValidators(*net_, old_primary);

  LoadGenerator load(*net_, *factory_, survivors, LoadOptions{.batch = 10, .pause = milliseconds(50)});
  load.Start();
  CC_ASSERT_OK(WaitForHeight(*net_, survivors, first->height + 1, kProgressDeadline));

  auto heights = Heights(*net_, survivors);
  ASSERT_TRUE(heights.ok()) << heights.status().ToString();
  const uint64_t height_at_kill = Max(*heights);
  const auto killed_at = steady_clock::now();
  net_->Kill(old_primary);

  // The first block committed after the kill, seen by any survivor.
  std::vector<std::unique_ptr<NodeApi>> apis;
  for (size_t i : survivors) apis.push_back(net_->Api(i));
  std::optional<steady_clock::duration> to_first_commit;
  while (!to_first_commit && steady_clock::now() - killed_at < kProgressDeadline) {
    for (auto& api : apis) {
      auto s = api->Status();
      if (s.ok() && s->height > height_at_kill) {
        to_first_commit = steady_clock::now() - killed_at;
        break;
      }
    }
    if (!to_first_commit) std::this_thread::sleep_for(milliseconds(10));
  }
  ASSERT_TRUE(to_first_commit)
      << "no commit after the primary was killed\n"
      << WaitForHeight(*net_, survivors, height_at_kill + 1, milliseconds(0)).ToString();
  std::cout << "[integration] primary validator-" << old_primary << " killed at height " << height_at_kill
            << "; first new commit after "
            << std::chrono::duration_cast<milliseconds>(*to_first_commit).count() << " ms\n";

  // The survivors settle in one later view with another primary, and keep
  // committing; a ?wait=commit submission through a survivor is answered.
  const auto deadline = steady_clock::now() + kProgressDeadline;
  std::string last;
  for (;;) {
    std::set<uint64_t> views;
    std::set<uint32_t> primaries;
    bool settled = true;
    last.clear();
    for (auto& api : apis) {
      auto s = api->Status();
      settled = settled && s.ok() && !s->in_view_change && s->primary;
      if (!s.ok()) continue;
      views.insert(s->view);
      if (s->primary) primaries.insert(*s->primary);
      last += s->node + " view " + std::to_string(s->view) + (s->in_view_change ? " (changing)" : "") + "; ";
    }
    if (settled && views.size() == 1 && *views.begin() > old_view && primaries.size() == 1 &&
        *primaries.begin() != old_primary) {
      break;
    }
    ASSERT_TRUE(steady_clock::now() < deadline) << "survivors did not settle in a new view: " << last;
    std::this_thread::sleep_for(milliseconds(50));
  }
  std::cout << "[integration] survivors settled: " << last << "\n";
  auto after = net_->Api(survivors[0])->SubmitAndWait(factory_->MakeOne().raw, 20000);
  ASSERT_TRUE(after.ok()) << after.status().ToString();
  EXPECT_TRUE(after->committed) << "HTTP " << after->http_status << " " << after->error_code;
  EXPECT_GT(after->height, height_at_kill);

  // The old primary, restarted, rejoins: it follows the new view and holds the
  // same chain as everyone else.
  CC_ASSERT_OK(net_->Start(old_primary));
  CC_ASSERT_OK(net_->WaitReady(old_primary, kStartDeadline));
  auto survivor_heights = Heights(*net_, survivors);
  ASSERT_TRUE(survivor_heights.ok());
  CC_ASSERT_OK(WaitForHeight(*net_, {old_primary}, Max(*survivor_heights), kProgressDeadline));
  load.Stop();
  const std::vector<std::string> owed = AdmittedByOthers(load.admitted(), {old_primary, observer});
  auto scans = CheckConsistent(AllNodes(*net_), owed);
  ASSERT_TRUE(scans.ok()) << scans.status().ToString();
  const auto view_deadline = steady_clock::now() + kProgressDeadline;
  for (;;) {
    auto rejoined = net_->Api(old_primary)->Status();
    auto survivor = net_->Api(survivors[0])->Status();
    ASSERT_TRUE(rejoined.ok()) << rejoined.status().ToString();
    ASSERT_TRUE(survivor.ok()) << survivor.status().ToString();
    if (rejoined->view == survivor->view && !rejoined->in_view_change) break;
    ASSERT_TRUE(steady_clock::now() < view_deadline)
        << "the restarted primary did not adopt the current view: it is in view " << rejoined->view
        << (rejoined->in_view_change ? " (changing)" : "") << ", the others in " << survivor->view;
    std::this_thread::sleep_for(milliseconds(50));
  }
}

TEST_F(CreditdNetwork, RepeatedKillsLoseNothingCommitted) {
  constexpr int kRounds = 6;
  const size_t observer = net_->size() - 1;
  const uint32_t seed = std::random_device{}();
  std::cout << "[integration] kill order seed " << seed << "\n";
  std::mt19937 rng(seed);

  LoadGenerator load(
      *net_, *factory_, AllNodes(*net_),
      LoadOptions{.batch = 20, .pause = milliseconds(40), .probe = true, .probe_timeout_ms = 3000});
  load.Start();
  CC_ASSERT_OK(WaitForHeight(*net_, AllNodes(*net_), 2, kProgressDeadline));

  std::set<std::string> reported;  // ids some node answered "committed" for
  for (int round = 0; round < kRounds; ++round) {
    // Rounds 1 and 4 kill whoever is primary (a view change under load); the
    // others a random validator.
    size_t victim = rng() % net_->validators();
    if (round == 1 || round == 4) {
      auto primary = Primary();
      ASSERT_TRUE(primary.ok()) << primary.status().ToString();
      victim = *primary;
    }
    const uint64_t blocks_missed = 1 + rng() % 40;
    const std::vector<size_t> others = OtherValidators(*net_, victim);
    load.SetDown(victim, true);
    net_->Kill(victim);
    auto heights = Heights(*net_, others);
    ASSERT_TRUE(heights.ok()) << heights.status().ToString();
    // Wait a little: until the others have committed a few more blocks without it.
    CC_ASSERT_OK(WaitForHeight(*net_, others, Max(*heights) + blocks_missed, kProgressDeadline));

    // What the transaction API reports committed, from a node that is up: the
    // latest admitted transactions.
    const auto admitted = load.admitted();
    auto api = net_->Api(Plus(others, observer)[round % 4]);
    for (size_t k = admitted.size() > 40 ? admitted.size() - 40 : 0; k < admitted.size(); ++k) {
      auto t = api->Tx(admitted[k].id);
      if (t.ok() && t->committed) reported.insert(admitted[k].id);
    }

    CC_ASSERT_OK(net_->Start(victim));
    CC_ASSERT_OK(net_->WaitReady(victim, kStartDeadline));
    load.SetDown(victim, false);
    auto now = Heights(*net_, others);
    ASSERT_TRUE(now.ok()) << now.status().ToString();
    CC_ASSERT_OK(WaitForHeight(*net_, {victim}, Max(*now), kProgressDeadline));
    std::cout << "[integration] round " << round << ": killed " << net_->node(victim).name
              << (round == 1 || round == 4 ? " (the primary)" : "") << " at height " << Max(*heights)
              << ", restarted it at height " << Max(*now) << ", it caught up\n";
  }
  load.Stop();
  for (const auto& id : load.reported_committed()) reported.insert(id);
  ASSERT_GT(reported.size(), 0u) << "no node reported any commit during the run";

  const std::vector<std::string> must_hold(reported.begin(), reported.end());
  auto scans = CheckConsistent(AllNodes(*net_), must_hold);
  ASSERT_TRUE(scans.ok()) << scans.status().ToString();
  // And the transaction API of every node answers "committed" for them.
  for (size_t i = 0; i < net_->size(); ++i) {
    auto api = net_->Api(i);
    for (size_t k = i; k < must_hold.size(); k += std::max<size_t>(1, must_hold.size() / 40)) {
      auto t = api->Tx(must_hold[k]);
      ASSERT_TRUE(t.ok()) << t.status().ToString();
      EXPECT_TRUE(t->committed) << net_->node(i).name << " does not report " << must_hold[k] << " committed";
    }
  }
  std::cout << "[integration] " << reported.size() << " transactions reported committed during " << kRounds
            << " kills, all on every node; " << scans->front().hashes.size() << " identical blocks\n";
}

}  // namespace
}  // namespace cc::integration
