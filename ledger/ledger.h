// Ledger: the committed chain of certified blocks and the state they produced.
//
// A block at height h follows the block at h-1 (header.prev_hash = BlockHash of
// h-1; 32 zero bytes at height 1). Block helpers (build, check, certificate
// verification) are in ledger/block.h; proofs in ledger/proof.h.
// Its commit certificate is stored beside it, outside its hash. Append writes the
// block, its certificate, its transaction index entries and the state changes of
// executing it as ONE synced write: after a crash the block is wholly there or
// wholly absent, together with its state.
//
// The same store also keeps the consensus replica's log (ReplicaRecords), synced,
// so the node has exactly one database.
//
// Implementations: LevelDbLedger (ledger/leveldb_ledger.h) and MemoryLedger
// (ledger/memory_ledger.h, for tests). Thread safety: all methods may be called
// concurrently; writers are serialized internally.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"
#include "proto/creditchain.pb.h"

namespace cc::ledger {

// A state change: key -> value, or key -> nullopt to delete.
using StateWrite = std::pair<std::string, std::optional<std::string>>;
using StateWrites = std::vector<StateWrite>;

struct TxLocation {
  uint64_t height = 0;
  uint32_t index = 0;
};

class Ledger {
 public:
  virtual ~Ledger() = default;

  // Height of the tip; 0 when empty.
  virtual uint64_t Height() const = 0;
  // Hash of the tip header; 32 zero bytes when empty.
  virtual std::string TipHash() const = 0;

  // Appends `block` at Height() + 1 with its state writes, as one synced batch.
  // Refuses (nothing written) with code "out_of_order" (height is not Height() + 1),
  // "bad_prev_hash" (prev_hash is not TipHash()), "bad_block" (tx_count, tx_root or
  // batch_digest do not match its transactions and timestamp) or "bad_certificate"
  // (certificate sequence / digest are not the block's height / batch digest).
  // Certificate SIGNATURES are not checked here (the ledger does not know the
  // validator set): callers verify them first with ledger::VerifyCertificate.
  // A transaction id already indexed keeps its first location (a duplicate request
  // re-ordered in a later batch is stored but not re-indexed). Codes "io" /
  // "corruption" on a storage failure.
  virtual Status Append(const pb::CertifiedBlock& block, const StateWrites& writes) = 0;

  // Lookups. Code "not_found" when absent.
  virtual Result<pb::CertifiedBlock> GetBlock(uint64_t height) const = 0;
  virtual Result<pb::CertifiedBlock> GetBlockByHash(std::string_view hash) const = 0;
  virtual Result<TxLocation> FindTx(std::string_view tx_id) const = 0;
  // The transaction with its Merkle path, header and certificate.
  virtual Result<pb::TxProof> GetTxProof(std::string_view tx_id) const = 0;

  // State written by Append. nullopt when absent.
  virtual std::optional<std::string> GetState(std::string_view key) const = 0;
  // All state entries whose key starts with `prefix`, in key order, at most `limit`.
  virtual std::vector<std::pair<std::string, std::string>> ScanState(std::string_view prefix,
                                                                     size_t limit) const = 0;

  // Consensus log: records are appended (synced) and replayed in order on restart;
  // TruncateRecords drops every record appended before the RecordsMark() call that
  // returned `mark`.
  virtual Status AppendRecords(const std::vector<pb::ReplicaRecord>& records) = 0;
  virtual std::vector<pb::ReplicaRecord> LoadRecords() const = 0;
  // A position in the record log: records appended after this call load after
  // every record appended before it. Marks only grow.
  virtual uint64_t RecordsMark() const = 0;
  // In ONE synced write: deletes every record appended before `mark` was taken, and
  // stores `keep` (in order) so that LoadRecords returns `keep` first, then the
  // records appended after `mark`. `keep` lets a driver compact the log (e.g. keep
  // its current view and its votes above a stable checkpoint) without a crash
  // window in which that information exists nowhere. Code "invalid_argument" when
  // `mark` is greater than RecordsMark().
  virtual Status TruncateRecords(uint64_t mark, const std::vector<pb::ReplicaRecord>& keep) = 0;
};

// Walks heights 1..Height(): each block is present and parses, its header height,
// hash index entry and link to the previous header, its tx root, tx count and batch
// digest, the tx index entry of each of its transactions, its certificate's sequence
// and digest, and (when `validator_public_keys` is non-empty) the certificate's 2f+1
// distinct valid signatures; finally the last header's hash against TipHash().
// Returns the first bad height with a reason; first_bad == 0 means sound. The state
// root is not checked here (it needs contract execution).
struct ChainReport {
  uint64_t height = 0;     // blocks examined (the bad one included)
  uint64_t first_bad = 0;  // 0 when sound
  std::string reason;      // empty when sound
  bool ok() const { return first_bad == 0; }
};
ChainReport VerifyChain(const Ledger& ledger, std::string_view chain_id,
                        const std::vector<std::string>& validator_public_keys);

}  // namespace cc::ledger
