// LevelDbLedger: the node's one database (ledger/ledger.h contract). Key layout in
// ledger/storage_keys.h and docs/storage.md.
//
// Append writes the block, its certificate, the hash and tx index entries, the
// state writes and the new tip as ONE leveldb::WriteBatch with sync = true, so after
// a crash (process or machine) a block is wholly present with its state or wholly
// absent. AppendRecords and TruncateRecords are synced batches too.
//
// A failed write poisons the ledger: after any of the three returns a storage error,
// every later write fails with code "io" until the database is reopened. LevelDB
// itself goes on accepting writes after a log write failed (without a failed sync):
// they land behind the torn record, are synced and acknowledged, and the next open
// loses them, since recovery drops the rest of that log file after the torn record;
// when a later log file survives, the ledger even reopens with a hole below its tip
// that Open's tip check does not see (tests/ledger/append_fault_test.cc). Reopening
// recovers the log up to the torn record and starts a new one.
//
// Open checks the stored tip: the tip block and its certificate exist, the block's
// header hash recomputed equals the stored tip hash, the hash index maps it back to
// the tip height, and no block is stored above the tip. Anything else is reported
// as code "corruption" naming the height. It does not walk the chain: VerifyChain
// does (`creditctl verify`).
//
// Thread safety: every method may be called concurrently. Writers are serialized by
// a mutex; reads go straight to LevelDB (itself thread-safe) and never see a
// partially applied block, because each block is one atomic batch.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "ledger/ledger.h"

namespace leveldb {
class DB;
class Env;
class WriteBatch;
}  // namespace leveldb

namespace cc::ledger {

// Where a node keeps its ledger database inside its data directory: DIR/ledger.
inline std::string LedgerDbPath(const std::string& data_dir) { return data_dir + "/ledger"; }

struct OpenOptions {
  // false: a missing database is an error (code "not_found"), as for `creditctl
  // verify`, which must never create an empty database where it expected one.
  bool create_if_missing = true;
  // LevelDB block cache size in bytes (0: LevelDB's default of 8 MiB).
  size_t cache_bytes = 0;
  // LevelDB memtable size in bytes before it is written to a table and a new log
  // file started (0: LevelDB's default of 4 MiB). Tests make it small to exercise
  // log switches and compactions.
  size_t write_buffer_bytes = 0;
  // The file system LevelDB uses (nullptr: leveldb::Env::Default()). Borrowed; must
  // outlive the ledger. Tests pass a fault-injecting Env (tests/support/fault_env.h).
  leveldb::Env* env = nullptr;
};

class LevelDbLedger final : public Ledger {
 public:
  // Codes: "not_found" (no database and !create_if_missing), "io" (cannot open, e.g.
  // locked by a running node), "corruption" (tip check failed), "unsupported_format".
  static Result<std::unique_ptr<LevelDbLedger>> Open(const std::string& path,
                                                     const OpenOptions& options = {});
  ~LevelDbLedger() override;
  LevelDbLedger(const LevelDbLedger&) = delete;
  LevelDbLedger& operator=(const LevelDbLedger&) = delete;

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
  struct Handles;  // LevelDB db, cache; hidden so callers need no LevelDB headers
  explicit LevelDbLedger(std::unique_ptr<Handles> handles);
  Status LoadMeta();
  Result<std::optional<std::string>> Read(const std::string& key) const;
  // Writes `batch` synced, unless an earlier write failed; a failure poisons the
  // ledger (see above). REQUIRES: mu_ held.
  Status WriteSynced(leveldb::WriteBatch& batch, const std::string& what);

  std::unique_ptr<Handles> handles_;
  leveldb::DB* db_;  // owned by handles_

  mutable std::mutex mu_;  // serializes writers; guards the fields below
  uint64_t height_ = 0;
  std::string tip_hash_;
  uint64_t records_next_ = 0;
  Status write_error_;  // OK, or why every write now fails
};

}  // namespace cc::ledger
