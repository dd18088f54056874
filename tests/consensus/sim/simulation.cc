#include "tests/consensus/sim/simulation.h"

#include <algorithm>
#include <cinttypes>
#include <cstdarg>
#include <cstdio>

#include "proto/canonical.h"
#include "tests/consensus/sim/sim_driver.h"

namespace cc::sim {

namespace internal {

namespace {
std::vector<std::string> PublicKeys(const std::vector<crypto::KeyPair>& keys) {
  std::vector<std::string> out;
  for (const auto& k : keys) out.push_back(k.public_key());
  return out;
}
}  // namespace

Simulation::Simulation(const ScenarioConfig& config)
    : config_(config),
      f_((config.n - 1) / 3),
      rng_(config.seed * 0x9E3779B97F4A7C15ull + 1),
      misc_rng_(rng_.Fork()),
      byz_rng_(rng_.Fork()),
      keys_(MakeValidatorKeys(config.seed, config.n)),
      public_keys_(PublicKeys(keys_)),
      checker_verifier_(public_keys_, config.verify_cache ? &cache_ : nullptr),
      checker_(kChainId, config.n, checker_verifier_, config.check_certificates,
               4ull * config.watermark_window),
      network_(config.n, rng_),
      nodes_(config.n) {
  crash_target_.resize(config_.crashes.size());
  network_.set_faults(config_.faults);
  network_.set_gst(config_.gst);
  for (const auto& p : config_.partitions) network_.AddPartition(p.start, p.end, p.group_of);
  for (const auto& b : config_.link_blocks) network_.AddBlock(b);

  for (uint32_t r = 0; r < config_.n; ++r) {
    Node& node = nodes_[r];
    node.signer = std::make_unique<SimSigner>(keys_[r]);
    node.verifier = std::make_unique<SimVerifier>(public_keys_, config_.verify_cache ? &cache_ : nullptr);
    node.summary.byzantine = config_.byzantine.count(r) > 0;
  }

  uint64_t last_submit = 0;
  for (uint32_t i = 0; i < config_.requests + config_.late_requests; ++i) {
    const bool late = i >= config_.requests;
    ClientRequest req;
    req.bytes = "sim-request|" + std::to_string(config_.seed) + "|" + std::to_string(i) + "|";
    while (req.bytes.size() < config_.request_bytes) {
      req.bytes.push_back(static_cast<char>(misc_rng_.Next()));
    }
    req.id = proto::TxId(req.bytes);
    req.submit_at = late ? misc_rng_.Uniform(config_.late_from, config_.late_until)
                         : misc_rng_.Uniform(config_.submit_from, config_.submit_until);
    last_submit = std::max(last_submit, req.submit_at);
    switch (config_.submit_to) {
      case SubmitTo::kAll:
        for (uint32_t r = 0; r < config_.n; ++r) req.targets.push_back(r);
        break;
      case SubmitTo::kRandomSubset:
        for (uint32_t r = 0; r < config_.n; ++r) {
          if (misc_rng_.Chance(0.5)) req.targets.push_back(r);
        }
        if (req.targets.empty()) {
          req.targets.push_back(static_cast<uint32_t>(misc_rng_.Uniform(0, config_.n - 1)));
        }
        break;
      case SubmitTo::kOneReplica:
        req.targets.push_back(static_cast<uint32_t>(misc_rng_.Uniform(0, config_.n - 1)));
        break;
      case SubmitTo::kOneBackup:
        req.targets.push_back(static_cast<uint32_t>(misc_rng_.Uniform(1, config_.n - 1)));
        break;
    }
    AddRequest(std::move(req));
  }
  liveness_deadline_ = std::max(config_.gst, last_submit) + config_.liveness_bound;

  std::set<std::string> withheld;
  for (uint32_t i : config_.withheld_requests) {
    if (i < requests_.size()) withheld.insert(requests_[i].id);
  }
  byzantine_flags_.assign(config_.n, false);
  for (const auto& [r, kind] : config_.byzantine) {
    checker_.MarkByzantine(r);
    byzantine_flags_[r] = true;
    switch (kind) {
      case ByzantineKind::kEquivocatingPrimary:
        nodes_[r].byzantine =
            MakeEquivocatingPrimary(false, {config_.equivocation_alt_group, config_.equivocation_witness});
        break;
      case ByzantineKind::kColludingEquivocator:
        nodes_[r].byzantine =
            MakeEquivocatingPrimary(true, {config_.equivocation_alt_group, config_.equivocation_witness});
        break;
      case ByzantineKind::kWrongDigestVoter:
        nodes_[r].byzantine = MakeWrongDigestVoter(config_.byzantine_rate);
        break;
      case ByzantineKind::kReplayer:
        nodes_[r].byzantine = MakeReplayer(config_.byzantine_rate);
        break;
      case ByzantineKind::kSilent:
        nodes_[r].byzantine = MakeSilent();
        break;
      case ByzantineKind::kWithholdingPrimary:
        nodes_[r].byzantine = MakeWithholdingPrimary(withheld);
        break;
    }
  }
  for (uint32_t r = 0; r < config_.n; ++r) Start(r);
}

consensus::Config Simulation::ConfigFor(uint32_t r) const {
  consensus::Config c;
  c.chain_id = kChainId;
  c.n = config_.n;
  c.self = r;
  c.checkpoint_interval = config_.checkpoint_interval;
  c.watermark_window = config_.watermark_window;
  c.max_inflight = config_.max_inflight;
  c.max_batch_requests = config_.max_batch_requests;
  c.batch_timeout_ticks = config_.batch_timeout_ticks;
  c.view_change_timeout_ticks = config_.view_change_timeout_ticks;
  c.test_only_commit_quorum_2f = config_.honest_commit_quorum_2f && honest(r);
  return c;
}

void Simulation::Trace(const char* fmt, ...) const {
  if (!config_.trace) return;
  std::fprintf(stderr, "t=%-5" PRIu64 " ", now_);
  va_list args;
  va_start(args, fmt);
  std::vfprintf(stderr, fmt, args);
  va_end(args);
  std::fputc('\n', stderr);
}

void Simulation::Start(uint32_t r) {
  Node& node = nodes_[r];
  consensus::RestoreState restore;
  restore.last_executed = node.ledger.height();
  restore.last_state_digest = node.ledger.tip_hash();
  restore.last_executed_timestamp_ms = node.ledger.tip_timestamp_ms();
  restore.records = node.persisted;
  // Ids of the last 4L blocks (as a ledger would read them), so duplicate detection
  // after the restart matches the peers'.
  const uint64_t keep = std::min<uint64_t>(node.ledger.height(), 4ull * config_.watermark_window);
  for (uint64_t h = node.ledger.height() - keep + 1; h <= node.ledger.height(); ++h) {
    restore.recent_request_ids.push_back(node.ledger.at(h).ids);
  }
  if (node.incarnation > 0) {
    ++node.summary.restarts;
    Trace("r%u restarts at height %" PRIu64 " with %zu records", r, restore.last_executed,
          restore.records.size());
  }
  node.replica =
      std::make_unique<consensus::Replica>(ConfigFor(r), *node.signer, *node.verifier, std::move(restore));
  ++node.incarnation;
  node.exec_ready_at = now_;
}

void Simulation::Crash(uint32_t r, const char* why) {
  Node& node = nodes_[r];
  if (!node.replica) return;
  Trace("r%u CRASH (%s)", r, why);
  node.replica.reset();
  node.torn_armed = false;
}

void Simulation::Deliver(Envelope e) {
  Node& node = nodes_[e.to];
  if (!node.replica) return;  // lost: the node is down
  if (e.kind == Envelope::Kind::kExecuted && e.incarnation != node.incarnation) return;
  if (e.kind == Envelope::Kind::kStatus) return OnStatus(e);
  if (e.kind == Envelope::Kind::kMessage && config_.deaf == e.to && now_ >= config_.deaf_from) return;
  Step(e.to, e.event, e.kind);
}

ByzantineContext Simulation::ContextFor(uint32_t r) {
  ByzantineContext ctx;
  ctx.self = r;
  ctx.n = config_.n;
  ctx.now = now_;
  ctx.rng = &byz_rng_;
  ctx.key = &keys_[r];
  static const std::string chain_id = kChainId;
  ctx.chain_id = &chain_id;
  ctx.byzantine = &byzantine_flags_;
  ctx.send = [this, r](std::optional<uint32_t> to, const pb::ConsensusMessage& m) { SendFrom(r, to, m); };
  return ctx;
}

void Simulation::Step(uint32_t r, const consensus::Event& event, Envelope::Kind via) {
  Node& node = nodes_[r];
  if (node.byzantine) {
    ByzantineContext ctx = ContextFor(r);
    if (!node.byzantine->OnReceive(ctx, event)) return;
  }
  if (config_.trace) {
    if (const auto* m = std::get_if<consensus::MessageEvent>(&event)) {
      Trace("r%u <- r%u %s", r, m->from, Describe(m->message).c_str());
    } else if (const auto* q = std::get_if<consensus::RequestEvent>(&event)) {
      Trace("r%u <- client request %s", r, ShortHex(q->id).c_str());
    } else if (const auto* x = std::get_if<consensus::ExecutedEvent>(&event)) {
      Trace("r%u <- executed s%" PRIu64 " %s", r, x->sequence, ShortHex(x->state_digest).c_str());
    } else if (const auto* b = std::get_if<consensus::FetchedEvent>(&event)) {
      Trace("r%u <- fetched %zu blocks from s%" PRIu64, r, b->blocks.size(),
            b->blocks.empty() ? 0 : b->blocks.front().block().header().height());
    }
  }
  ++result_.steps;
  consensus::Output out = node.replica->Step(event);
  HandleOutput(r, std::move(out), via);
}

void Simulation::HandleOutput(uint32_t r, consensus::Output out, Envelope::Kind via) {
  Node& node = nodes_[r];
  // 1. Sync the records before anything leaves.
  for (auto& rec : out.persist) node.persisted.push_back(std::move(rec));
  if (node.torn_armed && !out.persist.empty()) {
    Crash(r, "torn: records synced, messages never sent");
    return;
  }
  // 2. Send.
  for (const auto& m : out.messages) {
    if (config_.trace) {
      Trace("r%u -> %s %s", r, m.to ? ("r" + std::to_string(*m.to)).c_str() : "all",
            Describe(m.message).c_str());
    }
    if (node.byzantine) {
      ByzantineContext ctx = ContextFor(r);
      node.byzantine->OnSend(ctx, m);
    } else {
      SendFrom(r, m.to, m.message);
    }
  }
  // 2b. Relayed client requests go to every other validator, through the same
  // faulty network (as creditd sends them: a transaction frame per validator).
  for (const auto& request : out.relay) {
    ++node.summary.relayed_requests;
    if (!honest(r) || config_.lose_relays) continue;
    Trace("r%u RELAYS client request %s", r, ShortHex(proto::TxId(request)).c_str());
    for (uint32_t t = 0; t < config_.n; ++t) {
      if (t != r) network_.Relay(now_, r, t, consensus::RequestEvent{request, proto::TxId(request)});
    }
  }
  // 3. Check, execute, report back.
  for (const auto& c : out.committed) {
    Trace("r%u COMMITS s%" PRIu64 " d=%s %d req%s", r, c.sequence, ShortHex(c.certificate.digest()).c_str(),
          c.batch.requests_size(),
          via == Envelope::Kind::kFetched  ? " (fetched)"
          : via == Envelope::Kind::kSynced ? " (synced)"
                                           : "");
    if (honest(r)) {
      std::string v = checker_.OnCommitted(r, node.ledger.height(), c);
      if (!v.empty()) return Fail(v);
    } else if (c.sequence != node.ledger.height() + 1) {
      continue;  // a Byzantine replica's own chain is its problem
    }
    const ExecutedBlock& block = node.ledger.Execute(c);
    if (honest(r)) {
      std::string v = checker_.OnExecuted(r, block);
      if (!v.empty()) return Fail(v);
      const std::vector<std::string> ids = proto::TxIds(c.batch);
      for (uint32_t i = 0; i < ids.size(); ++i) {
        if (std::find(c.duplicates.begin(), c.duplicates.end(), i) != c.duplicates.end()) continue;
        auto it = request_index_.find(ids[i]);
        if (it == request_index_.end()) continue;
        ++requests_[it->second].acks;
        ++node.summary.committed_requests;
      }
    }
    if (honest(r) && participation_since_ && via == Envelope::Kind::kMessage &&
        c.sequence > node.participation_floor) {
      for (const auto& sig : c.certificate.signatures()) {
        if (sig.validator() != r) continue;
        if (node.summary.own_votes_committed++ == 0) node.summary.voted_again_at = now_;
        break;
      }
    }
    if (via == Envelope::Kind::kFetched) ++node.summary.fetched_commits;
    if (via == Envelope::Kind::kSynced) ++node.summary.synced_commits;
    Envelope e;
    e.time = std::max(node.exec_ready_at, now_ + misc_rng_.Uniform(0, config_.max_execution_lag));
    node.exec_ready_at = e.time;
    e.kind = Envelope::Kind::kExecuted;
    e.to = r;
    e.incarnation = node.incarnation;
    e.event = consensus::ExecutedEvent{c.sequence, block.hash};
    network_.Schedule(std::move(e));
  }
  // 4. Block sync.
  if (out.fetch) {
    ++node.summary.fetch_requests;
    Trace("r%u FETCH s%" PRIu64 "..s%" PRIu64, r, out.fetch->from_sequence, out.fetch->to_sequence);
    ServeFetch(r, *out.fetch);
  }
  // 5. Evidence.
  for (const auto& ev : out.evidence) {
    ++node.summary.evidence;
    Trace("r%u EVIDENCE against r%u v%" PRIu64 " s%" PRIu64, r, ev.replica(), ev.view(), ev.sequence());
    if (honest(r)) {
      std::string v = checker_.OnEvidence(r, ev);
      if (!v.empty()) return Fail(v);
    }
  }
  if (out.stable_checkpoint) {
    node.summary.stable_checkpoint = std::max(node.summary.stable_checkpoint, *out.stable_checkpoint);
    if (config_.prune_records) PruneRecords(node, *out.stable_checkpoint);
  }
}

void Simulation::SendFrom(uint32_t from, std::optional<uint32_t> to, const pb::ConsensusMessage& m) {
  if (to) {
    if (*to != from && *to < config_.n) network_.Send(now_, from, *to, m);
    return;
  }
  for (uint32_t t = 0; t < config_.n; ++t) {
    if (t != from) network_.Send(now_, from, t, m);
  }
}

void Simulation::RecordGst() {
  for (Node& node : nodes_) {
    node.summary.height_at_gst = node.ledger.height();
    node.summary.stable_at_gst = node.replica ? node.replica->stats().stable_checkpoint : 0;
  }
}

void Simulation::Fail(const std::string& what) {
  if (failed_) return;
  failed_ = true;
  result_.ok = false;
  result_.violation = what;
  result_.tick = now_;
  Trace("VIOLATION: %s", what.c_str());
}

RunResult Simulation::Run() {
  uint64_t live_since = 0;
  bool live = false;
  std::vector<uint32_t> order(config_.n);
  for (uint32_t r = 0; r < config_.n; ++r) order[r] = r;
  for (now_ = 0; !failed_; ++now_) {
    ApplyCrashPlans();
    SubmitRequests();
    AnnounceStatus();
    for (uint32_t r = 0; r < config_.n; ++r) {
      if (nodes_[r].byzantine && nodes_[r].replica) {
        ByzantineContext ctx = ContextFor(r);
        nodes_[r].byzantine->OnTick(ctx);
      }
    }
    Envelope e;
    while (!failed_ && network_.PopDue(now_, &e)) Deliver(std::move(e));
    misc_rng_.Shuffle(order);
    for (uint32_t r : order) {
      auto rate = config_.clock_rate.find(r);
      const uint32_t ticks = rate == config_.clock_rate.end() ? 1 : rate->second;
      for (uint32_t i = 0; i < ticks && !failed_ && nodes_[r].replica; ++i) {
        Step(r, consensus::TickEvent{now_ms()}, Envelope::Kind::kMessage);
      }
    }
    if (failed_) break;
    if (now_ == config_.gst) RecordGst();
    if (!live && now_ >= config_.gst && AllCommitted()) {
      live = true;
      live_since = now_;
      result_.live_at = now_;
      if (config_.check_participation) BeginParticipation();
    }
    if (participation_since_) {
      if (AllParticipating()) {
        result_.participating_at = now_;
        participation_since_.reset();
        live_since = now_;
      } else if (now_ >= *participation_since_ + config_.participation_bound) {
        Fail(ParticipationReport());
        break;
      } else if ((now_ - *participation_since_) % config_.probe_interval_ticks == 0) {
        SendProbe();
      }
    }
    if (live && !participation_since_ && now_ >= live_since + config_.settle_ticks) break;
    if (config_.check_liveness && !live && now_ >= liveness_deadline_) {
      Fail(LivenessReport());
      break;
    }
    if (!config_.check_liveness && now_ >= config_.max_ticks) break;
  }
  if (!failed_) result_.tick = now_;
  for (uint32_t r = 0; r < config_.n; ++r) {
    Node& node = nodes_[r];
    node.summary.height = node.ledger.height();
    if (node.replica) {
      const consensus::Stats st = node.replica->stats();
      node.summary.view = st.view;
      node.summary.view_changes = st.view_changes;
      node.summary.in_view_change = st.in_view_change;
      node.summary.stable_checkpoint = std::max(node.summary.stable_checkpoint, st.stable_checkpoint);
    }
    node.summary.equivocated = node.byzantine && node.byzantine->equivocated();
    if (honest(r) == false) result_.evidence_against[r] = checker_.evidence_against(r);
    result_.signatures += node.signer->signatures();
    result_.verifications += config_.verify_cache ? 0 : node.verifier->verifications();
    result_.replicas.push_back(node.summary);
  }
  if (config_.verify_cache) result_.verifications = cache_.verifications();
  result_.messages_sent = network_.counters().sent;
  for (uint32_t r = 0; r < config_.n; ++r) {
    if (honest(r)) {
      result_.committed_requests = std::max(result_.committed_requests, nodes_[r].summary.committed_requests);
    }
  }
  return result_;
}

}  // namespace internal

const char* ToString(ByzantineKind kind) {
  switch (kind) {
    case ByzantineKind::kEquivocatingPrimary:
      return "equivocating-primary";
    case ByzantineKind::kColludingEquivocator:
      return "colluding-equivocator";
    case ByzantineKind::kWrongDigestVoter:
      return "wrong-digest-voter";
    case ByzantineKind::kReplayer:
      return "replayer";
    case ByzantineKind::kSilent:
      return "silent";
    case ByzantineKind::kWithholdingPrimary:
      return "withholding-primary";
  }
  return "?";
}

RunResult RunSimulation(const ScenarioConfig& config) {
  internal::Simulation sim(config);
  return sim.Run();
}

}  // namespace cc::sim
