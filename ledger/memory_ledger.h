// MemoryLedger: the Ledger contract (ledger/ledger.h) held in memory, for tests of
// the layers above. Same checks, codes and first-location tx indexing as
// LevelDbLedger; "synced" means nothing here, and nothing survives the object.
//
// Thread safety: every method may be called concurrently (one mutex).
#pragma once

#include <map>
#include <mutex>
#include <string>

#include "ledger/ledger.h"

namespace cc::ledger {

class MemoryLedger final : public Ledger {
 public:
  MemoryLedger();

  uint64_t Height() const override;
  std::string TipHash() const override;
  Status Append(const pb::CertifiedBlock& block, const StateWrites& writes) override;
  Result<pb::CertifiedBlock> GetBlock(uint64_t height) const override;
  Result<pb::CertifiedBlock> GetBlockByHash(std::string_view hash) const override;
  Result<TxLocation> FindTx(std::string_view tx_id) const override;
  Result<pb::TxProof> GetTxProof(std::string_view tx_id) const override;
  std::optional<std::string> GetState(std::string_view key) const override;
  std::vector<std::pair<std::string, std::string>> ScanState(std::string_view prefix,
                                                             size_t limit) const override;
  Status AppendRecords(const std::vector<pb::ReplicaRecord>& records) override;
  std::vector<pb::ReplicaRecord> LoadRecords() const override;
  uint64_t RecordsMark() const override;
  Status TruncateRecords(uint64_t mark, const std::vector<pb::ReplicaRecord>& keep) override;

 private:
  Result<pb::CertifiedBlock> GetBlockLocked(uint64_t height) const;

  mutable std::mutex mu_;
  std::vector<pb::CertifiedBlock> blocks_;  // blocks_[h - 1] is height h
  std::string tip_hash_;
  std::map<std::string, uint64_t, std::less<>> by_hash_;
  std::map<std::string, TxLocation, std::less<>> by_tx_;
  std::map<std::string, std::string, std::less<>> state_;
  std::map<uint64_t, pb::ReplicaRecord> records_;
  uint64_t records_next_;
};

}  // namespace cc::ledger
