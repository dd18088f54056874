#include "consensus/request_queue.h"

#include <unordered_set>

namespace cc::consensus {

RequestQueue::AddResult RequestQueue::Add(const std::string& id, const std::string& request,
                                          uint64_t tick) {
  if (index_.count(id)) return AddResult::kDuplicate;
  if (index_.size() >= capacity_) return AddResult::kFull;
  order_.push_back(Entry{id, request, tick});
  index_.emplace(id, std::prev(order_.end()));
  return AddResult::kAdded;
}

void RequestQueue::Remove(const std::string& id) {
  auto it = index_.find(id);
  if (it == index_.end()) return;
  order_.erase(it->second);
  index_.erase(it);
}

void RequestQueue::UnmarkOpen(const std::string& id) {
  auto it = open_.find(id);
  if (it == open_.end()) return;
  if (--it->second == 0) open_.erase(it);
}

RequestQueue::Candidate RequestQueue::TakeEligible(size_t max_requests, uint64_t max_bytes) const {
  Candidate c;
  for (const Entry& e : order_) {
    if (c.requests.size() >= max_requests) break;
    if (open_.count(e.id)) continue;
    if (c.bytes + e.request.size() > max_bytes) break;
    c.bytes += e.request.size();
    c.requests.push_back(e.request);
    c.ids.push_back(e.id);
  }
  return c;
}

RequestQueue::Eligible RequestQueue::CountEligible(size_t stop_at_count, uint64_t stop_at_bytes) const {
  Eligible r;
  for (const Entry& e : order_) {
    if (open_.count(e.id)) continue;
    if (r.count == 0) r.oldest_tick = e.tick;
    ++r.count;
    r.bytes += e.request.size();
    if (r.count >= stop_at_count || r.bytes >= stop_at_bytes) break;
  }
  return r;
}

bool DeliveredIds::InWindow(uint64_t delivered_at, uint64_t sequence) const {
  return delivered_at < sequence && delivered_at + window_ >= sequence;
}

std::vector<uint32_t> DeliveredIds::Duplicates(uint64_t sequence,
                                               const std::vector<std::string>& ids) const {
  std::vector<uint32_t> dups;
  std::unordered_set<std::string> seen;
  for (uint32_t i = 0; i < ids.size(); ++i) {
    auto it = seq_of_.find(ids[i]);
    bool earlier = it != seq_of_.end() && InWindow(it->second, sequence);
    if (earlier || !seen.insert(ids[i]).second) dups.push_back(i);
  }
  return dups;
}

void DeliveredIds::Record(uint64_t sequence, const std::vector<std::string>& ids) {
  last_sequence_ = sequence;
  // Every occurrence counts, duplicates included: whether an id is a duplicate at
  // sequence s then depends only on the blocks in [s - window, s), which a restarted
  // replica can rebuild from its ledger.
  for (const auto& id : ids) seq_of_[id] = sequence;
  by_sequence_.emplace_back(sequence, ids);
  while (!by_sequence_.empty() && by_sequence_.front().first + window_ < sequence) {
    for (const auto& id : by_sequence_.front().second) {
      auto it = seq_of_.find(id);
      if (it != seq_of_.end() && it->second == by_sequence_.front().first) seq_of_.erase(it);
    }
    by_sequence_.pop_front();
  }
}

bool DeliveredIds::Contains(const std::string& id) const {
  auto it = seq_of_.find(id);
  return it != seq_of_.end() && it->second + window_ > last_sequence_;
}

}  // namespace cc::consensus
