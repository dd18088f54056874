// Replica, view change: timer expiry, VIEW-CHANGE collection, the f+1 join rule,
// NEW-VIEW construction (primary) and validation / installation (everyone).
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
      StartViewChange(view_ + 1);
    }
    return;
  }
  if (request_timer_start_ && tick_ >= *request_timer_start_ + TimeoutTicks()) {
    StartViewChange(view_ + 1);
    return;
  }
  // The request timer restarts on every commit, so a primary that keeps committing
  // other batches while withholding one request would never be replaced. So the
  // oldest request held also has a deadline of its own. It applies only while the
  // backlog fits in one pipeline round: with more queued, an honest primary may
  // legitimately take longer to reach it.
  if (!requests_.empty() && requests_.size() <= uint64_t{config_.max_inflight} * config_.max_batch_requests) {
    uint64_t since = std::max(requests_.OldestTick(), view_started_tick_);
    if (tick_ >= since + kStarvationFactor * TimeoutTicks()) StartViewChange(view_ + 1);
  }
}

void Replica::Impl::EnterView(uint64_t view) {
  view_ = view;
  ++views_entered_;
  pb::ReplicaRecord record;
  record.set_entered_view(view);
  Persist(std::move(record));
}

void Replica::Impl::StartViewChange(uint64_t new_view) {
  if (new_view <= view_) return;
  ReleaseAllSlots();
  log_.Clear();
  EnterView(new_view);
  in_view_change_ = true;
  current_new_view_.reset();
  request_timer_start_.reset();
  view_change_timer_start_ = tick_;
  ++failed_views_;

  my_view_changes_.erase(my_view_changes_.begin(), my_view_changes_.lower_bound(new_view));
  SendViewChange();
  MaybeMakeNewView();
  MaybeJoinViewChange();
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
    if (!current_new_view_) return;
    auto last = last_peer_reply_tick_.find(from);
    if (last != last_peer_reply_tick_.end() && tick_ < last->second + RetransmitTicks()) return;
    last_peer_reply_tick_[from] = tick_;
    pb::ConsensusMessage m;
    *m.mutable_new_view() = *current_new_view_;
    Send(std::move(m), from);
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
  MaybeJoinViewChange();
  MaybeMakeNewView();
}

void Replica::Impl::MaybeJoinViewChange() {
  // f+1 replicas asking for views above ours include an honest one: join the
  // smallest such view instead of waiting for our own timer (PBFT, section 4.5.2).
  std::vector<uint64_t> views;
  std::set<uint32_t> counted;
  for (const auto& [v, bucket] : view_changes_) {
    if (v <= view_) continue;
    for (const auto& [replica, vc] : bucket) {
      if (replica != config_.self && counted.insert(replica).second) views.push_back(v);
    }
  }
  if (views.size() < f() + 1) return;
  StartViewChange(*std::min_element(views.begin(), views.end()));
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
  if (nv.view() > view_) EnterView(nv.view());
  in_view_change_ = false;
  view_change_timer_start_.reset();
  view_change_pending_ = false;
  view_started_tick_ = tick_;
  current_new_view_ = nv;
  view_changes_.erase(view_changes_.begin(), view_changes_.upper_bound(view_));
  my_view_changes_.erase(my_view_changes_.begin(), my_view_changes_.lower_bound(view_));

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
