// ClientBacklog: how many pending transactions a node lets its clients add to,
// judged by how fast the network commits: the node's back-pressure against load it
// cannot order.
//
// A client's transaction is refused ("mempool_full", HTTP 429) while the mempool
// holds more than `max_wait` worth of commits at the recent commit rate (never less
// than `floor`), before anything costly (signature, state reads) is spent on it.
// Without it, a node offered more than the network can order verifies and queues
// everything, its queue's wait grows without bound, and the CPU it spends admitting
// is taken from ordering: committed throughput falls as offered load rises.
// Transactions forwarded by peers are not limited here (another node admitted them;
// refusing would only lose them) but by the mempool's own bounds.
//
// The rate is the commits of the last `window` (samples kept window / 8 apart, the
// newest replaced until the next is due), so the limit follows the network as it
// slows or recovers.
//
// Thread safety: all methods are thread-safe.
#pragma once

#include <cstdint>
#include <deque>
#include <mutex>
#include <utility>

#include "common/status.h"

namespace cc::node {

class ClientBacklog {
 public:
  struct Options {
    uint64_t max_wait_ms = 2000;  // 0: no limit but the mempool's own
    uint64_t floor = 4000;        // transactions always allowed to wait
    uint64_t window_ms = 4000;    // over which the commit rate is measured
  };
  explicit ClientBacklog(Options options) : options_(options) {}

  // The running total of committed transactions at steady time `now_ms`.
  void NoteCommitted(uint64_t total_committed, uint64_t now_ms);
  // Transactions allowed to wait before clients are refused; 0 when the limit is
  // off (max_wait_ms 0).
  uint64_t Limit() const;
  // Ok, or "mempool_full" if `pending` transactions already wait.
  Status Check(uint64_t pending) const { return Check(pending, Limit()); }
  // The same against a Limit() read once for a whole batch of checks.
  Status Check(uint64_t pending, uint64_t limit) const;
  // Committed tx/s over the window (0 until two samples span some time).
  double CommitRate() const;

 private:
  double RateLocked() const;

  const Options options_;
  mutable std::mutex mu_;
  std::deque<std::pair<uint64_t, uint64_t>> samples_;  // (now_ms, total), oldest first
};

}  // namespace cc::node
