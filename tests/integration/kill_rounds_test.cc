// Issue 9, "Must show": validators SIGKILLed one at a time under load, half of them
// the primary, each down for just under to just over the view-change timeout,
// lose nothing and leave no validator behind: after each round and at the end every
// validator is in one view and participating (its own view-change health,
// node/view_health.h), at the end each signs a new block itself, all chains are
// identical, and every transaction a node reported committed is on
// every node. The longest gap between commits is measured and printed; it is a
// figure, not an assertion, unless CC_KILL_ASSERT_GAP=1 (scripts/kill-rounds.sh,
// which runs the full 100 rounds, sets it: at most twice the view-change timeout).
//
//   CC_KILL_ROUNDS=<k>   rounds (default 8)
#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <random>
#include <thread>

#include "tests/integration/network_fixture.h"
#include "tests/integration/node_api.h"
#include "tests/integration/view_check.h"

namespace cc::integration {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

uint64_t EnvOr(const char* name, uint64_t fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::strtoull(v, nullptr, 10) : fallback;
}

// Samples the highest height any running node reports every 20 ms and keeps the
// longest time it stood still.
class CommitGapMeter {
 public:
  explicit CommitGapMeter(const TestNetwork& net) : net_(net) {
    thread_ = std::thread([this] { Run(); });
  }
  ~CommitGapMeter() { Stop(); }
  void Stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  milliseconds longest() const { return milliseconds(longest_ms_.load()); }

 private:
  void Run() {
    uint64_t height = 0;
    auto since = Clock::now();
    while (!stop_) {
      uint64_t best = 0;
      for (size_t i = 0; i < net_.size(); ++i) {
        auto s = net_.Api(i)->Status();
        if (s.ok()) best = std::max(best, s->height);
      }
      const auto now = Clock::now();
      if (best > height) {
        height = best;
        since = now;
      } else {
        const auto gap = std::chrono::duration_cast<milliseconds>(now - since).count();
        longest_ms_ = std::max<uint64_t>(longest_ms_, static_cast<uint64_t>(gap));
      }
      std::this_thread::sleep_for(milliseconds(20));
    }
  }
  const TestNetwork& net_;
  std::atomic<bool> stop_{false};
  std::atomic<uint64_t> longest_ms_{0};
  std::thread thread_;
};

using KillRounds = CreditdNetwork;

TEST_F(KillRounds, LeaveEveryValidatorInOneViewAndVoting) {
  const uint64_t rounds = EnvOr("CC_KILL_ROUNDS", 8);
  const milliseconds timeout(uint64_t{NetworkOptions{}.tick_ms} * NetworkOptions{}.view_change_timeout_ticks);
  const uint32_t seed = static_cast<uint32_t>(EnvOr("CC_KILL_SEED", std::random_device{}()));
  std::cout << "[integration] " << rounds << " kill rounds, seed " << seed
            << " (CC_KILL_SEED), view-change timeout " << timeout.count() << " ms\n";
  std::mt19937 rng(seed);

  LoadGenerator load(
      *net_, *factory_, AllNodes(*net_),
      LoadOptions{.batch = 10, .pause = milliseconds(20), .probe = true, .probe_timeout_ms = 3000});
  load.Start();
  CC_ASSERT_OK(WaitForHeight(*net_, AllNodes(*net_), 2, kProgressDeadline));
  CommitGapMeter gaps(*net_);

  for (uint64_t round = 0; round < rounds; ++round) {
    size_t victim = rng() % net_->validators();
    const bool primary = round % 2 == 1;
    if (primary) {
      auto p = Primary();
      ASSERT_TRUE(p.ok()) << p.status().ToString();
      victim = *p;
    }
    // Down for 0.3x to 1.7x the view-change timeout: just under and just over it.
    const milliseconds down(timeout.count() * (3 + rng() % 15) / 10);
    load.SetDown(victim, true);
    net_->Kill(victim);
    std::this_thread::sleep_for(down);
    CC_ASSERT_OK(net_->Start(victim));
    CC_ASSERT_OK(net_->WaitReady(victim, kStartDeadline));
    load.SetDown(victim, false);
    std::cout << "[integration] round " << round << ": " << net_->node(victim).name
              << (primary ? " (the primary)" : "") << " down " << down.count() << " ms\n";
    // The next kill only once every validator takes part again: otherwise a
    // second validator down would be two faults at once.
    auto voting = WaitForOneView(*net_, kProgressDeadline);
    ASSERT_TRUE(voting.ok()) << "round " << round << ": " << voting.status().ToString();
  }
  load.Stop();
  gaps.Stop();

  auto final_view = WaitForOneView(*net_, kProgressDeadline);
  ASSERT_TRUE(final_view.ok()) << final_view.status().ToString();
  // And each validator signed a block after the last kill (block sync alone
  // would bring it blocks signed by others only).
  auto tip = Heights(*net_, {0});
  ASSERT_TRUE(tip.ok()) << tip.status().ToString();
  auto load_after = std::make_unique<LoadGenerator>(*net_, *factory_, AllNodes(*net_),
                                                    LoadOptions{.batch = 5, .pause = milliseconds(50)});
  load_after->Start();
  auto votes = WaitForVotes(*net_, tip->front(), kProgressDeadline);
  load_after->Stop();
  ASSERT_TRUE(votes.ok()) << votes.status().ToString() << "\n" << DescribeViews(*net_);
  std::set<std::string> reported = load.reported_committed();
  ASSERT_GT(reported.size(), 0u);
  const std::vector<std::string> must_hold(reported.begin(), reported.end());
  auto scans = CheckConsistent(AllNodes(*net_), must_hold);
  ASSERT_TRUE(scans.ok()) << scans.status().ToString();
  std::cout << "[integration] " << rounds << " kills: every validator in view " << final_view->view
            << " and participating; " << reported.size()
            << " transactions reported committed, all on every node; " << scans->front().hashes.size()
            << " identical blocks; longest commit gap " << gaps.longest().count()
            << " ms (view-change timeout " << timeout.count() << " ms)\n";
  if (EnvOr("CC_KILL_ASSERT_GAP", 0) == 1) {
    EXPECT_LE(gaps.longest(), 2 * timeout) << "a commit gap longer than twice the view-change timeout";
  }
}

}  // namespace
}  // namespace cc::integration
