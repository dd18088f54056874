#include "ledger/leveldb_ledger.h"

#include <leveldb/cache.h>
#include <leveldb/db.h>
#include <leveldb/filter_policy.h>
#include <leveldb/write_batch.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <set>

#include "common/hex.h"
#include "ledger/block.h"
#include "ledger/proof.h"
#include "ledger/storage_keys.h"
#include "proto/canonical.h"

namespace cc::ledger {

struct LevelDbLedger::Handles {
  std::unique_ptr<const leveldb::FilterPolicy> filter;
  std::unique_ptr<leveldb::Cache> cache;
  std::unique_ptr<leveldb::DB> db;  // declared last: closed before filter and cache go
};

namespace {

Status FromLevelDb(const leveldb::Status& s, const std::string& context) {
  if (s.ok()) return Status::Ok();
  const std::string code = s.IsCorruption() ? "corruption" : s.IsNotFound() ? "not_found" : "io";
  return Status::Error(code, context + ": " + s.ToString());
}

Status Corruption(const std::string& what) { return Status::Error("corruption", what); }

// Reads that have no error channel in the Ledger interface (GetState, ScanState,
// LoadRecords) stop the process on a storage failure rather than answer from a
// damaged database as if data were absent.
[[noreturn]] void DieOnStorageError(const std::string& what) {
  std::fprintf(stderr, "FATAL: ledger storage failure: %s\n", what.c_str());
  std::abort();
}

bool HasPrefix(const leveldb::Slice& key, std::string_view prefix) {
  return key.size() >= prefix.size() && std::string_view(key.data(), prefix.size()) == prefix;
}

leveldb::WriteOptions Synced() {
  leveldb::WriteOptions w;
  w.sync = true;
  return w;
}

}  // namespace

Result<std::unique_ptr<LevelDbLedger>> LevelDbLedger::Open(const std::string& path,
                                                           const OpenOptions& options) {
  std::error_code ec;
  if (!options.create_if_missing && !std::filesystem::exists(path + "/CURRENT", ec)) {
    return Status::Error("not_found", "no ledger database at " + path);
  }
  auto handles = std::make_unique<Handles>();
  handles->filter.reset(leveldb::NewBloomFilterPolicy(10));
  leveldb::Options lo;
  lo.create_if_missing = options.create_if_missing;
  // What the ledger stores is mostly signatures, hashes and signed transactions,
  // which snappy cannot shrink; compressing every block cost CPU (a visible share
  // of a node's profile under load, docs/benchmarks.md) for next to no space.
  lo.compression = leveldb::kNoCompression;
  lo.filter_policy = handles->filter.get();
  if (options.cache_bytes > 0) {
    handles->cache.reset(leveldb::NewLRUCache(options.cache_bytes));
    lo.block_cache = handles->cache.get();
  }
  if (options.write_buffer_bytes > 0) lo.write_buffer_size = options.write_buffer_bytes;
  if (options.env != nullptr) lo.env = options.env;
  leveldb::DB* raw = nullptr;
  CC_RETURN_IF_ERROR(FromLevelDb(leveldb::DB::Open(lo, path, &raw), "opening " + path));
  handles->db.reset(raw);
  std::unique_ptr<LevelDbLedger> ledger(new LevelDbLedger(std::move(handles)));
  CC_RETURN_IF_ERROR(ledger->LoadMeta());
  return ledger;
}

LevelDbLedger::LevelDbLedger(std::unique_ptr<Handles> handles)
    : handles_(std::move(handles)), db_(handles_->db.get()), tip_hash_(ZeroHash()) {}

LevelDbLedger::~LevelDbLedger() = default;

Result<std::optional<std::string>> LevelDbLedger::Read(const std::string& key) const {
  std::string value;
  const leveldb::Status s = db_->Get(leveldb::ReadOptions(), key, &value);
  if (s.IsNotFound()) return std::optional<std::string>();
  CC_RETURN_IF_ERROR(FromLevelDb(s, "reading ledger"));
  return std::optional<std::string>(std::move(value));
}

Status LevelDbLedger::LoadMeta() {
  // Format marker: written into a brand-new database, required in an existing one.
  auto format = Read(keys::FormatMeta());
  if (!format.ok()) return format.status();
  if (!format->has_value()) {
    std::unique_ptr<leveldb::Iterator> it(db_->NewIterator(leveldb::ReadOptions()));
    it->SeekToFirst();
    if (it->Valid()) return Corruption("database has data but no ledger format marker");
    CC_RETURN_IF_ERROR(FromLevelDb(db_->Put(Synced(), keys::FormatMeta(), std::string(keys::kFormat)),
                                   "writing format marker"));
  } else if (**format != keys::kFormat) {
    return Status::Error("unsupported_format",
                         "ledger format '" + **format + "', expected '" + std::string(keys::kFormat) + "'");
  }

  auto next = Read(keys::RecordsNextMeta());
  if (!next.ok()) return next.status();
  records_next_ = keys::kFirstRecordNumber;
  if (next->has_value()) {
    const auto decoded = keys::DecodeU64(**next);
    if (!decoded) return Corruption("records_next meta is malformed");
    records_next_ = *decoded;
  }

  auto tip = Read(keys::TipMeta());
  if (!tip.ok()) return tip.status();
  uint64_t height = 0;
  std::string hash = ZeroHash();
  if (tip->has_value()) {
    const std::string& v = **tip;
    if (v.size() != 8 + kBlockHashSize) return Corruption("tip meta is malformed");
    height = keys::GetUint(v, 0, 8);
    hash = v.substr(8);
    const std::string at = "tip block at height " + std::to_string(height);
    auto stored = GetBlock(height);
    if (!stored.ok()) return Corruption(at + ": " + stored.status().ToString());
    if (proto::BlockHash(stored->block().header()) != hash) {
      return Corruption(at + ": header hash does not match the stored tip hash " + ToHex(hash));
    }
    auto indexed = Read(keys::HashIndex(hash));
    if (!indexed.ok()) return indexed.status();
    if (!indexed->has_value() || keys::DecodeU64(**indexed) != height) {
      return Corruption(at + ": hash index does not map its hash to it");
    }
  }
  // Nothing may be stored above the tip: every block arrives with its tip update.
  std::unique_ptr<leveldb::Iterator> it(db_->NewIterator(leveldb::ReadOptions()));
  it->Seek(keys::Block(height + 1));
  if (it->Valid() && HasPrefix(it->key(), std::string(1, keys::kBlock))) {
    return Corruption("a block is stored above the tip height " + std::to_string(height));
  }
  height_ = height;
  tip_hash_ = hash;
  return Status::Ok();
}

Status LevelDbLedger::WriteSynced(leveldb::WriteBatch& batch, const std::string& what) {
  if (!write_error_.ok()) return write_error_;
  Status st = FromLevelDb(db_->Write(Synced(), &batch), what);
  if (!st.ok()) {
    write_error_ = Status::Error(
        "io", "the ledger takes no writes after a failed one until it is reopened (" + st.ToString() + ")");
  }
  return st;
}

uint64_t LevelDbLedger::Height() const {
  std::lock_guard<std::mutex> lock(mu_);
  return height_;
}

std::string LevelDbLedger::TipHash() const {
  std::lock_guard<std::mutex> lock(mu_);
  return tip_hash_;
}

Status LevelDbLedger::Append(const pb::CertifiedBlock& block, const StateWrites& writes) {
  std::lock_guard<std::mutex> lock(mu_);
  CC_RETURN_IF_ERROR(CheckNextBlock(block, height_, tip_hash_));
  const pb::BlockHeader& header = block.block().header();
  const uint64_t height = header.height();
  const std::string hash = proto::BlockHash(header);

  leveldb::WriteBatch batch;
  batch.Put(keys::Block(height), block.block().SerializeAsString());
  batch.Put(keys::Certificate(height), block.certificate().SerializeAsString());
  std::string height_bytes;
  keys::PutU64(height_bytes, height);
  batch.Put(keys::HashIndex(hash), height_bytes);
  // A tx id keeps its first location: skip ids already indexed or repeated in this block.
  std::set<std::string> seen;
  const std::vector<std::string> ids = BlockTxIds(block.block());
  for (uint32_t i = 0; i < ids.size(); ++i) {
    if (!seen.insert(ids[i]).second) continue;
    auto existing = Read(keys::TxIndex(ids[i]));
    if (!existing.ok()) return existing.status();
    if (existing->has_value()) continue;
    batch.Put(keys::TxIndex(ids[i]), keys::EncodeTxLocation(height, i));
  }
  for (const auto& [key, value] : writes) {
    if (value) {
      batch.Put(keys::State(key), *value);
    } else {
      batch.Delete(keys::State(key));
    }
  }
  batch.Put(keys::TipMeta(), height_bytes + hash);
  CC_RETURN_IF_ERROR(WriteSynced(batch, "appending block " + std::to_string(height)));
  height_ = height;
  tip_hash_ = hash;
  return Status::Ok();
}

Result<pb::CertifiedBlock> LevelDbLedger::GetBlock(uint64_t height) const {
  auto raw_block = Read(keys::Block(height));
  if (!raw_block.ok()) return raw_block.status();
  if (!raw_block->has_value()) {
    return Status::Error("not_found", "no block at height " + std::to_string(height));
  }
  auto raw_cert = Read(keys::Certificate(height));
  if (!raw_cert.ok()) return raw_cert.status();
  const std::string at = "block " + std::to_string(height);
  if (!raw_cert->has_value()) return Corruption(at + ": certificate missing");
  pb::CertifiedBlock out;
  if (!out.mutable_block()->ParseFromString(**raw_block)) {
    return Corruption(at + ": stored block does not parse");
  }
  if (!out.mutable_certificate()->ParseFromString(**raw_cert)) {
    return Corruption(at + ": stored certificate does not parse");
  }
  return out;
}

Result<pb::CertifiedBlock> LevelDbLedger::GetBlockByHash(std::string_view hash) const {
  auto raw = Read(keys::HashIndex(hash));
  if (!raw.ok()) return raw.status();
  if (!raw->has_value()) return Status::Error("not_found", "no block with hash " + ToHex(hash));
  const auto height = keys::DecodeU64(**raw);
  if (!height) return Corruption("hash index entry for " + ToHex(hash) + " is malformed");
  return GetBlock(*height);
}

Result<TxLocation> LevelDbLedger::FindTx(std::string_view tx_id) const {
  auto raw = Read(keys::TxIndex(tx_id));
  if (!raw.ok()) return raw.status();
  if (!raw->has_value()) return Status::Error("not_found", "no transaction " + ToHex(tx_id));
  const auto loc = keys::DecodeTxLocation(**raw);
  if (!loc) return Corruption("tx index entry for " + ToHex(tx_id) + " is malformed");
  return TxLocation{loc->height, loc->index};
}

Result<pb::TxProof> LevelDbLedger::GetTxProof(std::string_view tx_id) const {
  auto loc = FindTx(tx_id);
  if (!loc.ok()) return loc.status();
  auto block = GetBlock(loc->height);
  if (!block.ok()) return block.status();
  if (loc->index >= static_cast<uint32_t>(block->block().txs_size()) ||
      proto::TxId(block->block().txs(static_cast<int>(loc->index))) != tx_id) {
    return Corruption("tx index entry for " + ToHex(tx_id) + " points at block " +
                      std::to_string(loc->height) + " index " + std::to_string(loc->index) +
                      ", which holds another transaction");
  }
  return BuildTxProof(*block, loc->index);
}

std::optional<std::string> LevelDbLedger::GetState(std::string_view key) const {
  auto raw = Read(keys::State(key));
  if (!raw.ok()) DieOnStorageError(raw.status().ToString());
  return std::move(*raw);
}

std::vector<std::pair<std::string, std::string>> LevelDbLedger::ScanState(std::string_view prefix,
                                                                          size_t limit) const {
  std::vector<std::pair<std::string, std::string>> out;
  const std::string start = keys::State(prefix);
  std::unique_ptr<leveldb::Iterator> it(db_->NewIterator(leveldb::ReadOptions()));
  for (it->Seek(start); it->Valid() && out.size() < limit && HasPrefix(it->key(), start); it->Next()) {
    out.emplace_back(it->key().ToString().substr(1), it->value().ToString());
  }
  if (!it->status().ok()) DieOnStorageError("scanning state: " + it->status().ToString());
  return out;
}

Status LevelDbLedger::AppendRecords(const std::vector<pb::ReplicaRecord>& records) {
  if (records.empty()) return Status::Ok();
  std::lock_guard<std::mutex> lock(mu_);
  leveldb::WriteBatch batch;
  uint64_t next = records_next_;
  for (const auto& r : records) batch.Put(keys::Record(next++), r.SerializeAsString());
  std::string next_bytes;
  keys::PutU64(next_bytes, next);
  batch.Put(keys::RecordsNextMeta(), next_bytes);
  CC_RETURN_IF_ERROR(WriteSynced(batch, "appending replica records"));
  records_next_ = next;
  return Status::Ok();
}

std::vector<pb::ReplicaRecord> LevelDbLedger::LoadRecords() const {
  std::vector<pb::ReplicaRecord> out;
  const std::string prefix(1, keys::kRecord);
  std::unique_ptr<leveldb::Iterator> it(db_->NewIterator(leveldb::ReadOptions()));
  for (it->Seek(prefix); it->Valid() && HasPrefix(it->key(), prefix); it->Next()) {
    pb::ReplicaRecord r;
    if (!r.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      DieOnStorageError("replica record does not parse");
    }
    out.push_back(std::move(r));
  }
  if (!it->status().ok()) DieOnStorageError("loading replica records: " + it->status().ToString());
  return out;
}

uint64_t LevelDbLedger::RecordsMark() const {
  std::lock_guard<std::mutex> lock(mu_);
  return records_next_;
}

Status LevelDbLedger::TruncateRecords(uint64_t mark, const std::vector<pb::ReplicaRecord>& keep) {
  std::lock_guard<std::mutex> lock(mu_);
  if (mark > records_next_ || keep.size() > mark) {
    return Status::Error("invalid_argument",
                         "record mark " + std::to_string(mark) + " was never returned by RecordsMark()");
  }
  leveldb::WriteBatch batch;
  const std::string prefix(1, keys::kRecord);
  const std::string end = keys::Record(mark);
  std::unique_ptr<leveldb::Iterator> it(db_->NewIterator(leveldb::ReadOptions()));
  for (it->Seek(prefix); it->Valid() && it->key().compare(end) < 0; it->Next()) {
    batch.Delete(it->key());
  }
  CC_RETURN_IF_ERROR(FromLevelDb(it->status(), "scanning replica records"));
  // Kept records take the numbers just below `mark`: after every survivor is gone,
  // before every record appended since.
  uint64_t number = mark - keep.size();
  for (const auto& r : keep) batch.Put(keys::Record(number++), r.SerializeAsString());
  return WriteSynced(batch, "truncating replica records");
}

}  // namespace cc::ledger
