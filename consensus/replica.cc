// Replica: construction, restore, event dispatch and the signing guard. See
// replica_impl.h for how the protocol is split over files.
#include <algorithm>
#include <cstdlib>

#include "consensus/replica_impl.h"
#include "proto/canonical.h"

namespace cc::consensus {

namespace {

constexpr size_t kMaxPendingRequests = 100000;
// Timers double per failed view, up to 16x: beyond that a replica that moved ahead
// alone (partitioned) would leave the others waiting minutes to catch up with it.
constexpr uint32_t kMaxTimeoutDoublings = 4;

void CheckConfig(const Config& c) {
  // Configuration comes from the operator's validated config file; a bad one here
  // is a programming error.
  if (c.n == 0 || c.self >= c.n || c.checkpoint_interval == 0 || c.watermark_window == 0 ||
      c.watermark_window % c.checkpoint_interval != 0 || c.max_inflight == 0 || c.max_batch_requests == 0 ||
      c.max_batch_bytes == 0 || c.view_change_timeout_ticks == 0) {
    std::abort();
  }
}

ViewRules RulesOf(const Config& c) { return ViewRules{c.n, c.checkpoint_interval, c.watermark_window}; }

}  // namespace

Replica::Impl::Impl(Config config, Signer& signer, Verifier& verifier, RestoreState restore)
    : config_((CheckConfig(config), std::move(config))),
      auth_(config_.chain_id, config_.n, config_.self, signer, verifier),
      rules_(RulesOf(config_)),
      log_(config_.watermark_window),
      checkpoints_(config_.n, QuorumSize(config_.n),
                   config_.watermark_window / config_.checkpoint_interval + 2),
      requests_(kMaxPendingRequests),
      delivered_(4ull * config_.watermark_window),
      // Timeouts and peers' views are re-sent every retransmission period while
      // they hold; eight periods without one and it no longer counts.
      timeouts_(config_.n, 2ull * config_.view_change_timeout_ticks),
      peer_views_(config_.n, 2ull * config_.view_change_timeout_ticks) {
  Restore(std::move(restore));
}

uint64_t Replica::Impl::TimeoutTicks() const {
  // The request timer of an active view doubles with each view change since the
  // last commit; the timer of a view change in progress with each before it.
  uint32_t doublings = in_view_change_ ? (failed_views_ > 0 ? failed_views_ - 1 : 0) : failed_views_;
  doublings = std::min(doublings, kMaxTimeoutDoublings);
  // Another replica already asks for a higher view: this one is not where the
  // others will meet, so do not wait long in it (at most one doubling).
  if (doublings > 1 && HigherViewRequested()) doublings = 1;
  return static_cast<uint64_t>(config_.view_change_timeout_ticks) << doublings;
}

bool Replica::Impl::HigherViewRequested() const {
  for (auto it = view_changes_.upper_bound(view_); it != view_changes_.end(); ++it) {
    for (const auto& [replica, vc] : it->second) {
      if (replica != config_.self) return true;
    }
  }
  return false;
}

uint64_t Replica::Impl::RetransmitTicks() const {
  return std::max<uint64_t>(1, config_.view_change_timeout_ticks / 4);
}

size_t Replica::Impl::MaxMessageBytes(const pb::ConsensusMessage& m) const {
  // Generous structural bounds: a signed vote is < 256 bytes; a batch is bounded by
  // the batch limits plus per-request framing.
  const size_t vote = 256;
  const size_t batch = size_t{config_.max_batch_bytes} + size_t{config_.max_batch_requests} * 8 + 64;
  const size_t view_change =
      1024 + (config_.n + 1) * vote + size_t{config_.watermark_window} * (config_.n + 2) * vote;
  switch (m.kind_case()) {
    case pb::ConsensusMessage::kPreprepare:
    case pb::ConsensusMessage::kBatchReply:
      return batch + vote;
    case pb::ConsensusMessage::kViewChange:
      return view_change;
    case pb::ConsensusMessage::kTimeoutCertificate:
      return 1024 + size_t{config_.n} * vote;
    case pb::ConsensusMessage::kNewView:
      return config_.n * view_change + size_t{config_.watermark_window} * vote + 1024;
    default:
      return 4096;
  }
}

void Replica::Impl::PersistSent(const pb::ConsensusMessage& m) {
  pb::ReplicaRecord r;
  *r.mutable_sent() = m;
  Persist(std::move(r));
}

void Replica::Impl::Send(pb::ConsensusMessage m, std::optional<uint32_t> to) {
  if (to && *to == config_.self) return;
  if (config_.n == 1 && !to) return;
  out_.messages.push_back(Outbound{to, std::move(m)});
}

const pb::ConsensusMessage* Replica::Impl::FindSigned(Kind kind, uint64_t view, uint64_t sequence) const {
  auto it = signed_.find(SignedKey{sequence, view, static_cast<int>(kind)});
  return it == signed_.end() ? nullptr : &it->second;
}

std::optional<pb::ConsensusMessage> Replica::Impl::SignVote(Kind kind, uint64_t view, uint64_t sequence,
                                                            const std::string& digest, bool* fresh) {
  *fresh = false;
  SignedKey key{sequence, view, static_cast<int>(kind)};
  auto it = signed_.find(key);
  if (it != signed_.end()) {
    const pb::ConsensusMessage& m = it->second;
    const std::string& d = m.has_preprepare() ? m.preprepare().digest()
                           : m.has_prepare()  ? m.prepare().digest()
                                              : m.commit().digest();
    if (d != digest) return std::nullopt;
    return m;  // already signed and persisted; re-sending it is safe
  }
  pb::ConsensusMessage m;
  switch (kind) {
    case Kind::kPrePrepare:
      *m.mutable_preprepare() = auth_.SignPrePrepare(view, sequence, digest);
      break;
    case Kind::kPrepare:
      *m.mutable_prepare() = auth_.SignPrepare(view, sequence, digest);
      break;
    case Kind::kCommit:
      *m.mutable_commit() = auth_.SignCommit(view, sequence, digest);
      break;
  }
  signed_.emplace(key, m);
  *fresh = true;
  return m;
}

void Replica::Impl::Observe(const pb::ConsensusMessage& vote) {
  if (auto ev = equivocation_.Observe(vote)) out_.evidence.push_back(std::move(*ev));
}

// ---------------------------------------------------------------- restore

void Replica::Impl::Restore(RestoreState restore) {
  last_executed_ = last_committed_ = restore.last_executed;
  last_committed_ts_ = restore.last_executed_timestamp_ms;
  next_sequence_ = last_committed_ + 1;
  // The stable checkpoint's proof is not among the records (unless a VIEW-CHANGE
  // carries one): the window starts at the last checkpoint this replica executed,
  // and peers' checkpoints prove a stable checkpoint again (RequestCheckpoints).
  // Records the driver discarded are all at or below last_executed, where this
  // replica never signs anything again, so they cannot be contradicted.
  uint64_t k = config_.checkpoint_interval;
  log_.AdvanceLow(last_executed_ / k * k);
  reported_stable_ = log_.low();

  // Ids of the recent blocks, for duplicate detection identical to peers'.
  size_t have = restore.recent_request_ids.size();
  size_t use = std::min<size_t>({have, delivered_.window(), static_cast<size_t>(last_executed_)});
  for (size_t i = have - use; i < have; ++i) {
    uint64_t seq = last_executed_ - (have - 1 - i);
    delivered_.Record(seq, restore.recent_request_ids[i]);
  }

  uint64_t max_view = 0;
  for (auto& record : restore.records) {
    switch (record.kind_case()) {
      case pb::ReplicaRecord::kEnteredView:
        max_view = std::max(max_view, record.entered_view());
        break;
      case pb::ReplicaRecord::kPrepared: {
        const pb::PreparedProof& p = record.prepared();
        uint64_t seq = p.preprepare().sequence();
        auto it = prepared_proofs_.find(seq);
        if (it == prepared_proofs_.end() || it->second.preprepare().view() < p.preprepare().view()) {
          prepared_proofs_[seq] = p;
        }
        max_view = std::max(max_view, p.preprepare().view());
        break;
      }
      case pb::ReplicaRecord::kSent: {
        pb::ConsensusMessage& m = *record.mutable_sent();
        if (m.has_preprepare()) {
          pb::PrePrepare& pp = *m.mutable_preprepare();
          if (pp.has_batch()) bodies_.Put(pp.digest(), pp.batch(), pp.sequence());
          pp.clear_batch();
          if (pp.replica() != config_.self) {  // a primary's pre-prepare we accepted
            accepted_[{pp.sequence(), pp.view()}] = pp;
            break;
          }
          signed_[SignedKey{pp.sequence(), pp.view(), int(Kind::kPrePrepare)}] = m;
          max_view = std::max(max_view, pp.view());
        } else if (m.has_prepare()) {
          signed_[SignedKey{m.prepare().sequence(), m.prepare().view(), int(Kind::kPrepare)}] = m;
          max_view = std::max(max_view, m.prepare().view());
        } else if (m.has_commit()) {
          signed_[SignedKey{m.commit().sequence(), m.commit().view(), int(Kind::kCommit)}] = m;
          max_view = std::max(max_view, m.commit().view());
        } else if (m.has_checkpoint()) {
          my_checkpoints_[m.checkpoint().sequence()] = m.checkpoint();
        } else if (m.has_view_change()) {
          my_view_changes_[m.view_change().new_view()] = m.view_change();
          max_view = std::max(max_view, m.view_change().new_view());
        } else if (m.has_new_view()) {
          const pb::NewView& nv = m.new_view();
          for (const auto& pp : nv.preprepares()) {
            pb::ConsensusMessage vote;
            *vote.mutable_preprepare() = pp;
            signed_[SignedKey{pp.sequence(), pp.view(), int(Kind::kPrePrepare)}] = vote;
          }
          if (!current_new_view_ || current_new_view_->view() < nv.view()) current_new_view_ = nv;
          max_view = std::max(max_view, nv.view());
        }
        break;
      }
      case pb::ReplicaRecord::kTimeoutCertificate:
        if (!entry_certificate_ || entry_certificate_->view() < record.timeout_certificate().view()) {
          entry_certificate_ = record.timeout_certificate();
        }
        break;
      case pb::ReplicaRecord::KIND_NOT_SET:
        break;
    }
  }
  // Best stable checkpoint proof we still hold: those our own VIEW-CHANGE and
  // NEW-VIEW records carry (records at or below it may be gone).
  auto consider = [this](const pb::ViewChange& vc) {
    if (vc.stable_sequence() <= stable_.sequence) return;
    stable_.sequence = vc.stable_sequence();
    stable_.digest = vc.stable_digest();
    stable_.proof.assign(vc.checkpoint_proof().begin(), vc.checkpoint_proof().end());
  };
  for (const auto& [v, vc] : my_view_changes_) consider(vc);
  if (current_new_view_) {
    for (const auto& vc : current_new_view_->view_changes()) consider(vc);
  }
  checkpoints_.Forget(stable_.sequence);
  my_checkpoints_.erase(my_checkpoints_.begin(), my_checkpoints_.lower_bound(log_.low()));
  // The tip's checkpoint, if the tip is one, can be signed again from the restore
  // state (same bytes as before: Ed25519 is deterministic), should its record be gone.
  bool resigned = false;
  if (last_executed_ > 0 && last_executed_ % k == 0 && !my_checkpoints_.count(last_executed_) &&
      !restore.last_state_digest.empty()) {
    my_checkpoints_[last_executed_] = auth_.SignCheckpoint(last_executed_, restore.last_state_digest);
    resigned = true;
  }
  for (const auto& [seq, cp] : my_checkpoints_) (void)checkpoints_.Add(cp);
  view_change_floor_ = log_.low();

  view_ = max_view;
  views_entered_ = view_;  // a lower bound: earlier views left no trace
  if (current_new_view_ && current_new_view_->view() != view_) current_new_view_.reset();
  out_ = Output{};
  if (resigned) {
    pb::ConsensusMessage m;
    *m.mutable_checkpoint() = my_checkpoints_[last_executed_];
    PersistSent(m);
  }
  if (view_ == 0 || current_new_view_) {
    RestoreActiveView();
  } else {
    // We do not know whether view_ ever started here: wait for its NEW-VIEW. Re-send
    // the VIEW-CHANGE we signed for it, or sign one now (we never did for this view)
    // once a stable checkpoint covers what the records may have lost.
    in_view_change_ = true;
    failed_views_ = 1;
    view_change_timer_start_ = tick_;
    SendViewChange();
  }
  if (stable_.sequence < view_change_floor_ && !view_change_pending_) RequestCheckpoints();
  startup_ = std::move(out_);
  out_ = Output{};
}

void Replica::Impl::RestoreActiveView() {
  // Rebuild the slots of view_ from what this replica signed and the prepared
  // certificates it formed; peers' votes arrive again by retransmission.
  if (current_new_view_ && PrimaryOf(view_) == config_.self) {
    const pb::NewView& nv = *current_new_view_;
    uint64_t max_s = 0;
    for (const auto& pp : nv.preprepares()) max_s = std::max(max_s, pp.sequence());
    next_sequence_ = std::max(next_sequence_, max_s + 1);
    for (const auto& pp : nv.preprepares()) {
      if (pp.digest() == NullBatchDigest()) bodies_.Put(pp.digest(), NullBatch(), pp.sequence());
    }
  }
  // Sequences executed already get their slot back too (marked committed), so the
  // votes we gave can still help a peer that missed them (ReplyCatchUp).
  for (const auto& [key, m] : signed_) {
    auto [seq, view, kind] = key;
    if (view != view_ || !log_.InWindow(seq)) continue;
    Slot& slot = log_.At(seq, view_);
    if (seq <= last_committed_) slot.committed = true;
    if (kind == int(Kind::kPrePrepare)) {
      slot.preprepare = m.preprepare();
      next_sequence_ = std::max(next_sequence_, seq + 1);
    } else if (kind == int(Kind::kPrepare)) {
      slot.my_prepare = m.prepare();
      (void)slot.prepares.Add(config_.self, m.prepare().digest(), m.prepare().signature());
    } else {
      slot.my_commit = m.commit();
      (void)slot.commits.Add(config_.self, m.commit().digest(), m.commit().signature());
    }
  }
  for (const auto& [key, pp] : accepted_) {
    auto [seq, view] = key;
    if (view != view_ || !log_.InWindow(seq)) continue;
    Slot& slot = log_.At(seq, view_);
    if (seq <= last_committed_) slot.committed = true;
    if (!slot.preprepare) slot.preprepare = pp;
  }
  accepted_.clear();
  for (const auto& [seq, proof] : prepared_proofs_) {
    if (proof.preprepare().view() != view_ || !log_.InWindow(seq) || seq <= last_committed_) continue;
    Slot& slot = log_.At(seq, view_);
    if (!slot.preprepare) slot.preprepare = proof.preprepare();
    if (slot.preprepare->digest() != proof.preprepare().digest()) continue;
    for (const auto& p : proof.prepares()) (void)slot.prepares.Add(p.replica(), p.digest(), p.signature());
    slot.prepared = true;
  }
  for (auto& [seq, slot] : log_.slots()) {
    if (seq > last_committed_) AttachBody(slot, seq);
  }
  in_view_change_ = false;
}

// ---------------------------------------------------------------- dispatch

Output Replica::Impl::Step(const Event& event) {
  out_ = std::move(startup_);
  startup_ = Output{};
  std::visit(
      [this](const auto& ev) {
        using T = std::decay_t<decltype(ev)>;
        if constexpr (std::is_same_v<T, MessageEvent>) {
          OnMessage(ev);
        } else if constexpr (std::is_same_v<T, RequestEvent>) {
          OnRequest(ev);
        } else if constexpr (std::is_same_v<T, TickEvent>) {
          OnTick(ev);
        } else if constexpr (std::is_same_v<T, ExecutedEvent>) {
          OnExecuted(ev);
        } else {
          OnFetched(ev);
        }
      },
      event);
  Output out = std::move(out_);
  out_ = Output{};
  return out;
}

void Replica::Impl::OnMessage(const MessageEvent& ev) {
  const pb::ConsensusMessage& m = ev.message;
  if (ev.from >= config_.n || ev.from == config_.self || m.ByteSizeLong() > MaxMessageBytes(m)) {
    Drop();
    return;
  }
  NotePeerView(ev.from, m);
  switch (m.kind_case()) {
    case pb::ConsensusMessage::kPreprepare:
      OnPrePrepare(ev.from, m.preprepare());
      break;
    case pb::ConsensusMessage::kPrepare:
      OnPrepare(ev.from, m.prepare());
      break;
    case pb::ConsensusMessage::kCommit:
      OnCommit(ev.from, m.commit());
      break;
    case pb::ConsensusMessage::kCheckpoint:
      OnCheckpoint(ev.from, m.checkpoint());
      break;
    case pb::ConsensusMessage::kViewChange:
      OnViewChange(ev.from, m.view_change());
      break;
    case pb::ConsensusMessage::kNewView:
      OnNewView(ev.from, m.new_view());
      break;
    case pb::ConsensusMessage::kBatchFetch:
      OnBatchFetch(ev.from, m.batch_fetch());
      break;
    case pb::ConsensusMessage::kBatchReply:
      OnBatchReply(ev.from, m.batch_reply());
      break;
    case pb::ConsensusMessage::kViewTimeout:
      OnViewTimeout(ev.from, m.view_timeout());
      break;
    case pb::ConsensusMessage::kTimeoutCertificate:
      OnTimeoutCertificate(ev.from, m.timeout_certificate());
      break;
    case pb::ConsensusMessage::kRequest:      // requests enter through RequestEvent,
    case pb::ConsensusMessage::KIND_NOT_SET:  // after the node's admission checks
      Drop();
      break;
  }
}

void Replica::Impl::NotePeerView(uint32_t from, const pb::ConsensusMessage& m) {
  auto shown = ViewShownBy(m);
  if (!shown) return;
  if (*shown <= view_) return;  // only a higher view can make us catch up
  // A higher view may make us catch up, so it must really be the sender's: checked
  // once per peer and view while it stands (the handler may check it again).
  if (peer_views_.Shows(from, *shown, tick_)) {
    MaybeCatchUpView();
    return;
  }
  bool signed_by_sender = false;
  switch (m.kind_case()) {
    case pb::ConsensusMessage::kPreprepare:
      signed_by_sender = m.preprepare().replica() == from && auth_.Verify(m.preprepare());
      break;
    case pb::ConsensusMessage::kPrepare:
      signed_by_sender = m.prepare().replica() == from && auth_.Verify(m.prepare());
      break;
    case pb::ConsensusMessage::kCommit:
      signed_by_sender = m.commit().replica() == from && auth_.Verify(m.commit());
      break;
    case pb::ConsensusMessage::kViewChange:
      signed_by_sender = m.view_change().replica() == from && auth_.VerifySignatureOnly(m.view_change());
      break;
    case pb::ConsensusMessage::kViewTimeout:
      signed_by_sender = m.view_timeout().replica() == from && auth_.Verify(m.view_timeout());
      break;
    default:
      break;  // a NEW-VIEW may be relayed by anyone: it says nothing of the sender
  }
  if (!signed_by_sender) return;
  peer_views_.Note(from, *shown, tick_);
  MaybeCatchUpView();
}

Stats Replica::Impl::stats() const {
  Stats s;
  s.view = view_;
  s.view_changes = views_entered_;
  s.last_committed = last_committed_;
  s.last_executed = last_executed_;
  s.stable_checkpoint = stable_.sequence;
  s.dropped_messages = dropped_;
  s.pending_requests = requests_.size();
  s.in_view_change = in_view_change_;
  s.giving_up = my_timeout_ && my_timeout_->view() == view_;
  s.view_timeouts_sent = timeouts_sent_;
  s.relayed_requests = relayed_;
  return s;
}

// ---------------------------------------------------------------- Replica

const char* ToString(ViewEvent::Kind kind) {
  switch (kind) {
    case ViewEvent::Kind::kGaveUp:
      return "gave up on view";
    case ViewEvent::Kind::kWithdrew:
      return "view makes progress again";
    case ViewEvent::Kind::kViewChangeStarted:
      return "view change started";
    case ViewEvent::Kind::kViewInstalled:
      return "view installed";
  }
  return "?";
}

Replica::Replica(Config config, Signer& signer, Verifier& verifier, RestoreState restore)
    : impl_(std::make_unique<Impl>(std::move(config), signer, verifier, std::move(restore))) {}
Replica::~Replica() = default;
Output Replica::Step(const Event& event) { return impl_->Step(event); }
uint64_t Replica::view() const { return impl_->view(); }
uint32_t Replica::primary() const { return impl_->primary(); }
bool Replica::is_primary() const { return impl_->is_primary(); }
Stats Replica::stats() const { return impl_->stats(); }
const Config& Replica::config() const { return impl_->config(); }

}  // namespace cc::consensus
