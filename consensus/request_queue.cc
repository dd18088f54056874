#include "consensus/request_queue.h"

#include <algorithm>
#include <unordered_set>

namespace cc::consensus {

RequestQueue::AddResult RequestQueue::Add(const std::string& id, const std::string& request, uint64_t tick) {
  if (entries_.count(id)) return AddResult::kDuplicate;
  if (entries_.size() >= capacity_) return AddResult::kFull;
  auto it = entries_.emplace(id, Entry{request, tick, next_order_++, std::nullopt}).first;
  all_.emplace(it->second.order, id);
  if (!open_.count(id)) MakeEligible(id, it->second);
  return AddResult::kAdded;
}

std::optional<uint64_t> RequestQueue::Remove(const std::string& id) {
  auto it = entries_.find(id);
  if (it == entries_.end()) return std::nullopt;
  const uint64_t tick = it->second.tick;
  MakeIneligible(it->second);
  all_.erase(it->second.order);
  entries_.erase(it);
  return tick;
}

uint64_t RequestQueue::OldestTick() const { return entries_.at(all_.begin()->second).tick; }

void RequestQueue::MakeEligible(const std::string& id, const Entry& e) {
  if (!eligible_.emplace(e.order, id).second) return;
  eligible_bytes_ += e.request.size();
  if (e.relayed_at) {
    relayed_.emplace(*e.relayed_at, e.order);
  } else {
    unrelayed_.insert(e.order);
  }
}

void RequestQueue::MakeIneligible(const Entry& e) {
  if (!eligible_.erase(e.order)) return;
  eligible_bytes_ -= e.request.size();
  if (e.relayed_at) {
    relayed_.erase({*e.relayed_at, e.order});
  } else {
    unrelayed_.erase(e.order);
  }
}

void RequestQueue::MarkRelayed(Entry& e, uint64_t now) {
  if (e.relayed_at) {
    relayed_.erase({*e.relayed_at, e.order});
  } else {
    unrelayed_.erase(e.order);
  }
  e.relayed_at = now;
  relayed_.emplace(now, e.order);
}

void RequestQueue::MarkOpen(const std::string& id) {
  if (++open_[id] != 1) return;
  auto it = entries_.find(id);
  if (it != entries_.end()) MakeIneligible(it->second);
}

void RequestQueue::UnmarkOpen(const std::string& id) {
  auto open = open_.find(id);
  if (open == open_.end() || --open->second != 0) return;
  open_.erase(open);
  auto it = entries_.find(id);
  if (it != entries_.end()) MakeEligible(id, it->second);
}

RequestQueue::Candidate RequestQueue::TakeEligible(size_t max_requests, uint64_t max_bytes) const {
  Candidate c;
  for (const auto& [order, id] : eligible_) {
    if (c.requests.size() >= max_requests) break;
    const Entry& e = entries_.at(id);
    if (c.bytes + e.request.size() > max_bytes) break;
    c.bytes += e.request.size();
    c.requests.push_back(e.request);
    c.ids.push_back(id);
  }
  return c;
}

RequestQueue::Eligible RequestQueue::CountEligible() const {
  Eligible r;
  r.count = eligible_.size();
  r.bytes = eligible_bytes_;
  if (!eligible_.empty()) r.oldest_tick = entries_.at(eligible_.begin()->second).tick;
  return r;
}

std::vector<std::string> RequestQueue::TakeDueForRelay(uint64_t horizon, uint64_t now, uint64_t period,
                                                       size_t max_requests) {
  std::vector<uint64_t> orders;  // of the requests taken
  for (const auto& [relayed_at, order] : relayed_) {
    if (orders.size() >= max_requests || relayed_at + period > now) break;
    if (entries_.at(all_.at(order)).tick + period > horizon) continue;
    orders.push_back(order);
  }
  for (const uint64_t order : unrelayed_) {
    if (orders.size() >= max_requests) break;
    // This one and every later arrival are too young.
    if (entries_.at(all_.at(order)).tick + period > horizon) break;
    orders.push_back(order);
  }
  std::sort(orders.begin(), orders.end());
  std::vector<std::string> due;
  due.reserve(orders.size());
  for (uint64_t order : orders) {
    Entry& e = entries_.at(all_.at(order));
    MarkRelayed(e, now);
    due.push_back(e.request);
  }
  return due;
}

bool DeliveredIds::InWindow(uint64_t delivered_at, uint64_t sequence) const {
  return delivered_at < sequence && delivered_at + window_ >= sequence;
}

std::vector<uint32_t> DeliveredIds::Duplicates(uint64_t sequence, const std::vector<std::string>& ids) const {
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
