#include "consensus/view_sync.h"

#include <set>

namespace cc::consensus {

const pb::ViewTimeout* TimeoutCollector::Find(uint64_t view, uint32_t replica) const {
  auto v = by_view_.find(view);
  if (v == by_view_.end()) return nullptr;
  auto r = v->second.find(replica);
  return r == v->second.end() ? nullptr : &r->second.timeout;
}

void TimeoutCollector::Add(const pb::ViewTimeout& timeout, uint64_t tick) {
  if (timeout.replica() >= n_) return;
  by_view_[timeout.view()][timeout.replica()] = Heard{timeout, tick};
  // At most two views per replica: the highest ones it gave up on.
  uint32_t kept = 0;
  for (auto it = by_view_.rbegin(); it != by_view_.rend(); ++it) {
    auto r = it->second.find(timeout.replica());
    if (r == it->second.end()) continue;
    if (++kept > 2) it->second.erase(r);
  }
  for (auto it = by_view_.begin(); it != by_view_.end();) {
    it = it->second.empty() ? by_view_.erase(it) : std::next(it);
  }
}

void TimeoutCollector::Withdraw(uint64_t view, uint32_t replica) {
  auto v = by_view_.find(view);
  if (v == by_view_.end()) return;
  v->second.erase(replica);
  if (v->second.empty()) by_view_.erase(v);
}

void TimeoutCollector::DropBelow(uint64_t view) {
  by_view_.erase(by_view_.begin(), by_view_.lower_bound(view));
}

uint32_t TimeoutCollector::Count(uint64_t view, uint64_t tick) const {
  auto v = by_view_.find(view);
  if (v == by_view_.end()) return 0;
  uint32_t count = 0;
  for (const auto& [replica, heard] : v->second) count += Current(heard, tick) ? 1 : 0;
  return count;
}

std::optional<pb::TimeoutCertificate> TimeoutCollector::Certificate(uint64_t view, uint32_t quorum,
                                                                    uint64_t tick) const {
  if (Count(view, tick) < quorum) return std::nullopt;
  pb::TimeoutCertificate tc;
  tc.set_view(view);
  for (const auto& [replica, heard] : by_view_.at(view)) {
    if (!Current(heard, tick)) continue;
    *tc.add_timeouts() = heard.timeout;
    if (static_cast<uint32_t>(tc.timeouts_size()) == quorum) break;
  }
  return tc;
}

Status ValidateTimeoutCertificate(MessageAuth& auth, uint32_t quorum, const pb::TimeoutCertificate& tc) {
  std::set<uint32_t> replicas;
  for (const auto& t : tc.timeouts()) {
    if (t.view() != tc.view() || t.replica() >= auth.n() || !replicas.insert(t.replica()).second) {
      return Status::Error("malformed", "timeout certificate: wrong view, unknown or repeated replica");
    }
  }
  if (replicas.size() < quorum) return Status::Error("too_few_timeouts", "timeout certificate below quorum");
  for (const auto& t : tc.timeouts()) {
    if (!auth.Verify(t)) return Status::Error("bad_signature", "timeout certificate: invalid signature");
  }
  return Status::Ok();
}

std::optional<uint64_t> ViewShownBy(const pb::ConsensusMessage& m) {
  switch (m.kind_case()) {
    case pb::ConsensusMessage::kPreprepare:
      return m.preprepare().view();
    case pb::ConsensusMessage::kPrepare:
      return m.prepare().view();
    case pb::ConsensusMessage::kCommit:
      return m.commit().view();
    case pb::ConsensusMessage::kViewChange:
      return m.view_change().new_view();
    case pb::ConsensusMessage::kNewView:
      return m.new_view().view();
    case pb::ConsensusMessage::kViewTimeout:
      return m.view_timeout().view();
    default:
      return std::nullopt;
  }
}

void PeerViews::Note(uint32_t peer, uint64_t view, uint64_t tick) {
  if (peer >= n_) return;
  // The highest view heard within the expiry: catch-up replies re-send votes of
  // older views, which say nothing about where the peer is now.
  auto it = seen_.find(peer);
  if (it != seen_.end() && tick < it->second.tick + expiry_ && view < it->second.view) return;
  seen_[peer] = Seen{view, tick};
}

uint32_t PeerViews::CountAbove(uint64_t view, uint64_t tick) const {
  uint32_t count = 0;
  for (const auto& [peer, s] : seen_) count += (tick < s.tick + expiry_ && s.view > view) ? 1 : 0;
  return count;
}

bool PeerViews::Shows(uint32_t peer, uint64_t view, uint64_t tick) const {
  auto it = seen_.find(peer);
  return it != seen_.end() && tick < it->second.tick + expiry_ && it->second.view >= view;
}

}  // namespace cc::consensus
