#include "node/view_health.h"

#include <map>

#include "consensus/quorum.h"

namespace cc::node {

ViewHealth::ViewHealth(uint32_t n, uint32_t self, uint64_t fresh_ms)
    : n_(n), self_(self), fresh_ms_(fresh_ms), peers_(n) {}

void ViewHealth::NotePeer(uint32_t validator, uint64_t view, bool in_view_change, uint64_t now_ms) {
  if (validator >= n_ || validator == self_) return;
  std::lock_guard<std::mutex> lock(mu_);
  peers_[validator] = Announced{view, in_view_change, now_ms, true};
}

ViewHealth::Report ViewHealth::Evaluate(const consensus::Stats& self, uint64_t now_ms) const {
  Report r;
  r.views.assign(n_, std::nullopt);
  r.views[self_] = self.view;
  const uint32_t quorum = consensus::QuorumSize(n_);
  // Validators settled in each view (not changing it), and those changing to it.
  std::map<uint64_t, uint32_t> settled, changing;
  (self.in_view_change ? changing : settled)[self.view]++;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (uint32_t v = 0; v < n_; ++v) {
      const Announced& a = peers_[v];
      if (v == self_ || !a.heard || now_ms >= a.at_ms + fresh_ms_) continue;
      r.views[v] = a.view;
      (a.in_view_change ? changing : settled)[a.view]++;
    }
  }
  for (const auto& [view, count] : settled) {
    if (count >= quorum) r.quorum_view = view;
  }
  r.validators_in_view = settled[self.view];
  const std::string v = std::to_string(self.view);
  if (self.in_view_change) {
    const uint32_t with = changing[self.view];
    if (r.quorum_view && *r.quorum_view != self.view) {
      r.reason =
          "in the view change to view " + v + " while a quorum is in view " + std::to_string(*r.quorum_view);
    } else if (with < quorum) {
      r.reason = (with == 1 ? std::string("alone")
                            : std::to_string(with) + " of " + std::to_string(n_) + " validators (" +
                                  std::to_string(quorum) + " needed)") +
                 " in the view change to view " + v;
    } else {
      r.reason = "in the view change to view " + v + ", waiting for its NEW-VIEW";
    }
    return r;
  }
  if (r.quorum_view && *r.quorum_view != self.view) {
    r.reason = std::string(*r.quorum_view > self.view ? "behind" : "ahead of") +
               " the quorum: it is in view " + std::to_string(*r.quorum_view) + ", this validator in view " +
               v;
    return r;
  }
  if (r.validators_in_view < quorum) {
    r.reason = "only " + std::to_string(r.validators_in_view) + " of " + std::to_string(n_) +
               " validators heard from in view " + v + " (" + std::to_string(quorum) + " needed)";
    return r;
  }
  r.participating = true;
  return r;
}

}  // namespace cc::node
