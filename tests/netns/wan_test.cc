// WAN figures (issue 9): every link delayed 50 ms +- 10 ms one way (so a round trip
// between two nodes is ~100 ms), the generated consensus settings (view-change
// timeout 5 s). For a few offered rates, the real `creditctl bench` loads the
// validators (committed tx/s, and commit latency from the nodes' histograms at
// bucket resolution) while a prober submits one transaction at a time with
// ?wait=commit and times each answer (exact, as a client sees it). Before that, the
// same prober on the idle network gives the latency floor.
//
// The figures are printed, not asserted: the test asserts only what must hold
// whatever the speed (every node agrees on one chain after each rate, one view at the
// end). n = 4 and n = 7; CC_NETNS_LONG=1 runs more rates, longer;
// CC_NETNS_WAN_NETEM=none measures the same without delay (the control).
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <regex>
#include <thread>

#include "tests/netns/netns_fixture.h"

namespace cc::netns {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

struct LatencyStats {
  size_t count = 0;
  size_t not_committed = 0;  // answered, but not "committed" in time, or failed
  double p50 = 0, p90 = 0, p99 = 0, max = 0;
};

LatencyStats Summarize(std::vector<double> ms, size_t failed) {
  LatencyStats s;
  s.count = ms.size();
  s.not_committed = failed;
  if (ms.empty()) return s;
  std::sort(ms.begin(), ms.end());
  auto at = [&](double q) { return ms[std::min(ms.size() - 1, static_cast<size_t>(q * ms.size()))]; };
  s.p50 = at(0.50);
  s.p90 = at(0.90);
  s.p99 = at(0.99);
  s.max = ms.back();
  return s;
}

std::string Format(const LatencyStats& s) {
  char buf[160];
  std::snprintf(buf, sizeof buf, "%.0f / %.0f / %.0f ms (%zu txs%s)", s.p50, s.p90, s.max, s.count,
                s.not_committed ? (", " + std::to_string(s.not_committed) + " not committed").c_str() : "");
  return buf;
}

// Submits one transaction at a time with ?wait=commit, round robin over the
// validators, at most one every 200 ms (so its own load, <= 5 tx/s, barely adds to
// the bench's), until stopped or `limit` transactions; times each committed answer.
class Prober {
 public:
  Prober(const TestNetwork& net, TxFactory& factory, size_t limit)
      : net_(net), factory_(factory), limit_(limit) {}

  void Run(const std::atomic<bool>* stop) {
    std::vector<std::unique_ptr<integration::NodeApi>> apis;
    for (size_t i = 0; i < net_.validators(); ++i) apis.push_back(net_.Api(i));
    for (size_t k = 0; k < limit_ && !(stop && *stop); ++k) {
      std::this_thread::sleep_until(last_ + milliseconds(200));
      const auto tx = factory_.MakeOne();
      const auto sent = steady_clock::now();
      last_ = sent;
      auto answer = apis[k % apis.size()]->SubmitAndWait(tx.raw, 30000);
      const double ms = std::chrono::duration<double, std::milli>(steady_clock::now() - sent).count();
      if (answer.ok() && answer->committed) {
        ms_.push_back(ms);
      } else {
        ++failed_;
      }
    }
  }
  LatencyStats Stats() const { return Summarize(ms_, failed_); }

