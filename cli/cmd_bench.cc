// `bench`: a load generator for a running network folder (creditctl network init).
//
// 1. Reads the folder and pre-signs every transaction (untimed).
// 2. Scrapes every validator's /metrics (commit-latency histogram, committed-tx
//    counter) and the first target node's /v1/status.
// 3. Submits POST /v1/txs batches at the target rate, round-robin over the target
//    nodes, from a few threads with keep-alive connections.
// 4. Polls the first target node's creditd_committed_transactions_total until it has
//    risen by the number accepted (or the wait times out), then scrapes again.
// 5. Prints submitted / accepted / rejected by code, committed tx/s from the first
//    submit to the last commit, commit latency percentiles from the histogram
//    deltas (bucket resolution), and this process's peak RSS.
#include <sys/resource.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <thread>

#include "cli/bench_load.h"
#include "cli/bench_network.h"
#include "cli/command.h"
#include "cli/http_client.h"
#include "cli/metrics_text.h"
#include "cli/tx_builder.h"

namespace cc::cli {
namespace {

constexpr const char* kBenchCmd = "bench";
constexpr const char* kLatency = "creditd_commit_latency_seconds";
constexpr const char* kCommitted = "creditd_committed_transactions_total";

Result<double> ParsePositive(const Args& args, const std::string& flag, double fallback, double max) {
  auto v = args.Get(flag);
  if (!v) return fallback;
  char* end = nullptr;
  const double d = std::strtod(v->c_str(), &end);
  if (v->empty() || end != v->c_str() + v->size() || !(d > 0) || d > max) {
    return Status::Error("usage", "--" + flag + ": expected a positive number up to " + std::to_string(max) +
                                      ", got '" + *v + "'");
  }
  return d;
}

struct Scrape {
  HistogramData latency;
  double committed = 0;
  double committed_blocks = 0;
  double rejected_at_execution = 0;
  double view_changes = 0;
};

Result<Scrape> ScrapeNode(const BenchNode& node) {
  HttpClient client(node.host, node.http_port, std::chrono::milliseconds(10000));
  auto resp = client.Get("/metrics");
  if (!resp.ok()) return Status::Error(resp.status().code(), node.name + ": " + resp.status().message());
  if (resp->status != 200)
    return Status::Error("http", node.name + ": /metrics answered " + std::to_string(resp->status));
  auto samples = ParseMetricsText(resp->body);
  if (!samples.ok()) return samples.status();
  Scrape s;
  auto h = ExtractHistogram(*samples, kLatency);
  if (!h.ok()) return Status::Error(h.status().code(), node.name + ": " + h.status().message());
  s.latency = *h;
  auto committed = FindSample(*samples, kCommitted);
  if (!committed) return Status::Error("not_found", node.name + ": no " + std::string(kCommitted));
  s.committed = *committed;
  s.committed_blocks = FindSample(*samples, "creditd_committed_blocks_total").value_or(0);
  s.rejected_at_execution = FindSample(*samples, "creditd_rejected_transactions_total").value_or(0);
  s.view_changes = FindSample(*samples, "creditd_view_changes_total").value_or(0);
  return s;
}

Result<std::vector<Scrape>> ScrapeAll(const std::vector<BenchNode>& nodes) {
  std::vector<Scrape> out;
  for (const auto& n : nodes) {
    auto s = ScrapeNode(n);
    if (!s.ok()) return s.status();
    out.push_back(*s);
  }
  return out;
}

// `last_bound`: the histogram's largest finite bucket bound (seconds).
std::string Ms(double seconds, double last_bound) {
  char buf[64];
  if (std::isinf(seconds)) {
    std::snprintf(buf, sizeof buf, "> %g s (+Inf bucket)", last_bound);
    return buf;
  }
  std::snprintf(buf, sizeof buf, seconds < 0.01 ? "%.2f ms" : "%.1f ms", seconds * 1000);
  return buf;
}

double Seconds(BenchClock::duration d) { return std::chrono::duration<double>(d).count(); }

int Bench(const Args& args) {
  if (args.Has("config") == args.Has("network")) {
    return ReportError(kBenchCmd, Status::Error("usage", "give exactly one of --config and --network"));
  }
  std::string dir = args.Get("network").value_or("");
  if (auto config = args.Get("config")) {
    dir = std::filesystem::path(*config).parent_path().string();
    if (dir.empty()) dir = ".";
  }
  auto rate = ParsePositive(args, "rate", 1000, 1e6);
  if (!rate.ok()) return ReportError(kBenchCmd, rate.status());
  auto duration = ParsePositive(args, "duration", 10, 3600);
  if (!duration.ok()) return ReportError(kBenchCmd, duration.status());
  auto batch_f = ParsePositive(args, "batch", 200, 2000);
  if (!batch_f.ok()) return ReportError(kBenchCmd, batch_f.status());
  auto threads_f = ParsePositive(args, "threads", 4, 64);
  if (!threads_f.ok()) return ReportError(kBenchCmd, threads_f.status());
  auto wait_f = ParsePositive(args, "wait-timeout", 60, 3600);
  if (!wait_f.ok()) return ReportError(kBenchCmd, wait_f.status());
  const size_t batch = static_cast<size_t>(*batch_f);
  const size_t threads = static_cast<size_t>(*threads_f);
  if (!args.positional().empty()) {
    return ReportError(kBenchCmd,
                       Status::Error("usage", "unexpected argument '" + args.positional()[0] + "'"));
  }

  auto net = LoadBenchNetwork(dir);
  if (!net.ok()) return ReportError(kBenchCmd, net.status());
  auto targets = SelectNodes(*net, args.Get("nodes").value_or("all"));
  if (!targets.ok()) return ReportError(kBenchCmd, targets.status());
  std::vector<BenchNode> validators;
  for (const auto& n : net->nodes) {
    if (n.validator) validators.push_back(n);
  }
  const size_t tx_count = std::max<size_t>(1, static_cast<size_t>(std::llround(*rate * *duration)));
  std::cout << "bench: network " << dir << " (chain " << net->chain_id << "), " << targets->size()
            << " target nodes, " << *rate << " tx/s for " << *duration << " s = " << tx_count
            << " RecordCreditEvent txs from " << net->members.size() << " members, batches of " << batch
            << ", " << threads << " threads\n";

  // Pre-sign (untimed).
  const uint64_t now = NowMs();
  PresignOptions po;
  po.tx_count = tx_count;
  po.batch_size = batch;
  po.not_before_ms = now - 60'000;
  po.not_after_ms = std::min<uint64_t>(now + static_cast<uint64_t>((*duration + *wait_f) * 1000) + 600'000,
                                       po.not_before_ms + net->max_validity_window_ms);
  po.threads = std::max(1u, std::thread::hardware_concurrency());
  const auto sign_start = BenchClock::now();
  const std::vector<std::string> bodies = PresignBatches(*net, po);
  std::vector<size_t> sizes(bodies.size(), batch);
  if (tx_count % batch != 0) sizes.back() = tx_count % batch;
  std::printf("pre-signed  %zu txs in %.2f s (%zu batches)\n", tx_count,
              Seconds(BenchClock::now() - sign_start), bodies.size());

  auto before = ScrapeAll(validators);
  if (!before.ok()) return ReportError(kBenchCmd, before.status());
  const BenchNode& watch = (*targets)[0];
  size_t watch_index = 0;
  for (size_t i = 0; i < validators.size(); ++i) {
    if (validators[i].name == watch.name) watch_index = i;
  }
  auto watch_before = watch.validator ? Result<Scrape>((*before)[watch_index]) : ScrapeNode(watch);
  if (!watch_before.ok()) return ReportError(kBenchCmd, watch_before.status());

  // Timed phase.
  SubmitOptions so;
  so.rate = *rate;
  so.batch_size = batch;
  so.threads = threads;
  const SubmitResult sent = SubmitBatches(*targets, net->token, bodies, sizes, so);
  const double submit_s = Seconds(sent.last_answer - sent.first_send);
  std::printf("submitted   %llu txs in %.2f s (%.0f tx/s offered), %llu connections\n",
              static_cast<unsigned long long>(sent.submitted), submit_s,
              submit_s > 0 ? static_cast<double>(sent.submitted) / submit_s : 0.0,
              static_cast<unsigned long long>(sent.connections));
  std::printf("accepted    %llu\n", static_cast<unsigned long long>(sent.accepted));
  uint64_t rejected = 0;
  std::string by_code;
  for (const auto& [code, count] : sent.rejected) {
    rejected += count;
    by_code += (by_code.empty() ? "" : ", ") + code + " " + std::to_string(count);
  }
  std::printf("rejected    %llu%s%s%s\n", static_cast<unsigned long long>(rejected),
              by_code.empty() ? "" : " (", by_code.c_str(), by_code.empty() ? "" : ")");

  // Wait for the commits.
  const auto deadline = BenchClock::now() + std::chrono::duration_cast<BenchClock::duration>(
                                                std::chrono::duration<double>(*wait_f));
  BenchClock::time_point last_commit = sent.last_answer;
  double committed = 0;
  bool complete = sent.accepted == 0;
  while (!complete && BenchClock::now() < deadline) {
    auto s = ScrapeNode(watch);
    const auto seen_at = BenchClock::now();
    if (s.ok()) {
      if (s->committed > watch_before->committed + committed) last_commit = seen_at;
      committed = s->committed - watch_before->committed;
      complete = committed >= static_cast<double>(sent.accepted);
    }
    if (!complete) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  auto after = ScrapeAll(validators);
  if (!after.ok()) return ReportError(kBenchCmd, after.status());
  auto watch_after = ScrapeNode(watch);
  if (!watch_after.ok()) return ReportError(kBenchCmd, watch_after.status());

  const double run_s = Seconds(last_commit - sent.first_send);
  const double blocks = watch_after->committed_blocks - watch_before->committed_blocks;
  std::printf("committed   %.0f txs (on %s) in %.2f s from first submit to last commit: %.0f tx/s%s\n",
              committed, watch.name.c_str(), run_s, run_s > 0 ? committed / run_s : 0.0,
              complete ? "" : "  [INCOMPLETE: wait timed out]");
  std::printf("            %.0f blocks, %.0f tx/block; %.0f committed with a rejection receipt\n", blocks,
              blocks > 0 ? committed / blocks : 0.0,
              watch_after->rejected_at_execution - watch_before->rejected_at_execution);

  double view_changes = 0;
  for (size_t i = 0; i < validators.size(); ++i) {
    view_changes = std::max(view_changes, (*after)[i].view_changes - (*before)[i].view_changes);
  }
  std::printf("            %.0f view changes during the run (most seen by one validator)\n", view_changes);

  HistogramData latency;
  for (size_t i = 0; i < validators.size(); ++i) {
    auto d = HistogramDelta((*after)[i].latency, (*before)[i].latency);
    if (!d.ok()) return ReportError(kBenchCmd, d.status());
    auto sum = HistogramSum(latency, *d);
    if (!sum.ok()) return ReportError(kBenchCmd, sum.status());
    latency = *sum;
  }
  if (latency.count == 0) {
    std::printf("latency     no commits recorded in %s\n", kLatency);
  } else {
    const double last = latency.bounds.empty() ? 0 : latency.bounds.back();
    const double max_bound = *HistogramMaxBound(latency);
    const std::string max_text = std::isinf(max_bound) ? Ms(max_bound, last) : "<= " + Ms(max_bound, last);
    std::printf(
        "latency     admission to commit over %llu txs (%s, %zu validators; percentiles at bucket "
        "resolution, interpolated): p50 %s, p99 %s, max %s, mean %s\n",
        static_cast<unsigned long long>(latency.count), kLatency, validators.size(),
        Ms(*HistogramQuantile(latency, 0.50), last).c_str(),
        Ms(*HistogramQuantile(latency, 0.99), last).c_str(), max_text.c_str(),
        Ms(latency.sum / static_cast<double>(latency.count), last).c_str());
    std::printf(
        "            (every validator records each tx it held in its mempool, forwarded ones included, "
        "so the count is up to %zu x the committed txs)\n",
        validators.size());
  }
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  std::printf("peak RSS    %.1f MiB (creditctl)\n", static_cast<double>(ru.ru_maxrss) / 1024.0);
  return complete ? kExitOk : kExitFailure;
}

}  // namespace

std::vector<Command> BenchCommands() {
  return {
      {"bench",
       "--network DIR | --config DIR/node-NAME.json [--rate TX_PER_S] [--duration S] [--batch N] "
       "[--threads N] [--nodes all|NAME,...] [--wait-timeout S]",
       "load a running network (a folder from 'network init'): pre-sign rate*duration "
       "RecordCreditEvent txs, submit them in POST /v1/txs batches at the rate, round-robin over the "
       "validators (or --nodes), wait for their commit and print accepted/rejected counts, committed "
       "tx/s and commit latency percentiles (defaults: 1000 tx/s, 10 s, batches of 200, 4 threads, "
       "60 s wait)",
       FlagSpec{{"network", "config", "rate", "duration", "batch", "threads", "nodes", "wait-timeout"}, {}},
       Bench},
  };
}

}  // namespace cc::cli
