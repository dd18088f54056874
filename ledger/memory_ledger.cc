#include "ledger/memory_ledger.h"

#include "common/hex.h"
#include "ledger/block.h"
#include "ledger/proof.h"
#include "ledger/storage_keys.h"
#include "proto/canonical.h"

namespace cc::ledger {

MemoryLedger::MemoryLedger() : tip_hash_(ZeroHash()), records_next_(keys::kFirstRecordNumber) {}

uint64_t MemoryLedger::Height() const {
  std::lock_guard<std::mutex> lock(mu_);
  return blocks_.size();
}

std::string MemoryLedger::TipHash() const {
  std::lock_guard<std::mutex> lock(mu_);
  return tip_hash_;
}

Status MemoryLedger::Append(const pb::CertifiedBlock& block, const StateWrites& writes) {
  std::lock_guard<std::mutex> lock(mu_);
  CC_RETURN_IF_ERROR(CheckNextBlock(block, blocks_.size(), tip_hash_));
  const uint64_t height = block.block().header().height();
  const std::string hash = proto::BlockHash(block.block().header());
  const std::vector<std::string> ids = BlockTxIds(block.block());
  for (uint32_t i = 0; i < ids.size(); ++i) by_tx_.emplace(ids[i], TxLocation{height, i});
  for (const auto& [key, value] : writes) {
    if (value) {
      state_[key] = *value;
    } else {
      state_.erase(key);
    }
  }
  by_hash_[hash] = height;
  blocks_.push_back(block);
  tip_hash_ = hash;
  return Status::Ok();
}

Result<pb::CertifiedBlock> MemoryLedger::GetBlockLocked(uint64_t height) const {
  if (height == 0 || height > blocks_.size()) {
    return Status::Error("not_found", "no block at height " + std::to_string(height));
  }
  return blocks_[height - 1];
}

Result<pb::CertifiedBlock> MemoryLedger::GetBlock(uint64_t height) const {
  std::lock_guard<std::mutex> lock(mu_);
  return GetBlockLocked(height);
}

Result<pb::CertifiedBlock> MemoryLedger::GetBlockByHash(std::string_view hash) const {
  std::lock_guard<std::mutex> lock(mu_);
  const auto it = by_hash_.find(hash);
  if (it == by_hash_.end()) return Status::Error("not_found", "no block with hash " + ToHex(hash));
  return GetBlockLocked(it->second);
}

Result<TxLocation> MemoryLedger::FindTx(std::string_view tx_id) const {
  std::lock_guard<std::mutex> lock(mu_);
  const auto it = by_tx_.find(tx_id);
  if (it == by_tx_.end()) return Status::Error("not_found", "no transaction " + ToHex(tx_id));
  return it->second;
}

Result<pb::TxProof> MemoryLedger::GetTxProof(std::string_view tx_id) const {
  std::lock_guard<std::mutex> lock(mu_);
  const auto it = by_tx_.find(tx_id);
  if (it == by_tx_.end()) return Status::Error("not_found", "no transaction " + ToHex(tx_id));
  return BuildTxProof(blocks_[it->second.height - 1], it->second.index);
}

std::optional<std::string> MemoryLedger::GetState(std::string_view key) const {
  std::lock_guard<std::mutex> lock(mu_);
  const auto it = state_.find(key);
  if (it == state_.end()) return std::nullopt;
  return it->second;
}

std::vector<std::pair<std::string, std::string>> MemoryLedger::ScanState(std::string_view prefix,
                                                                         size_t limit) const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::pair<std::string, std::string>> out;
  for (auto it = state_.lower_bound(prefix);
       it != state_.end() && out.size() < limit && it->first.starts_with(prefix); ++it) {
    out.emplace_back(*it);
  }
  return out;
}

Status MemoryLedger::AppendRecords(const std::vector<pb::ReplicaRecord>& records) {
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& r : records) records_[records_next_++] = r;
  return Status::Ok();
}

std::vector<pb::ReplicaRecord> MemoryLedger::LoadRecords() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<pb::ReplicaRecord> out;
  out.reserve(records_.size());
  for (const auto& [number, record] : records_) out.push_back(record);
  return out;
}

uint64_t MemoryLedger::RecordsMark() const {
  std::lock_guard<std::mutex> lock(mu_);
  return records_next_;
}

Status MemoryLedger::TruncateRecords(uint64_t mark, const std::vector<pb::ReplicaRecord>& keep) {
  std::lock_guard<std::mutex> lock(mu_);
  if (mark > records_next_ || keep.size() > mark) {
    return Status::Error("invalid_argument",
                         "record mark " + std::to_string(mark) + " was never returned by RecordsMark()");
  }
  records_.erase(records_.begin(), records_.lower_bound(mark));
  uint64_t number = mark - keep.size();
  for (const auto& r : keep) records_[number++] = r;
  return Status::Ok();
}

}  // namespace cc::ledger
