// Ledger: the committed chain of certified blocks and the state they produced.
//
// A block at height h follows the block at h-1 (header.prev_hash = BlockHash of
// h-1; zero-length prev_hash... see docs/encoding.md: 32 zero bytes at height 1).
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
  // Refuses (code "out_of_order" / "bad_prev_hash" / "bad_block", nothing written) a
  // block whose height or prev_hash does not follow or whose tx_root / tx_count
  // do not match its transactions.
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
  // TruncateRecords drops every record appended before the call that returned `mark`.
  virtual Status AppendRecords(const std::vector<pb::ReplicaRecord>& records) = 0;
  virtual std::vector<pb::ReplicaRecord> LoadRecords() const = 0;
};

// Walks heights 1..Height(): header hashes and links, tx roots, tx counts, batch
// digests, and (when `validators` is non-empty) each commit certificate against the
// validator public keys with 2f+1 distinct valid signatures for the block's batch
// digest. Returns the first bad height with a reason (code "corruption"), or OK.
struct ChainReport {
  uint64_t height = 0;        // blocks checked
  uint64_t first_bad = 0;     // 0 when sound
  std::string reason;
};
ChainReport VerifyChain(const Ledger& ledger, std::string_view chain_id,
                        const std::vector<std::string>& validator_public_keys);

}  // namespace cc::ledger
