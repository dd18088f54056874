// SimLedger: one simulated validator's executed chain, the part of its disk that
// survives a crash together with its persisted ReplicaRecords.
//
// Execute() turns a committed batch into a block exactly as a ledger would: header
// height = sequence, prev_hash = previous block hash (32 zero bytes at height 1),
// batch_digest = proto::BatchDigestOf(batch), tx_root over the transaction ids,
// timestamp = the batch timestamp, and a state root chained over the ids of the
// requests actually applied (duplicates skipped):
//   state_root_h = BLAKE2b(tag "creditchain-sim/state/v1", state_root_{h-1}, ids...)
// so two replicas that disagree on the duplicate list end with different block
// hashes and the checker sees it. The block hash is the state digest the replica is
// told in its ExecutedEvent and signs in checkpoints.
//
// Thread safety: none.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "consensus/replica.h"

namespace cc::sim {

struct ExecutedBlock {
  pb::CertifiedBlock block;          // header, txs (= batch requests), certificate
  std::vector<uint32_t> duplicates;  // as the replica reported them
  std::string hash;                  // proto::BlockHash(header)
  std::vector<std::string> ids;      // transaction ids, in block order
};

class SimLedger {
 public:
  uint64_t height() const { return blocks_.size(); }
  // The tip's block hash; "" when empty (RestoreState's convention).
  std::string tip_hash() const { return blocks_.empty() ? std::string() : blocks_.back().hash; }
  uint64_t tip_timestamp_ms() const {
    return blocks_.empty() ? 0 : blocks_.back().block.block().header().timestamp_ms();
  }

  // REQUIRES: committed.sequence == height() + 1.
  // The reference is valid until the next Execute (the blocks live in a vector).
  const ExecutedBlock& Execute(const consensus::CommittedBatch& committed);
  // REQUIRES: 1 <= h <= height().
  const ExecutedBlock& at(uint64_t h) const { return blocks_[h - 1]; }

 private:
  std::vector<ExecutedBlock> blocks_;
};

}  // namespace cc::sim
