#include "node/mempool.h"

namespace cc::node {

Status Mempool::Add(const std::string& id, const std::string& tx) {
  std::lock_guard<std::mutex> lock(mu_);
  if (entries_.count(id)) return Status::Error("duplicate", "transaction is already pending");
  if (entries_.size() >= max_txs_ || bytes_ + tx.size() > max_bytes_) {
    return Status::Error("mempool_full", "the node's mempool is full; retry later");
  }
  entries_.emplace(id, Entry{tx.size(), clock_.Steady()});
  bytes_ += tx.size();
  return Status::Ok();
}

std::vector<double> Mempool::RemoveCommitted(const std::vector<std::string>& ids) {
  const auto now = clock_.Steady();
  std::vector<double> waited;
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& id : ids) {
    auto it = entries_.find(id);
    if (it == entries_.end()) continue;
    waited.push_back(std::chrono::duration<double>(now - it->second.added).count());
    bytes_ -= it->second.bytes;
    entries_.erase(it);
  }
  return waited;
}

size_t Mempool::Expire(std::chrono::nanoseconds max_age) {
  const auto cutoff = clock_.Steady() - max_age;
  std::lock_guard<std::mutex> lock(mu_);
  size_t dropped = 0;
  for (auto it = entries_.begin(); it != entries_.end();) {
    if (it->second.added < cutoff) {
      bytes_ -= it->second.bytes;
      it = entries_.erase(it);
      ++dropped;
    } else {
      ++it;
    }
  }
  return dropped;
}

bool Mempool::Contains(const std::string& id) const {
  std::lock_guard<std::mutex> lock(mu_);
  return entries_.count(id) > 0;
}

size_t Mempool::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return entries_.size();
}

uint64_t Mempool::bytes() const {
  std::lock_guard<std::mutex> lock(mu_);
  return bytes_;
}

bool Mempool::full() const {
  std::lock_guard<std::mutex> lock(mu_);
  return entries_.size() >= max_txs_ || bytes_ >= max_bytes_;
}

}  // namespace cc::node