 private:
  const TestNetwork& net_;
  TxFactory& factory_;
  const size_t limit_;
  std::vector<double> ms_;
  size_t failed_ = 0;
  steady_clock::time_point last_{};
};

// The figures `creditctl bench` printed: committed tx/s and its latency line.
struct BenchFigures {
  std::string committed_tps = "?";
  std::string accepted = "?";
  std::string latency = "?";  // "p50 X, p99 Y, max Z"
  std::string view_changes = "?";
  bool complete = false;
};

BenchFigures ParseBench(const std::string& out) {
  BenchFigures f;
  std::smatch m;
  if (std::regex_search(out, m, std::regex(R"(committed\s+\d+ txs .*: (\d+) tx/s)"))) f.committed_tps = m[1];
  f.complete = out.find("INCOMPLETE") == std::string::npos && m.size() > 0;
  if (std::regex_search(out, m, std::regex(R"(accepted\s+(\d+))"))) f.accepted = m[1];
  if (std::regex_search(out, m, std::regex(R"(p50 ([^,]+), p99 ([^,]+), max ([^,]+),)"))) {
    f.latency = std::string(m[1]) + " / " + std::string(m[2]) + " / " + std::string(m[3]);
  }
  if (std::regex_search(out, m, std::regex(R"((\d+) view changes during the run)"))) f.view_changes = m[1];
  return f;
}

std::string Indent(const std::string& text) {
  std::string out = "    ";
  for (char c : text) {
    out += c;
    if (c == '\n') out += "    ";
  }
  return out;
}

TEST_F(NetnsNetwork, WanThroughputAndCommitLatency) {
  const bool long_run = LongRun();
  const std::vector<size_t> sizes{4, 7};
  const std::vector<int> rates =
      long_run ? std::vector<int>{100, 250, 500, 1000, 1500} : std::vector<int>{100, 500, 1000};
  const int duration_s = long_run ? 20 : 8;
  // CC_NETNS_WAN_NETEM="none" (or other netem words) runs the same measurement on
  // other links: "none" is the control, the same hosts and switch without delay.
  const char* netem_env = std::getenv("CC_NETNS_WAN_NETEM");
  std::string netem = netem_env ? netem_env : "delay 50ms 10ms";
  if (netem == "none") netem.clear();
  std::string table;
  for (size_t n : sizes) {
    if (net_) {  // the previous size's network
      net_.reset();
      hosts_.reset();
    }
    ASSERT_NO_FATAL_FAILURE(StartHosts({.validators = n, .netem = netem, .view_change_timeout_ticks = 500}));

    Prober idle(*net_, *factory_, long_run ? 100 : 20);
    idle.Run(nullptr);
    const LatencyStats idle_stats = idle.Stats();
    std::cout << "[netns] n=" << n << " idle network, one tx at a time: commit latency p50 / p90 / max "
              << Format(idle_stats) << "\n";
    table += "| " + std::to_string(n) + " | idle (one tx at a time) | | | | " + Format(idle_stats) + " | |\n";

    for (int rate : rates) {
      const int batch = std::max(10, rate / 20);
      std::atomic<bool> stop{false};
      Prober prober(*net_, *factory_, SIZE_MAX);
      std::thread probe([&] { prober.Run(&stop); });
      const auto bench = integration::RunCommand(
          net_->creditctl(),
          {"bench", "--network", net_->net_dir(), "--rate", std::to_string(rate), "--duration",
           std::to_string(duration_s), "--batch", std::to_string(batch), "--wait-timeout", "90"},
          std::chrono::seconds(duration_s + 200));
      stop = true;
      probe.join();
      std::cout << "[netns] n=" << n << ", creditctl bench --rate " << rate << " --duration " << duration_s
                << " --batch " << batch << " (" << bench.exit.ToString() << "):\n"
                << Indent(bench.output) << "\n";
      const BenchFigures fig = ParseBench(bench.output);
      const LatencyStats probed = prober.Stats();
      std::cout << "[netns] n=" << n << " at " << rate << " tx/s: committed " << fig.committed_tps
                << " tx/s, bench latency p50 / p99 / max " << fig.latency << ", probe " << Format(probed)
                << "\n";
      table += "| " + std::to_string(n) + " | " + std::to_string(rate) + " | " + fig.accepted + " / " +
               std::to_string(rate * duration_s) + " | " + fig.committed_tps +
               (fig.complete ? "" : " (incomplete)") + " | " + fig.latency + " | " + Format(probed) + " | " +
               fig.view_changes + " |\n";
      // Whatever the speed, the network drains and agrees.
      auto agreed = WaitForAgreement(*net_, AllNodes(*net_), kProgressDeadline);
      ASSERT_TRUE(agreed.ok()) << "after " << rate << " tx/s: " << agreed.status().ToString();
    }
    ASSERT_NO_FATAL_FAILURE(ExpectOneView("after the runs"));
    auto scans = CheckConsistent(AllNodes(*net_), {});
    ASSERT_TRUE(scans.ok()) << scans.status().ToString();
    std::cout << "[netns] n=" << n << ": " << scans->front().hashes.size()
              << " blocks identical on all nodes\n";
  }
  std::cout
      << "[netns] WAN figures (links 50 ms +- 10 ms one way; " << duration_s << " s per rate):\n"
      << "| validators | offered tx/s | accepted | committed tx/s | bench commit latency p50 / p99 / max "
         "(histogram) | probe commit latency p50 / p90 / max | view changes |\n"
      << "|---|---|---|---|---|---|---|\n"
      << table;
}

}  // namespace
}  // namespace cc::netns
