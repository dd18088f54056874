// Partitions on a multi-host network (issue 9): each creditd in its own network
// namespace, every link delayed (25 ms +- 5 ms one way), under load.
//   - a partitioned primary: the others elect a new primary and commit; healed, the
//     old primary rejoins and every validator ends in one view, voting (n = 4, 7);
//   - a flapping link: one backup's link cut and restored repeatedly, for less and
//     more than the view-change timeout; nothing committed is lost, chains identical;
//   - a minority partition (f validators cut off) that heals (n = 4, 7);
//   - an asymmetric partition: the primary's frames to one backup are dropped, the
//     other direction flows;
//   - a backup and the primary cut from each other: the backup's clients'
//     transactions commit through the relays of the validators that hold them.
// Every check is on outcomes (views, chains, transactions); the waits are bounded by
// deadlines, and the times printed are figures, not assertions.
#include <algorithm>
#include <set>
#include <thread>

#include "tests/netns/netns_fixture.h"

namespace cc::netns {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

uint64_t Max(const std::vector<uint64_t>& v) { return v.empty() ? 0 : *std::max_element(v.begin(), v.end()); }

long long MsSince(steady_clock::time_point t) {
  return std::chrono::duration_cast<milliseconds>(steady_clock::now() - t).count();
}

class NetnsSized : public NetnsNetwork, public ::testing::WithParamInterface<size_t> {};

// The primary's host is cut off under load. The others must elect a new primary and
// commit without it; after the heal the old primary must come back to the quorum's
// view (no restart) and vote again.
TEST_P(NetnsSized, PartitionedPrimaryRejoins) {
  ASSERT_NO_FATAL_FAILURE(StartHosts({.validators = GetParam()}));
  auto first = net_->Api(1)->SubmitAndWait(factory_->MakeOne().raw, 20000);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_TRUE(first->committed) << "HTTP " << first->http_status << " " << first->error_code;
  auto primary = Primary();
  ASSERT_TRUE(primary.ok()) << primary.status().ToString();
  const size_t old_primary = *primary;
  auto old_status = net_->Api(old_primary)->Status();
  ASSERT_TRUE(old_status.ok()) << old_status.status().ToString();
  const std::vector<size_t> survivors = OtherValidators(*net_, old_primary);

  LoadGenerator load(*net_, *factory_, survivors, LoadOptions{.batch = 10, .pause = milliseconds(50)});
  load.Start();
  CC_ASSERT_OK(WaitForHeight(*net_, survivors, first->height + 2, kProgressDeadline));
  auto heights = Heights(*net_, survivors);
  ASSERT_TRUE(heights.ok()) << heights.status().ToString();
  const uint64_t height_at_cut = Max(*heights);
  const auto cut_at = steady_clock::now();
  CC_ASSERT_OK(hosts_->Cut(old_primary));
  std::cout << "[netns] cut off the primary validator-" << old_primary << " (view " << old_status->view
            << ") at height " << height_at_cut << "\n";

  // The survivors settle in one later view with another primary.
  const auto deadline = steady_clock::now() + kProgressDeadline;
  std::optional<long long> first_commit_ms;
  std::string last;
  for (;;) {
    std::set<uint64_t> views;
    std::set<uint32_t> primaries;
    bool settled = true;
    last.clear();
    for (size_t i : survivors) {
      auto s = net_->Api(i)->Status();
      settled = settled && s.ok() && !s->in_view_change && s->primary;
      if (!s.ok()) continue;
      if (!first_commit_ms && s->height > height_at_cut) first_commit_ms = MsSince(cut_at);
      views.insert(s->view);
      if (s->primary) primaries.insert(*s->primary);
      last += s->node + " view " + std::to_string(s->view) + (s->in_view_change ? " (changing)" : "") + "; ";
    }
    if (settled && views.size() == 1 && *views.begin() > old_status->view && primaries.size() == 1 &&
        *primaries.begin() != old_primary) {
      break;
    }
    ASSERT_TRUE(steady_clock::now() < deadline) << "the survivors did not settle in a new view: " << last;
    std::this_thread::sleep_for(milliseconds(50));
  }
  std::cout << "[netns] survivors settled after " << MsSince(cut_at) << " ms: " << last << "\n";
  // And commit in it: more blocks than were in flight at the cut.
  heights = Heights(*net_, survivors);
  ASSERT_TRUE(heights.ok()) << heights.status().ToString();
  CC_ASSERT_OK(WaitForHeight(*net_, survivors, Max(*heights) + 5, kProgressDeadline));
  if (!first_commit_ms) first_commit_ms = MsSince(cut_at);
  std::cout << "[netns] first commit after the cut: " << *first_commit_ms << " ms; while cut off:\n"
            << DescribeViews(*net_);

  // Healed, without a restart: the old primary catches up, adopts the quorum's view
  // and votes again.
  ASSERT_NO_FATAL_FAILURE(HealAndCheck(load, {old_primary}));
  // And a transaction submitted through it commits.
  auto after = net_->Api(old_primary)->SubmitAndWait(factory_->MakeOne().raw, 20000);
  ASSERT_TRUE(after.ok()) << after.status().ToString();
  EXPECT_TRUE(after->committed) << "HTTP " << after->http_status << " " << after->error_code;
}

// f validators (never the primary) are cut off; the other 2f+1 go on committing.
TEST_P(NetnsSized, MinorityPartitionHeals) {
  ASSERT_NO_FATAL_FAILURE(StartHosts({.validators = GetParam()}));
  const size_t v = net_->validators();
  const size_t f = (v - 1) / 3;
  auto primary = Primary();
  ASSERT_TRUE(primary.ok()) << primary.status().ToString();
  std::set<size_t> minority;
  for (size_t k = 1; k <= f; ++k) minority.insert((*primary + k) % v);
  std::vector<size_t> majority;
  for (size_t i = 0; i < v; ++i) {
    if (!minority.count(i)) majority.push_back(i);
  }

  // The minority is loaded too (what it admits is not owed): its request timers run
  // while it is cut off, so it starts view changes the others never join.
  LoadGenerator load(*net_, *factory_, AllNodes(*net_), LoadOptions{.batch = 10, .pause = milliseconds(50)});
  load.Start();
  CC_ASSERT_OK(WaitForHeight(*net_, AllNodes(*net_), 3, kProgressDeadline));
  std::string names;
  for (size_t i : minority) {
    CC_ASSERT_OK(hosts_->Cut(i));
    names += " " + net_->node(i).name;
  }
  auto heights = Heights(*net_, majority);
  ASSERT_TRUE(heights.ok()) << heights.status().ToString();
  std::cout << "[netns] cut off" << names << " at height " << Max(*heights) << "\n";
  // The majority commits without them, past a checkpoint interval (32).
  CC_ASSERT_OK(WaitForHeight(*net_, majority, Max(*heights) + 40, kProgressDeadline));
  std::cout << "[netns] the majority committed 40 blocks; while cut off:\n" << DescribeViews(*net_);

  ASSERT_NO_FATAL_FAILURE(HealAndCheck(load, minority));
}

INSTANTIATE_TEST_SUITE_P(Validators, NetnsSized, ::testing::Values(size_t{4}, size_t{7}),
                         [](const auto& info) { return "n" + std::to_string(info.param); });

// One backup's link goes down and up again and again under load, down for less and
// for more than the view-change timeout (1 s). Nothing any node reported committed
// is lost, and the chains end identical with every validator in one view.
TEST_F(NetnsNetwork, FlappingLinkLosesNothingCommitted) {
  ASSERT_NO_FATAL_FAILURE(StartHosts({}));
  auto primary = Primary();
  ASSERT_TRUE(primary.ok()) << primary.status().ToString();
  const size_t flapper = (*primary + 1) % net_->validators();
  // The flapping node is loaded too: its mempool fills while it is cut off, so its
  // request timer runs and it may start a view change on its own.
  LoadGenerator load(
      *net_, *factory_, AllNodes(*net_),
      LoadOptions{.batch = 10, .pause = milliseconds(50), .probe = true, .probe_timeout_ms = 3000});
  load.Start();
  CC_ASSERT_OK(WaitForHeight(*net_, AllNodes(*net_), 3, kProgressDeadline));

  const int flaps = LongRun() ? 30 : 8;
  const milliseconds down_for[] = {milliseconds(300), milliseconds(1500), milliseconds(700),
                                   milliseconds(2500)};
  for (int k = 0; k < flaps; ++k) {
    CC_ASSERT_OK(hosts_->Cut(flapper));
    std::this_thread::sleep_for(down_for[k % 4]);
    if (k + 1 == flaps) break;  // the last heal is HealAndCheck's
    CC_ASSERT_OK(hosts_->Heal());
    std::this_thread::sleep_for(milliseconds(1000));
  }
  std::cout << "[netns] " << net_->node(flapper).name << "'s link cut " << flaps
            << " times (0.3 / 1.5 / 0.7 / 2.5 s down, 1 s up); at the last cut:\n"
            << DescribeViews(*net_);
  // Owed: what the others admitted, and whatever any node reported committed.
  ASSERT_NO_FATAL_FAILURE(HealAndCheck(load, {flapper}, load.reported_committed()));
  ASSERT_GT(load.reported_committed().size(), 0u) << "no node reported any commit during the run";
  std::cout << "[netns] " << load.reported_committed().size()
            << " transactions reported committed (?wait=commit) during the flapping, all on every node\n";
}

// The primary's frames to one backup are dropped; that backup's frames still reach
// the primary. (The TCP link between the two cannot work either way then, but both
// keep their links to everyone else.) The backup misses the primary's proposals;
// the others still form a quorum. After the heal, one view, identical chains.
TEST_F(NetnsNetwork, AsymmetricPartitionHeals) {
  ASSERT_NO_FATAL_FAILURE(StartHosts({}));
  auto primary = Primary();
  ASSERT_TRUE(primary.ok()) << primary.status().ToString();
  const size_t deaf = (*primary + 1) % net_->validators();
  LoadGenerator load(*net_, *factory_, AllNodes(*net_), LoadOptions{.batch = 10, .pause = milliseconds(50)});
  load.Start();
  CC_ASSERT_OK(WaitForHeight(*net_, AllNodes(*net_), 3, kProgressDeadline));
  CC_ASSERT_OK(hosts_->CutOneWay(*primary, deaf));
  auto heights = Heights(*net_, AllNodes(*net_));
  ASSERT_TRUE(heights.ok()) << heights.status().ToString();
  std::cout << "[netns] dropping validator-" << *primary << " (primary) -> " << net_->node(deaf).name
            << " at height " << Max(*heights) << "\n";
  const std::vector<size_t> others = OtherValidators(*net_, deaf);
  CC_ASSERT_OK(WaitForHeight(*net_, others, Max(*heights) + 20, kProgressDeadline));
  // Long enough for the deaf backup's view-change timer (1 s) to fire more than once.
  std::this_thread::sleep_for(milliseconds(3000));
  std::cout << "[netns] while one-way cut:\n" << DescribeViews(*net_);

  ASSERT_NO_FATAL_FAILURE(HealAndCheck(load, {deaf}));
}

// The primary and one backup cannot reach each other. Transactions the backup's
// clients send reach the other backups when admitted, never the primary; they
// commit only because the validators holding them relay them (consensus/README.md,
// "Request relay"). Without the relay every one of them waits for ever.
TEST_F(NetnsNetwork, TransactionsOfABackupCutFromThePrimaryCommitThroughRelays) {
  ASSERT_NO_FATAL_FAILURE(StartHosts({}));
  auto primary = Primary();
  ASSERT_TRUE(primary.ok()) << primary.status().ToString();
  const size_t backup = (*primary + 1) % net_->validators();
  const std::string primary_name = net_->node(*primary).name;
  CC_ASSERT_OK(hosts_->CutOneWay(*primary, backup));
  CC_ASSERT_OK(hosts_->CutOneWay(backup, *primary));
  // Until the backup has noticed its link to the primary is gone.
  const auto deadline = steady_clock::now() + kProgressDeadline;
  for (;;) {
    auto s = net_->Api(backup)->Status();
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    const auto& down = s->disconnected_peers;
    if (std::find(down.begin(), down.end(), primary_name) != down.end()) break;
    ASSERT_LT(steady_clock::now(), deadline)
        << net_->node(backup).name << " still reports a link to " << primary_name;
    std::this_thread::sleep_for(milliseconds(100));
  }
  std::cout << "[netns] " << net_->node(backup).name << " and " << primary_name
            << " (primary) cut from each other; submitting to the backup\n";
  auto api = net_->Api(backup);
  for (int i = 0; i < 5; ++i) {
    const auto sent = steady_clock::now();
    auto answer = api->SubmitAndWait(factory_->MakeOne().raw, 20000);
    ASSERT_TRUE(answer.ok()) << answer.status().ToString();
    ASSERT_TRUE(answer->committed) << "transaction " << i << " not committed within 20 s\n"
                                   << DescribeViews(*net_);
    std::cout << "[netns] transaction " << i << " committed at height " << answer->height << " after "
              << MsSince(sent) << " ms\n";
  }
  uint64_t relayed = 0;
  for (size_t v = 0; v < net_->validators(); ++v) {
    auto metrics = net_->Api(v)->Metrics();
    ASSERT_TRUE(metrics.ok()) << metrics.status().ToString();
    const std::string key = "\ncreditd_relayed_requests ";
    const size_t at = metrics->find(key);
    ASSERT_NE(at, std::string::npos) << "no creditd_relayed_requests in /metrics of validator " << v;
    relayed += std::stoull(metrics->substr(at + key.size()));
  }
  std::cout << "[netns] " << relayed << " requests relayed in all\n";
  EXPECT_GT(relayed, 0u);
  CC_ASSERT_OK(hosts_->Heal());
}

}  // namespace
}  // namespace cc::netns
