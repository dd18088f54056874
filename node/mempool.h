// Mempool: admitted transactions waiting to commit, bounded in count and bytes.
//
// It is the node's back-pressure point: Add refuses with "mempool_full" when either
// bound is reached (the API answers 429), and with "duplicate" for a tx already
// pending. Committed transactions are removed by id. The pool keeps no order and
// re-offers nothing: a transaction goes to consensus when it is admitted (node.h),
// and a backup's replica relays one it holds unordered too long (consensus/README.md,
// "Request relay"); one that never commits leaves by Expire, and its sender
// resubmits it.
//
// Times come from the Clock's steady reading (waiting time for the commit latency
// histogram, age for Expire).
//
// Thread safety: all methods are thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/clock.h"
#include "common/status.h"

namespace cc::node {

class Mempool {
 public:
  // Borrows `clock`, which outlives the pool.
  Mempool(size_t max_txs, uint64_t max_bytes, const Clock& clock)
      : max_txs_(max_txs), max_bytes_(max_bytes), clock_(clock) {}

  Status Add(const std::string& id, const std::string& tx);
  // Removes committed transactions; returns how long each had waited (for the
  // commit latency histogram), for the ones this pool held.
  std::vector<double> RemoveCommitted(const std::vector<std::string>& ids);
  // Drops transactions pending longer than `max_age` (e.g. refused at execution by
  // a primary that never proposed them); returns how many.
  size_t Expire(std::chrono::nanoseconds max_age);
  bool Contains(const std::string& id) const;
  size_t size() const;
  uint64_t bytes() const;
  bool full() const;

 private:
  struct Entry {
    size_t bytes = 0;
    Clock::SteadyTime added;
  };
  const size_t max_txs_;
  const uint64_t max_bytes_;
  const Clock& clock_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Entry> entries_;
  uint64_t bytes_ = 0;
};

}  // namespace cc::node
