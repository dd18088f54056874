#include "consensus/checkpoints.h"

#include <algorithm>
#include <functional>

namespace cc::consensus {

bool CheckpointTracker::Add(const pb::Checkpoint& cp) {
  if (cp.replica() >= n_ || cp.sequence() <= forgotten_) return false;
  auto& mine = by_replica_[cp.replica()];
  if (mine.count(cp.sequence())) return false;
  mine.emplace(cp.sequence(), cp);
  while (mine.size() > max_per_replica_) mine.erase(mine.begin());
  return mine.count(cp.sequence()) != 0;
}

bool CheckpointTracker::Has(uint32_t replica, uint64_t sequence) const {
  auto it = by_replica_.find(replica);
  return it != by_replica_.end() && it->second.count(sequence) != 0;
}

std::optional<StableCheckpoint> CheckpointTracker::FindStable(uint64_t above) const {
  // (sequence, digest) -> matching checkpoints, highest sequence first.
  std::map<std::pair<uint64_t, std::string>, std::vector<const pb::Checkpoint*>, std::greater<>> groups;
  for (const auto& [replica, cps] : by_replica_) {
    for (const auto& [seq, cp] : cps) {
      if (seq > above) groups[{seq, cp.state_digest()}].push_back(&cp);
    }
  }
  for (const auto& [key, cps] : groups) {
    if (cps.size() < quorum_) continue;
    StableCheckpoint s;
    s.sequence = key.first;
    s.digest = key.second;
    for (const auto* cp : cps) s.proof.push_back(*cp);
    return s;
  }
  return std::nullopt;
}

uint64_t CheckpointTracker::ReachedBy(uint32_t k) const {
  if (k == 0) return 0;
  std::vector<uint64_t> highest;
  for (const auto& [replica, cps] : by_replica_) {
    if (!cps.empty()) highest.push_back(cps.rbegin()->first);
  }
  if (highest.size() < k) return 0;
  std::sort(highest.begin(), highest.end(), std::greater<>());
  return highest[k - 1];
}

void CheckpointTracker::Forget(uint64_t sequence) {
  forgotten_ = std::max(forgotten_, sequence);
  for (auto it = by_replica_.begin(); it != by_replica_.end();) {
    auto& cps = it->second;
    cps.erase(cps.begin(), cps.upper_bound(sequence));
    it = cps.empty() ? by_replica_.erase(it) : std::next(it);
  }
}

}  // namespace cc::consensus
