#include "node/node_metrics.h"

#include "crypto/keys.h"
#include "http/process_metrics.h"

namespace cc::node {

NodeMetrics::NodeMetrics() {
  committed_txs_ =
      &registry_.AddCounter("creditd_committed_transactions_total", "Transactions in committed blocks");
  committed_blocks_ =
      &registry_.AddCounter("creditd_committed_blocks_total", "Blocks committed by this node");
  rejected_txs_ = &registry_.AddCounter("creditd_rejected_transactions_total",
                                        "Committed transactions whose receipt is a rejection");
  commit_latency_ = &registry_.AddHistogram("creditd_commit_latency_seconds",
                                            "Admission to commit, for transactions admitted by this node",
                                            metrics::LatencyBuckets());
  height_ = &registry_.AddGauge("creditd_height", "Height of the last committed block");
  view_ = &registry_.AddGauge("creditd_view", "Current PBFT view");
  view_changes_ = &registry_.AddCounter("creditd_view_changes_total",
                                        "View changes this validator entered (on a timeout certificate)");
  view_timeouts_ = &registry_.AddCounter("creditd_view_timeouts_total",
                                         "Views this validator gave up on (signed a view timeout)");
  validators_in_view_ = &registry_.AddGauge(
      "creditd_validators_in_view", "Validators (this one included) settled in this validator's view");
  participating_ = &registry_.AddGauge(
      "creditd_participating", "1 while this validator takes part in consensus (quorum in its view), else 0");
  mempool_ = &registry_.AddGauge("creditd_mempool_transactions", "Transactions waiting in the mempool");
  mempool_bytes_ = &registry_.AddGauge("creditd_mempool_bytes", "Bytes waiting in the mempool");
  peers_ = &registry_.AddGauge("creditd_peers_connected", "Peers with an authenticated link");
  dropped_msgs_ = &registry_.AddGauge("creditd_consensus_dropped_messages",
                                      "Consensus messages dropped as invalid since start");
  relayed_requests_ =
      &registry_.AddGauge("creditd_relayed_requests",
                          "Client requests this validator relayed since start (held unordered too long)");
  observer_rejected_ = &registry_.AddGauge("creditd_observer_rejected_blocks",
                                           "Fetched blocks refused (bad certificate or state mismatch)");
  forwarded_dropped_ = &registry_.AddCounter(
      "creditd_forwarded_dropped_total", "Forwarded transactions dropped because the verify queue was full");
  client_refused_ = &registry_.AddCounter(
      "creditd_client_refused_total",
      "Client transactions refused (429 mempool_full) because the backlog was over its limit");
  attestations_signed_ = &registry_.AddCounter("creditd_attestations_signed_total",
                                               "Signature attestations this validator signed");
  attestations_accepted_ = &registry_.AddCounter(
      "creditd_attestations_accepted_total", "Signature attestations received from validators and accepted");
  attestations_refused_ =
      &registry_.AddCounter("creditd_attestations_refused_total",
                            "Signature attestations refused (wrong validator, malformed, bad signature)");
  signatures_vouched_ = &registry_.AddCounter(
      "creditd_signatures_vouched_total",
      "Client signatures taken as checked on f+1 validators' attestations instead of checked here");
  client_backlog_limit_ =
      &registry_.AddGauge("creditd_client_backlog_limit",
                          "Pending transactions above which clients are refused (mempool.max_wait_ms)");
  commit_rate_ =
      &registry_.AddGauge("creditd_commit_rate", "Committed transactions per second, recent window");
  // Brought up to the process-wide counts (crypto/keys.h) at each scrape.
  signs_ = &registry_.AddCounter("creditd_ed25519_signs_total", "Ed25519 signatures this process made");
  verifies_ =
      &registry_.AddCounter("creditd_ed25519_verifies_total", "Ed25519 signatures this process checked");
  driver_stages_ =
      &registry_.AddHistogramFamily("creditd_driver_stage_seconds",
                                    "Consensus driver thread time per stage (step, persist, execute, append)",
                                    {"stage"}, metrics::LatencyBuckets());
  http_ = std::make_unique<http::HttpMetrics>(registry_);
}

void NodeMetrics::OnCommitted(size_t txs, size_t rejected, const std::vector<double>& waited) {
  committed_blocks_->Inc();
  committed_txs_->Inc(txs);
  rejected_txs_->Inc(rejected);
  for (double w : waited) commit_latency_->Observe(w);
}

void NodeMetrics::OnDriverStage(const char* stage, double seconds) {
  driver_stages_->WithLabels({stage}).Observe(seconds);
}

std::string NodeMetrics::Render(const Snapshot& s, const p2p::TransportStats& tstats) {
  height_->Set(static_cast<double>(s.height));
  view_->Set(static_cast<double>(s.view));
  if (s.participating) {
    validators_in_view_->Set(static_cast<double>(s.validators_in_view));
    participating_->Set(*s.participating ? 1 : 0);
  }
  dropped_msgs_->Set(static_cast<double>(s.dropped_messages));
  relayed_requests_->Set(static_cast<double>(s.relayed_requests));
  mempool_->Set(static_cast<double>(s.mempool_transactions));
  mempool_bytes_->Set(static_cast<double>(s.mempool_bytes));
  observer_rejected_->Set(static_cast<double>(s.observer_rejected_blocks));
  peers_->Set(static_cast<double>(s.peers_connected));
  client_backlog_limit_->Set(static_cast<double>(s.client_backlog_limit));
  commit_rate_->Set(s.commit_rate);
  {
    std::lock_guard<std::mutex> lock(signature_counts_mu_);
    const crypto::SignatureCounts sig = crypto::ProcessSignatureCounts();
    signs_->Inc(sig.signs - signs_->Value());
    verifies_->Inc(sig.verifies - verifies_->Value());
  }
  std::string text = registry_.Render();
  // Links refused before the remote proved a known identity, and ended links, by reason.
  auto family = [&text](const char* name, const char* help, auto count_of) {
    text += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " counter\n";
    for (size_t r = 0; r < p2p::kDisconnectReasonCount; ++r) {
      const uint64_t n = count_of(r);
      if (n == 0) continue;
      text += std::string(name) + "{reason=\"" +
              std::string(p2p::DisconnectReasonName(static_cast<p2p::DisconnectReason>(r))) + "\"} " +
              std::to_string(n) + "\n";
    }
  };
  family("creditd_p2p_refused_total", "Inbound connections refused before authentication, by reason",
         [&](size_t r) { return tstats.refused[r]; });
  family("creditd_p2p_disconnects_total", "Ended links and failed dials, by reason", [&](size_t r) {
    uint64_t total = 0;
    for (const auto& ps : tstats.peers) total += ps.disconnects[r];
    return total;
  });
  text += http::RenderProcessMetrics();
  return text;
}

}  // namespace cc::node
