// RequestQueue: the client requests a replica holds but has not seen committed, and
// DeliveredIds: the ids committed recently, for duplicate suppression.
//
// RequestQueue keeps requests in arrival order, bounded by a capacity (new requests
// beyond it are refused, so a flood cannot evict requests already waiting). A request
// is "open" while it sits in a pre-prepared, uncommitted batch; the primary proposes
// only requests that are neither committed nor open. A backup relays a request that
// waits unordered too long (replica.h, Output::relay); the queue remembers when each
// was last relayed.
//
// DeliveredIds answers "does this id occur in a batch committed at a sequence in
// [s - window, s)?". The window is counted in sequences, not in ids or time, so the
// answer depends only on the last `window` committed batches: every honest replica
// computes the same duplicates, including one restarted from its ledger with the
// ids of those batches.
//
// Thread safety: none.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

namespace cc::consensus {

class RequestQueue {
 public:
  explicit RequestQueue(size_t capacity) : capacity_(capacity) {}

  enum class AddResult { kAdded, kDuplicate, kFull };
  AddResult Add(const std::string& id, const std::string& request, uint64_t tick);
  bool Contains(const std::string& id) const { return entries_.count(id) != 0; }
  // Returns the arrival tick of the request removed, if it was held.
  std::optional<uint64_t> Remove(const std::string& id);
  size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }
  // Arrival tick of the oldest request held. REQUIRES: !empty().
  uint64_t OldestTick() const;

  // Open-batch membership is counted: one id may sit in several open batches (a
  // faulty primary, or batches of an abandoned view). Ids not held are counted too,
  // so a request that arrives after its batch is already open is not eligible.
  void MarkOpen(const std::string& id);
  void UnmarkOpen(const std::string& id);
  bool IsOpen(const std::string& id) const { return open_.count(id) != 0; }

  struct Candidate {
    std::vector<std::string> requests;
    std::vector<std::string> ids;
    uint64_t bytes = 0;
  };
  // The oldest eligible (held, not open) requests, at most `max_requests` of them
  // and at most `max_bytes` in total. O(result).
  Candidate TakeEligible(size_t max_requests, uint64_t max_bytes) const;
  // Totals over eligible requests, for the batching decision. O(1).
  struct Eligible {
    size_t count = 0;
    uint64_t bytes = 0;
    uint64_t oldest_tick = 0;  // arrival tick of the oldest eligible request
  };
  Eligible CountEligible() const;

  // Eligible requests that arrived at least `period` ticks before `horizon` (<= now)
  // and were not relayed in the last `period` ticks, at most `max_requests`, in
  // arrival order among those taken; each is marked relayed at `now`. Requests
  // relayed before and due again come first (they have waited longest), then
  // requests never relayed, oldest first. O(taken) apart from relayed requests
  // whose arrival is after a horizon that moved back, which are skipped: requests
  // wait in two indexes (never relayed, by arrival; relayed, by relay tick), so a
  // large backlog relayed a moment ago is not rescanned on every tick.
  std::vector<std::string> TakeDueForRelay(uint64_t horizon, uint64_t now, uint64_t period,
                                           size_t max_requests);

 private:
  struct Entry {
    std::string request;
    uint64_t tick;
    uint64_t order;                      // arrival number
    std::optional<uint64_t> relayed_at;  // tick of the last relay
  };
  void MakeEligible(const std::string& id, const Entry& e);
  void MakeIneligible(const Entry& e);
  // Moves an eligible request's place in the relay indexes to "relayed at `now`".
  void MarkRelayed(Entry& e, uint64_t now);

  size_t capacity_;
  uint64_t next_order_ = 0;
  std::unordered_map<std::string, Entry> entries_;
  std::map<uint64_t, std::string> all_;       // arrival order -> id
  std::map<uint64_t, std::string> eligible_;  // arrival order -> id, not open
  // The eligible requests again, split for relaying (ids in all_): never relayed,
  // by arrival order; relayed, by (tick of the last relay, arrival order).
  std::set<uint64_t> unrelayed_;
  std::set<std::pair<uint64_t, uint64_t>> relayed_;
  uint64_t eligible_bytes_ = 0;
  std::unordered_map<std::string, uint32_t> open_;
};

class DeliveredIds {
 public:
  explicit DeliveredIds(uint64_t window) : window_(window) {}

  // Indexes of `ids` (the requests of the batch committed at `sequence`, in order)
  // that were committed at a sequence in [sequence - window, sequence), or that
  // repeat an earlier index of the same batch. REQUIRES: sequences are recorded in
  // increasing order.
  std::vector<uint32_t> Duplicates(uint64_t sequence, const std::vector<std::string>& ids) const;
  // Records the ids of the batch committed at `sequence` (all of them, duplicates
  // included) and forgets blocks that fell out of the window.
  void Record(uint64_t sequence, const std::vector<std::string>& ids);
  // True if `id` was committed inside the window ending at the last recorded sequence.
  bool Contains(const std::string& id) const;
  uint64_t window() const { return window_; }
  size_t size() const { return seq_of_.size(); }

 private:
  bool InWindow(uint64_t delivered_at, uint64_t sequence) const;

  uint64_t window_;
  uint64_t last_sequence_ = 0;
  std::deque<std::pair<uint64_t, std::vector<std::string>>> by_sequence_;
  std::unordered_map<std::string, uint64_t> seq_of_;
};

}  // namespace cc::consensus
