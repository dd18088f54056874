// Simulation services: clients, planned crashes, block sync (fetch, status
// announcements, tampered answers), record pruning and the liveness report.
#include <algorithm>
#include <cinttypes>

#include "consensus/record_retention.h"
#include "proto/canonical.h"
#include "tests/consensus/sim/sim_driver.h"

namespace cc::sim::internal {

void Simulation::ApplyCrashPlans() {
  for (size_t i = 0; i < config_.crashes.size(); ++i) {
    const CrashPlan& c = config_.crashes[i];
    if (c.at == now_) {
      const uint32_t r = c.current_primary ? CurrentPrimary() : c.replica;
      if (!nodes_[r].replica) continue;  // already down: this plan does nothing
      crash_target_[i] = r;
      if (c.torn) {
        nodes_[r].torn_armed = true;
      } else {
        Crash(r, c.current_primary ? "planned (the primary)" : "planned");
      }
    }
    if (c.restart_at == now_ && crash_target_[i]) {
      const uint32_t r = *crash_target_[i];
      Crash(r, "torn crash never struck; crashing before the restart");
      Start(r);
    }
  }
}

uint32_t Simulation::CurrentPrimary() const {
  std::map<uint64_t, uint32_t> in_view;
  for (uint32_t r = 0; r < config_.n; ++r) {
    if (honest(r) && nodes_[r].replica) ++in_view[nodes_[r].replica->view()];
  }
  uint64_t view = 0;
  uint32_t most = 0;
  for (const auto& [v, count] : in_view) {
    if (count >= most) {
      most = count;
      view = v;
    }
  }
  return static_cast<uint32_t>(view % config_.n);
}

void Simulation::AddRequest(ClientRequest req) {
  req.next_retry = req.submit_at + config_.client_retry_ticks;
  request_index_[req.id] = requests_.size();
  requests_.push_back(std::move(req));
}

void Simulation::BeginParticipation() {
  participation_since_ = now_;
  for (uint32_t r = 0; r < config_.n; ++r) nodes_[r].participation_floor = nodes_[r].ledger.height();
  SendProbe();
}

void Simulation::SendProbe() {
  ClientRequest req;
  req.bytes = "sim-probe|" + std::to_string(config_.seed) + "|" + std::to_string(probes_++) + "|";
  while (req.bytes.size() < config_.request_bytes) req.bytes.push_back('.');
  req.id = proto::TxId(req.bytes);
  req.submit_at = now_ + 1;
  for (uint32_t r = 0; r < config_.n; ++r) req.targets.push_back(r);
  AddRequest(std::move(req));
}

bool Simulation::AllParticipating() const {
  std::optional<uint64_t> view;
  for (uint32_t r = 0; r < config_.n; ++r) {
    if (!honest(r)) continue;
    const Node& node = nodes_[r];
    if (!node.replica || node.summary.own_votes_committed == 0) return false;
    const consensus::Stats st = node.replica->stats();
    if (st.in_view_change || (view && *view != st.view)) return false;
    view = st.view;
  }
  return true;
}

std::string Simulation::ParticipationReport() const {
  std::string s = "PARTICIPATION: not every honest replica voted again in one view within " +
                  std::to_string(config_.participation_bound) +
                  " ticks of liveness (t=" + std::to_string(result_.live_at) + "):";
  for (uint32_t r = 0; r < config_.n; ++r) {
    const Node& node = nodes_[r];
    s += " [r" + std::to_string(r) + (honest(r) ? "" : " byz");
    if (node.replica) {
      const consensus::Stats st = node.replica->stats();
      s += " view " + std::to_string(st.view) + (st.in_view_change ? " (changing)" : "");
    } else {
      s += " down";
    }
    s += " height " + std::to_string(node.ledger.height()) + " own votes committed " +
         std::to_string(node.summary.own_votes_committed) + " synced " +
         std::to_string(node.summary.synced_commits + node.summary.fetched_commits) + "]";
  }
  return s;
}

void Simulation::SubmitRequests() {
  for (auto& req : requests_) {
    std::vector<uint32_t> targets;
    if (req.submit_at == now_) {
      targets = req.targets;
    } else if (config_.client_retransmits && now_ > req.submit_at && now_ >= req.next_retry &&
               req.acks < f_ + 1) {
      for (uint32_t r = 0; r < config_.n; ++r) targets.push_back(r);  // client retransmission
      req.next_retry = now_ + config_.client_retry_ticks;
    } else if (req.acks >= f_ + 1 && !req.resubmitted) {
      req.resubmitted = true;
      if (misc_rng_.Chance(config_.resubmit_committed)) {
        targets.push_back(static_cast<uint32_t>(misc_rng_.Uniform(0, config_.n - 1)));
      }
    }
    for (uint32_t r : targets) {
      Envelope e;
      e.time = now_ + misc_rng_.Uniform(0, 2);
      e.kind = Envelope::Kind::kRequest;
      e.to = r;
      e.event = consensus::RequestEvent{req.bytes, req.id};
      network_.Schedule(std::move(e));
    }
  }
}

// The driver's rule (consensus/record_retention.h), the same one creditd uses.
void Simulation::PruneRecords(Node& node, uint64_t stable) {
  node.persisted = consensus::RetainedRecords(node.persisted, stable);
}

void Simulation::ServeFetch(uint32_t r, const consensus::FetchRequest& req) {
  if (req.to_sequence < req.from_sequence || req.from_sequence == 0) {
    Trace("r%u fetch request with an empty range ignored", r);
    return;
  }
  // Any live honest peer that has the first block and that r can reach.
  std::vector<uint32_t> servers;
  for (uint32_t s = 0; s < config_.n; ++s) {
    if (s == r || !honest(s) || !nodes_[s].replica) continue;
    if (!network_.Connected(r, s, now_) || !network_.Connected(s, r, now_)) continue;
    if (nodes_[s].ledger.height() >= req.from_sequence) servers.push_back(s);
  }
  if (servers.empty()) {
    Trace("r%u fetch: no reachable peer has s%" PRIu64, r, req.from_sequence);
    return;  // the replica must ask again
  }
  const uint32_t server = servers[misc_rng_.Uniform(0, servers.size() - 1)];
  ServeBlocks(r, server, req.from_sequence, req.to_sequence, Envelope::Kind::kFetched);
}

void Simulation::AnnounceStatus() {
  if (config_.status_interval_ticks == 0 || now_ < config_.status_start_tick) return;
  for (uint32_t s = 0; s < config_.n; ++s) {
    if (!honest(s) || !nodes_[s].replica) continue;
    if ((now_ + s) % config_.status_interval_ticks != 0) continue;  // staggered
    for (uint32_t t = 0; t < config_.n; ++t) {
      if (t == s || !network_.Connected(s, t, now_) || network_.RandomDrop(now_)) continue;
      Envelope e;
      e.time = now_ + network_.Delay();
      e.kind = Envelope::Kind::kStatus;
      e.from = s;
      e.to = t;
      e.height = nodes_[s].ledger.height();
      network_.Schedule(std::move(e));
    }
  }
}

// Node-level block sync (node/block_sync.h): a node that hears of a higher ledger
// asks that peer for the missing blocks, one request at a time, and hands them to
// its replica as an unsolicited Fetched event.
void Simulation::OnStatus(const Envelope& e) {
  Node& node = nodes_[e.to];
  if (!node.replica || e.height <= node.ledger.height() || now_ < node.sync_busy_until) return;
  node.sync_busy_until = now_ + 2 * static_cast<uint64_t>(config_.faults.max_delay) + 2;
  ServeBlocks(e.to, e.from, node.ledger.height() + 1, e.height, Envelope::Kind::kSynced);
}

void Simulation::ServeBlocks(uint32_t r, uint32_t server, uint64_t from, uint64_t to, Envelope::Kind kind) {
  const Node& s = nodes_[server];
  if (!s.replica || s.ledger.height() < from || !network_.Connected(r, server, now_) ||
      !network_.Connected(server, r, now_) || network_.RandomDrop(now_)) {
    Trace("r%u block request to r%u unanswered", r, server);
    return;
  }
  const uint64_t last = std::min({to, s.ledger.height(), from + config_.max_fetch_blocks - 1});
  consensus::FetchedEvent fetched;
  for (uint64_t h = from; h <= last; ++h) fetched.blocks.push_back(s.ledger.at(h).block);
  const uint64_t delay = network_.Delay() + network_.Delay();  // request and reply
  if (misc_rng_.Chance(config_.corrupt_fetch)) {
    // A lying peer answers first.
    consensus::FetchedEvent bad = fetched;
    const size_t i = misc_rng_.Uniform(0, bad.blocks.size() - 1);
    bad.blocks[i] = Tamper(bad.blocks[i]);
    Envelope e;
    e.time = now_ + (delay > 1 ? delay - 1 : 1);
    e.kind = kind;
    e.to = r;
    e.event = std::move(bad);
    network_.Schedule(std::move(e));
  }
  Envelope e;
  e.time = now_ + delay;
  e.kind = kind;
  e.to = r;
  e.event = std::move(fetched);
  network_.Schedule(std::move(e));
}

// A block a lying peer might serve; every variant must be refused.
pb::CertifiedBlock Simulation::Tamper(pb::CertifiedBlock b) {
  pb::Block* block = b.mutable_block();
  pb::CommitCertificate* cert = b.mutable_certificate();
  switch (misc_rng_.Uniform(0, 3)) {
    case 0:  // a transaction swapped: no longer matches the certified digest
      block->add_txs("forged-request-" + std::to_string(misc_rng_.Next()));
      break;
    case 1: {  // batch and header re-digested consistently, signatures left for the old digest
      block->add_txs("forged-request-" + std::to_string(misc_rng_.Next()));
      pb::Batch batch;
      batch.set_timestamp_ms(block->header().timestamp_ms());
      for (const auto& t : block->txs()) batch.add_requests(t);
      const std::string digest = proto::BatchDigestOf(batch);
      block->mutable_header()->set_batch_digest(digest);
      block->mutable_header()->set_tx_count(block->txs_size());
      cert->set_digest(digest);
      break;
    }
    case 2:  // too few signatures
      while (cert->signatures_size() > static_cast<int>(2 * f_)) cert->mutable_signatures()->RemoveLast();
      break;
    default: {  // one signer repeated to look like a quorum
      if (cert->signatures_size() == 0) break;
      const pb::CommitSignature first = cert->signatures(0);
      cert->clear_signatures();
      for (uint32_t i = 0; i < 2 * f_ + 1; ++i) *cert->add_signatures() = first;
      break;
    }
  }
  return b;
}

bool Simulation::AllCommitted() const {
  for (uint32_t r = 0; r < config_.n; ++r) {
    if (honest(r) && nodes_[r].summary.committed_requests < requests_.size()) return false;
  }
  return true;
}

std::string Simulation::LivenessReport() const {
  std::string s = "LIVENESS: not every request committed on every honest replica within " +
                  std::to_string(config_.liveness_bound) + " ticks of GST/last submission:";
  for (uint32_t r = 0; r < config_.n; ++r) {
    const Node& node = nodes_[r];
    s += " [r" + std::to_string(r) + (honest(r) ? "" : " byz") + " committed " +
         std::to_string(node.summary.committed_requests) + "/" + std::to_string(requests_.size()) +
         " height " + std::to_string(node.ledger.height());
    if (node.replica) {
      const consensus::Stats st = node.replica->stats();
      s += " view " + std::to_string(st.view) + (st.in_view_change ? " (changing)" : "") + " pending " +
           std::to_string(st.pending_requests) + " stable " + std::to_string(st.stable_checkpoint);
    } else {
      s += " down";
    }
    s += "]";
  }
  for (const auto& req : requests_) {
    for (uint32_t r = 0; r < config_.n; ++r) {
      if (honest(r) && !checker_.Delivered(r, req.id)) {
        return s + "; e.g. request " + ShortHex(req.id) + " (submitted t=" + std::to_string(req.submit_at) +
               ") missing on r" + std::to_string(r);
      }
    }
  }
  return s;
}

}  // namespace cc::sim::internal
