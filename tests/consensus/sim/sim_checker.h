// SafetyChecker: the invariants a simulation checks after every replica step.
//
// For every honest replica (one not marked Byzantine):
//   - agreement: at each sequence, every honest replica commits the same batch
//     digest, the same request ids in the same order, and ends with the same block
//     hash (hence the same duplicate list and state root);
//   - its committed prefix is contiguous and never rewritten: each committed
//     batch is exactly the next height of its ledger, across crash and restart;
//   - the batch matches its certificate (digest, sequence) and, unless disabled for
//     the broken-quorum experiment, the certificate holds 2f+1 distinct valid
//     commit signatures over (view, sequence, digest);
//   - duplicates follow the contract exactly (replica.h, CommittedBatch): index i
//     is flagged iff its id occurs in one of the `duplicate_window` batches before
//     it (4 * watermark_window) on that replica's ledger, or earlier in the same
//     batch. So no request is executed twice inside the window and none is
//     silently skipped;
//   - every Evidence it outputs is a real proof (two validly signed votes of the
//     accused for one view and sequence with different digests) against a
//     Byzantine replica: an honest replica is never accused.
// Each check returns "" or a description of the violation.
//
// Thread safety: none.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "consensus/replica.h"
#include "tests/consensus/sim/sim_ledger.h"

namespace cc::sim {

class SafetyChecker {
 public:
  // `verifier` is borrowed and must outlive the checker.
  SafetyChecker(std::string chain_id, uint32_t n, consensus::Verifier& verifier, bool check_certificates,
                uint64_t duplicate_window);

  void MarkByzantine(uint32_t replica) { byzantine_.insert(replica); }
  bool honest(uint32_t replica) const { return byzantine_.count(replica) == 0; }

  // Before honest replica `r` executes `committed` on a ledger of `height` blocks.
  std::string OnCommitted(uint32_t r, uint64_t height, const consensus::CommittedBatch& committed);
  // After it executed it.
  std::string OnExecuted(uint32_t r, const ExecutedBlock& block);
  std::string OnEvidence(uint32_t r, const pb::Evidence& evidence);

  // True if honest replica `r` executed `id` (not as a duplicate).
  bool Delivered(uint32_t r, const std::string& id) const { return executed_[r].count(id) > 0; }
  // Evidence output by honest replicas against `accused`.
  uint64_t evidence_against(uint32_t accused) const;
  uint64_t safety_checks() const { return checks_; }

 private:
  struct Agreed {
    uint32_t first = 0;  // replica that committed it first
    std::string digest;
    std::vector<std::string> ids;
    std::string block_hash;
  };

  std::string chain_id_;
  uint32_t n_;
  uint32_t f_;
  consensus::Verifier& verifier_;
  bool check_certificates_;
  uint64_t duplicate_window_;
  std::set<uint32_t> byzantine_;
  std::map<uint64_t, Agreed> agreed_;
  // Per replica: id -> sequences at which it occurs on the ledger (every occurrence).
  std::vector<std::unordered_map<std::string, std::vector<uint64_t>>> occurrences_;
  std::vector<std::unordered_set<std::string>> executed_;
  std::map<uint32_t, uint64_t> evidence_;
  uint64_t checks_ = 0;
};

}  // namespace cc::sim
