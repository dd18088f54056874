// MessageLog: the replica's per-sequence agreement state inside the watermark
// window (low, low + L], and BatchStore: batch bodies by digest.
//
// A Slot holds, for one sequence in the current view, the accepted pre-prepare, the
// prepare and commit votes (distinct replicas, see VoteSet) and the votes this
// replica signed itself. Slots only ever describe one view: entering a new view
// clears them (prepared certificates survive separately, as PreparedProofs).
// Garbage collection at a stable checkpoint drops every slot at or below it.
//
// Thread safety: none.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "consensus/quorum.h"
#include "proto/creditchain.pb.h"

namespace cc::consensus {

struct Slot {
  uint64_t view = 0;
  std::optional<pb::PrePrepare> preprepare;  // accepted; batch cleared (see BatchStore)
  VoteSet prepares;                          // primary's pre-prepare is not a prepare
  VoteSet commits;
  std::optional<pb::Prepare> my_prepare;
  std::optional<pb::Commit> my_commit;
  bool prepared = false;
  bool committed = false;  // committed-local; body known
  std::string committed_digest;
  std::vector<std::string> request_ids;               // of the body, once known
  bool open_marked = false;                           // request ids counted as open
  uint64_t last_fetch_tick = 0;                       // BatchFetch rate limit (tick + 1; 0 = never)
  bool seen_by_retransmit = false;                    // existed at the last retransmission round
  std::map<uint32_t, uint64_t> last_reply_tick;       // catch-up reply rate limit, per peer...
  std::map<uint32_t, uint32_t> replies;               // ...and a cap, so two peers never loop
  std::map<uint32_t, uint64_t> last_body_reply_tick;  // BatchReply rate limit, per peer

  const std::string& digest() const;  // of the pre-prepare; "" without one
};

class MessageLog {
 public:
  explicit MessageLog(uint64_t window) : window_(window) {}

  uint64_t low() const { return low_; }
  uint64_t high() const { return low_ + window_; }
  bool InWindow(uint64_t sequence) const { return sequence > low_ && sequence <= high(); }

  Slot* Find(uint64_t sequence);
  const Slot* Find(uint64_t sequence) const;
  // REQUIRES: InWindow(sequence). Creates an empty slot for `view` if absent, and
  // resets a slot left over from an older view.
  Slot& At(uint64_t sequence, uint64_t view);
  // Moves the low watermark up and drops slots at or below it.
  void AdvanceLow(uint64_t low);
  // Drops every slot (entering a new view).
  void Clear() { slots_.clear(); }
  std::map<uint64_t, Slot>& slots() { return slots_; }
  const std::map<uint64_t, Slot>& slots() const { return slots_; }

 private:
  uint64_t window_;
  uint64_t low_ = 0;
  std::map<uint64_t, Slot> slots_;
};

// Batch bodies by digest, each tagged with the highest sequence it was seen at, so
// bodies are dropped with the log at a stable checkpoint.
class BatchStore {
 public:
  void Put(const std::string& digest, const pb::Batch& batch, uint64_t sequence);
  const pb::Batch* Get(const std::string& digest) const;
  void Forget(uint64_t up_to_sequence);
  size_t size() const { return bodies_.size(); }

 private:
  struct Body {
    pb::Batch batch;
    uint64_t sequence;
  };
  std::map<std::string, Body> bodies_;
};

}  // namespace cc::consensus
