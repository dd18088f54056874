// NodeMetrics: creditd's Prometheus metrics (docs/api.md "/metrics"): commit
// counters and latency, gauges refreshed from a snapshot at each scrape, the HTTP
// server's metrics, the driver's stage timings, and the P2P link counters by reason.
//
// Thread safety: the counters and histograms are thread-safe (metrics.h); Render
// may be called from any thread.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "http/http_metrics.h"
#include "http/metrics.h"
#include "p2p/transport.h"

namespace cc::node {

class NodeMetrics {
 public:
  NodeMetrics();

  // Gauges, read at each scrape.
  struct Snapshot {
    uint64_t height = 0;
    uint64_t view = 0;
    uint64_t dropped_messages = 0;
    uint64_t relayed_requests = 0;
    // Validators only (node/view_health.h).
    std::optional<bool> participating;
    uint32_t validators_in_view = 0;
    size_t mempool_transactions = 0;
    uint64_t mempool_bytes = 0;
    uint64_t observer_rejected_blocks = 0;
    size_t peers_connected = 0;
    uint64_t client_backlog_limit = 0;
    double commit_rate = 0;  // committed tx/s over the backlog's window
  };
  // Renders every metric: the snapshot's gauges, the registry, then the P2P
  // refusal and disconnect counters of `transport` by reason.
  std::string Render(const Snapshot& snapshot, const p2p::TransportStats& transport);

  // A committed block: its transactions, rejections, and how long each of this
  // node's own transactions waited from admission (seconds).
  void OnCommitted(size_t txs, size_t rejected, const std::vector<double>& waited);
  uint64_t committed_transactions() const { return committed_txs_->Value(); }
  void OnForwardDropped(size_t txs) { forwarded_dropped_->Inc(txs); }
  // Client transactions refused because the backlog was over its limit.
  void OnClientRefused(size_t txs) { client_refused_->Inc(txs); }
  // Signature attestations (node/attestations.h): signed here; received and
  // accepted or refused; client signatures taken on f+1 attestations.
  void OnAttestationSigned() { attestations_signed_->Inc(); }
  void OnAttestationAccepted(size_t vouched) {
    attestations_accepted_->Inc();
    signatures_vouched_->Inc(vouched);
  }
  void OnAttestationRefused() { attestations_refused_->Inc(); }
  // The replica entered a view change / gave up on a view (ViewEvent).
  void OnViewChange() { view_changes_->Inc(); }
  void OnViewTimeout() { view_timeouts_->Inc(); }
  // The consensus driver's time per stage (ConsensusDriver::Hooks::on_timing).
  void OnDriverStage(const char* stage, double seconds);

  metrics::Registry& registry() { return registry_; }
  http::HttpMetrics& http() { return *http_; }

 private:
  metrics::Registry registry_;
  metrics::Counter* committed_txs_;
  metrics::Counter* committed_blocks_;
  metrics::Counter* rejected_txs_;
  metrics::Histogram* commit_latency_;
  metrics::Gauge* height_;
  metrics::Gauge* view_;
  metrics::Counter* view_changes_;
  metrics::Counter* view_timeouts_;
  metrics::Gauge* validators_in_view_;
  metrics::Gauge* participating_;
  metrics::Gauge* mempool_;
  metrics::Gauge* mempool_bytes_;
  metrics::Gauge* peers_;
  metrics::Gauge* dropped_msgs_;
  metrics::Gauge* relayed_requests_;
  metrics::Gauge* observer_rejected_;
  metrics::Counter* forwarded_dropped_;
  metrics::Counter* client_refused_;
  metrics::Counter* attestations_signed_;
  metrics::Counter* attestations_accepted_;
  metrics::Counter* attestations_refused_;
  metrics::Counter* signatures_vouched_;
  metrics::Gauge* client_backlog_limit_;
  metrics::Gauge* commit_rate_;
  metrics::Counter* signs_;
  metrics::Counter* verifies_;
  std::mutex signature_counts_mu_;  // brings signs_/verifies_ up to the process counts
  metrics::HistogramFamily* driver_stages_;
  std::unique_ptr<http::HttpMetrics> http_;
};

}  // namespace cc::node
