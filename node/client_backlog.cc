#include "node/client_backlog.h"

#include <algorithm>
#include <string>

namespace cc::node {

void ClientBacklog::NoteCommitted(uint64_t total_committed, uint64_t now_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  const size_t n = samples_.size();
  if (n >= 2 && now_ms < samples_[n - 2].first + options_.window_ms / 8) {
    samples_.back() = {now_ms, total_committed};  // too close to the one before: replace
  } else {
    samples_.emplace_back(now_ms, total_committed);
  }
  // Keep one sample at or before the window's start, so the rate spans the window.
  while (samples_.size() > 2 && samples_[1].first + options_.window_ms <= now_ms) samples_.pop_front();
}

double ClientBacklog::RateLocked() const {
  if (samples_.size() < 2) return 0;
  const auto& [t0, c0] = samples_.front();
  const auto& [t1, c1] = samples_.back();
  if (t1 <= t0 || c1 < c0) return 0;
  return static_cast<double>(c1 - c0) * 1000.0 / static_cast<double>(t1 - t0);
}

double ClientBacklog::CommitRate() const {
  std::lock_guard<std::mutex> lock(mu_);
  return RateLocked();
}

uint64_t ClientBacklog::Limit() const {
  if (options_.max_wait_ms == 0) return 0;
  std::lock_guard<std::mutex> lock(mu_);
  const double by_rate = RateLocked() * static_cast<double>(options_.max_wait_ms) / 1000.0;
  return std::max<uint64_t>(options_.floor, static_cast<uint64_t>(by_rate));
}

Status ClientBacklog::Check(uint64_t pending, uint64_t limit) const {
  if (limit == 0 || pending < limit) return Status::Ok();
  return Status::Error("mempool_full", "the node holds " + std::to_string(pending) +
                                           " pending transactions, more than it expects to commit in " +
                                           std::to_string(options_.max_wait_ms) + " ms; retry later");
}

}  // namespace cc::node
