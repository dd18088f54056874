// Replica, view change: timer expiry, view timeouts and their certificates (the
// only way into a view change), catching up with the quorum's view, VIEW-CHANGE
// collection, NEW-VIEW construction (primary) and validation / installation.
#include <algorithm>
#include <set>

#include "consensus/replica_impl.h"

namespace cc::consensus {

namespace {
// A request held this many request-timer periods (since it arrived, or since the
// view started) triggers a view change even while other batches commit.
constexpr uint64_t kStarvationFactor = 4;
}  // namespace

void Replica::Impl::CheckTimers() {
  if (in_view_change_) {
    if (view_change_timer_start_ && tick_ >= *view_change_timer_start_ + TimeoutTicks()) {
      GiveUpOnView("the view change did not complete in time");
    }
    return;
  }
  const char* reason = nullptr;
  if (request_timer_start_ && tick_ >= *request_timer_start_ + TimeoutTicks()) {
    reason = "request timer expired: nothing committed in time";
  }
  // The request timer restarts on every commit, so a primary that keeps committing
  // other batches while withholding one request would never be replaced. So the
  // oldest request held also has a deadline of its own. It applies only while the
  // backlog fits in one pipeline round: with more queued, an honest primary may
  // legitimately take longer to reach it.
  if (!requests_.empty() && requests_.size() <= uint64_t{config_.max_inflight} * config_.max_batch_requests) {
    uint64_t since = std::max(requests_.OldestTick(), view_started_tick_);
    if (!reason && tick_ >= since + kStarvationFactor * TimeoutTicks()) {
      reason = "a request waited four request timers without being ordered";
    }
  }
  if (reason) {
    GiveUpOnView(reason);
  } else {
    WithdrawTimeout();  // the view makes progress again
  }
}

void Replica::Impl::GiveUpOnView(const char* reason) {
  if (my_timeout_ && my_timeout_->view() == view_) return;
  Note(ViewEvent::Kind::kGaveUp, view_, reason);
  my_timeout_ = auth_.SignViewTimeout(view_);
  ++timeouts_sent_;
  timeouts_.Add(*my_timeout_, tick_);
  pb::ConsensusMessage m;
  *m.mutable_view_timeout() = *my_timeout_;
  Send(std::move(m));
  MaybeFormTimeoutCertificate(view_);
}

void Replica::Impl::WithdrawTimeout() {
  if (!my_timeout_) return;
  Note(ViewEvent::Kind::kWithdrew, my_timeout_->view(), "");
  timeouts_.Withdraw(my_timeout_->view(), config_.self);
  my_timeout_.reset();
}

void Replica::Impl::OnViewTimeout(uint32_t from, const pb::ViewTimeout& t) {
  if (t.replica() != from) {
    Drop();
    return;
  }
  if (t.view() < view_) {
    HelpLaggard(from);  // it gives up on a view we have left: show it the way
    return;
  }
  const pb::ViewTimeout* known = timeouts_.Find(t.view(), from);
  if (known == nullptr || known->signature() != t.signature()) {
    if (!auth_.Verify(t)) {
      Drop();
      return;
    }
  }
  timeouts_.Add(t, tick_);
  // f+1 replicas give up on the view we are in: at least one honest replica timed
  // out here, so join them rather than wait for our own timer (PBFT's f+1 rule,
  // applied to timeouts: it moves no one by itself).
  if (t.view() == view_ && timeouts_.Count(view_, tick_) >= f() + 1) {
    GiveUpOnView("f+1 validators gave up on it");
  }
  MaybeFormTimeoutCertificate(t.view());
}

void Replica::Impl::MaybeFormTimeoutCertificate(uint64_t view) {
  if (view < view_) return;
  auto tc = timeouts_.Certificate(view, quorum(), tick_);
  if (tc) StartViewChange(view + 1, *tc);
}

void Replica::Impl::OnTimeoutCertificate(uint32_t from, const pb::TimeoutCertificate& tc) {
  (void)from;                     // a certificate proves itself, whoever relays it
  if (tc.view() < view_) return;  // we are past the view it gives up on
  Status st = ValidateTimeoutCertificate(auth_, quorum(), tc);
  if (!st.ok()) {
    Drop();
    return;
  }
  StartViewChange(tc.view() + 1, tc);
}

void Replica::Impl::HelpLaggard(uint32_t to) {
  auto last = last_peer_reply_tick_.find(to);
  if (last != last_peer_reply_tick_.end() && tick_ < last->second + RetransmitTicks()) return;
  pb::ConsensusMessage m;
  if (current_new_view_ && current_new_view_->view() == view_) {
    *m.mutable_new_view() = *current_new_view_;
  } else if (entry_certificate_ && entry_certificate_->view() + 1 == view_) {
    *m.mutable_timeout_certificate() = *entry_certificate_;
  } else {
    return;
  }
  last_peer_reply_tick_[to] = tick_;
  Send(std::move(m), to);
}

void Replica::Impl::MaybeCatchUpView() {
  // f+1 peers show higher views: at least one honest replica is there, so ours is
  // behind. Giving up on it is then true; the peers answer a timeout for a view
  // they have left with their NEW-VIEW or their timeout certificate.
  if (peer_views_.CountAbove(view_, tick_) < f() + 1) return;
  if (tick_ < last_catch_up_tick_ + RetransmitTicks() && last_catch_up_tick_ != 0) return;
  last_catch_up_tick_ = tick_;
  if (my_timeout_ && my_timeout_->view() == view_) {
    pb::ConsensusMessage m;
    *m.mutable_view_timeout() = *my_timeout_;
    Send(std::move(m));
    return;
  }
  GiveUpOnView("f+1 validators are in higher views: catching up");
}

void Replica::Impl::EnterView(uint64_t view) {
  view_ = view;
  ++views_entered_;
  pb::ReplicaRecord record;
  record.set_entered_view(view);
  Persist(std::move(record));
}

void Replica::Impl::StartViewChange(uint64_t new_view, const pb::TimeoutCertificate& tc) {
  if (new_view <= view_) return;
  ReleaseAllSlots();
  log_.Clear();
  // The certificate is synced with the view it justifies, so after a restart the
  // replica can still show the others why it is in this view change.
  pb::ReplicaRecord record;
  *record.mutable_timeout_certificate() = tc;
  Persist(std::move(record));
  entry_certificate_ = tc;
  std::string who;
  for (const auto& t : tc.timeouts()) who += (who.empty() ? "" : ",") + std::to_string(t.replica());
  Note(ViewEvent::Kind::kViewChangeStarted, new_view,
       "timeout certificate for view " + std::to_string(tc.view()) + " from validators " + who);
  EnterView(new_view);
  in_view_change_ = true;
  current_new_view_.reset();
  request_timer_start_.reset();
  view_change_timer_start_ = tick_;
  my_timeout_.reset();
  timeouts_.DropBelow(new_view);
  ++failed_views_;

  my_view_changes_.erase(my_view_changes_.begin(), my_view_changes_.lower_bound(new_view));
  pb::ConsensusMessage m;
  *m.mutable_timeout_certificate() = tc;
  Send(std::move(m));
  SendViewChange();
  MaybeMakeNewView();
  MaybeFormTimeoutCertificate(view_);  // the others may have given up on new_view already
}

void Replica::Impl::SendViewChange() {
  auto it = my_view_changes_.find(view_);
  if (it == my_view_changes_.end()) {
    if (stable_.sequence < view_change_floor_) {
      view_change_pending_ = true;
      RequestCheckpoints();
      return;
    }
    pb::ViewChange vc = MakeViewChange(auth_, rules_, view_, stable_, prepared_proofs_);
    pb::ConsensusMessage m;
    *m.mutable_view_change() = vc;
    PersistSent(m);
    it = my_view_changes_.emplace(view_, std::move(vc)).first;
  }
  view_change_pending_ = false;
  pb::ConsensusMessage m;
  *m.mutable_view_change() = it->second;
  Send(std::move(m));
  StoreViewChange(it->second);
}

void Replica::Impl::RequestCheckpoints() {
  // A BatchFetch for sequence 0 (below everyone's window) is answered with the
  // peer's own checkpoints at and above its stable one (see ReplyCatchUp).
  pb::ConsensusMessage m;
  pb::BatchFetch* f = m.mutable_batch_fetch();
  f->set_sequence(0);
  f->set_replica(config_.self);
  Send(std::move(m));
}

Status Replica::Impl::ValidateCachedViewChange(const pb::ViewChange& vc) {
  // A VIEW-CHANGE we validated on receipt is byte-identical inside the NEW-VIEW in
  // the common case; any difference means validating this copy from scratch.
  auto bucket = view_changes_.find(vc.new_view());
  if (bucket != view_changes_.end()) {
    auto it = bucket->second.find(vc.replica());
    if (it != bucket->second.end() && it->second.SerializeAsString() == vc.SerializeAsString()) {
      return Status::Ok();
    }
  }
  return ValidateViewChange(auth_, rules_, vc);
}

void Replica::Impl::StoreViewChange(const pb::ViewChange& vc) {
  view_changes_[vc.new_view()][vc.replica()] = vc;
  // Keep, per replica, its VIEW-CHANGE for view_ and its highest one above view_:
  // a faulty replica cannot fill memory with view changes for many views.
  view_changes_.erase(view_changes_.begin(), view_changes_.lower_bound(view_));
  std::set<uint32_t> seen_above;
  for (auto it = view_changes_.rbegin(); it != view_changes_.rend(); ++it) {
    if (it->first == view_) break;
    for (auto r = it->second.begin(); r != it->second.end();) {
      r = seen_above.insert(r->first).second ? std::next(r) : it->second.erase(r);
    }
  }
  for (auto it = view_changes_.begin(); it != view_changes_.end();) {
    it = it->second.empty() ? view_changes_.erase(it) : std::next(it);
  }
}

void Replica::Impl::OnViewChange(uint32_t from, const pb::ViewChange& vc) {
  if (vc.replica() != from) {
    Drop();
    return;
  }
  uint64_t v = vc.new_view();
  if (v < view_ || (v == view_ && !in_view_change_)) {
    // The sender is behind: the NEW-VIEW that started our view lets it catch up.
    HelpLaggard(from);
    return;
  }
  auto bucket = view_changes_.find(v);
  if (bucket != view_changes_.end() && bucket->second.count(from)) return;  // already have one
  Status st = ValidateViewChange(auth_, rules_, vc);
  if (!st.ok()) {
    Drop();
    return;
  }
  StoreViewChange(vc);
  MaybeMakeNewView();
}

void Replica::Impl::MaybeMakeNewView() {
  if (!in_view_change_ || primary() != config_.self) return;
  auto bucket = view_changes_.find(view_);
  if (bucket == view_changes_.end() || bucket->second.size() < quorum()) return;
  std::vector<pb::ViewChange> vcs;
  for (const auto& [replica, vc] : bucket->second) vcs.push_back(vc);
  NewViewSelection selection = SelectNewView(vcs);
  pb::NewView nv = MakeNewView(auth_, view_, std::move(vcs), selection);
  pb::ConsensusMessage m;
  *m.mutable_new_view() = nv;
  PersistSent(m);
  Send(std::move(m));
  for (const auto& pp : nv.preprepares()) {
    pb::ConsensusMessage vote;
    *vote.mutable_preprepare() = pp;
    signed_[SignedKey{pp.sequence(), pp.view(), int(Kind::kPrePrepare)}] = std::move(vote);
  }
  InstallNewView(nv, selection);
}

void Replica::Impl::OnNewView(uint32_t from, const pb::NewView& nv) {
  // A NEW-VIEW proves itself (the primary's signature over 2f+1 signed VIEW-CHANGEs),
  // so unlike votes it may be relayed: replicas answer a laggard's VIEW-CHANGE with
  // the NEW-VIEW that started their view, which matters once its primary is gone.
  (void)from;
  if (nv.view() < view_ || (nv.view() == view_ && !in_view_change_)) return;  // stale or duplicate
  NewViewSelection selection;
  Status st = ValidateNewView(
      auth_, rules_, nv, [this](const pb::ViewChange& vc) { return ValidateCachedViewChange(vc); },
      &selection);
  if (!st.ok()) {
    Drop();
    return;
  }
  InstallNewView(nv, selection);
}

void Replica::Impl::InstallNewView(const pb::NewView& nv, const NewViewSelection& selection) {
  ReleaseAllSlots();
  log_.Clear();
  Note(ViewEvent::Kind::kViewInstalled, nv.view(),
       (nv.view() > view_
            ? "adopted from the NEW-VIEW (this replica was in view " + std::to_string(view_) + ")"
            : std::string("NEW-VIEW")) +
           " of primary " + std::to_string(PrimaryOf(nv.view())));
  if (nv.view() > view_) EnterView(nv.view());
  in_view_change_ = false;
  view_change_timer_start_.reset();
  view_change_pending_ = false;
  view_started_tick_ = tick_;
  current_new_view_ = nv;
  view_changes_.erase(view_changes_.begin(), view_changes_.upper_bound(view_));
  my_view_changes_.erase(my_view_changes_.begin(), my_view_changes_.lower_bound(view_));
  if (my_timeout_ && my_timeout_->view() < view_) my_timeout_.reset();
  timeouts_.DropBelow(view_);

  if (selection.min_s > stable_.sequence) AdvanceStable(selection.stable);
  for (int i = 0; i < nv.preprepares_size(); ++i) {
    const pb::PrePrepare& pp = nv.preprepares(i);
    uint64_t seq = pp.sequence();
    if (seq <= last_committed_ || !log_.InWindow(seq)) continue;
    if (selection.entries[i].null_batch) bodies_.Put(pp.digest(), NullBatch(), seq);
    Slot& slot = log_.At(seq, view_);
    slot.preprepare = pp;
    if (!is_primary()) {  // verified with the NEW-VIEW; a conflicting one is evidence
      pb::ConsensusMessage vote;
      *vote.mutable_preprepare() = pp;
      Observe(vote);
    }
    AttachBody(slot, seq);
    if (bodies_.Get(pp.digest()) == nullptr) {
      RequestBody(slot, seq, pp.digest());
    } else {
      SendPrepareIfReady(seq);
    }
    CheckPrepared(seq);
  }
  if (is_primary()) {
    next_sequence_ = std::max({selection.max_s, last_committed_, log_.low()}) + 1;
  }
  RestartRequestTimer();
  MaybeCutBatches();
}

}  // namespace cc::consensus
