// CheckpointTracker: collects verified checkpoint messages and finds stable ones.
//
// A checkpoint (sequence, state digest) is stable once a quorum (2f+1) of distinct
// replicas signed the same pair; the signed messages are its proof, carried in view
// changes. The tracker also answers the lag question "which sequence have at least
// k replicas reached?" (k = f+1 guarantees one honest replica got there), which
// triggers state transfer.
//
// Memory: at most `max_per_replica` checkpoints per replica (its highest ones), all
// above the last Forget() point. The caller verifies signatures before Add().
//
// Thread safety: none.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "proto/creditchain.pb.h"

namespace cc::consensus {

struct StableCheckpoint {
  uint64_t sequence = 0;
  std::string digest;                 // "" for the genesis checkpoint at 0
  std::vector<pb::Checkpoint> proof;  // quorum of matching signed checkpoints; empty at 0
};

class CheckpointTracker {
 public:
  CheckpointTracker(uint32_t n, uint32_t quorum, size_t max_per_replica)
      : n_(n), quorum_(quorum), max_per_replica_(max_per_replica) {}

  // Adds a verified checkpoint. Returns false when it is ignored: replica out of
  // range, at or below the forget point, or the replica already sent one for that
  // sequence.
  bool Add(const pb::Checkpoint& cp);
  bool Has(uint32_t replica, uint64_t sequence) const;
  // The highest sequence above `above` with a quorum of matching checkpoints.
  std::optional<StableCheckpoint> FindStable(uint64_t above) const;
  // Highest s such that at least `k` distinct replicas sent a checkpoint >= s (0 if none).
  uint64_t ReachedBy(uint32_t k) const;
  // Drops every checkpoint at or below `sequence`.
  void Forget(uint64_t sequence);

 private:
  uint32_t n_;
  uint32_t quorum_;
  size_t max_per_replica_;
  uint64_t forgotten_ = 0;
  std::map<uint32_t, std::map<uint64_t, pb::Checkpoint>> by_replica_;
};

}  // namespace cc::consensus
