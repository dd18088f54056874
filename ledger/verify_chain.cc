// VerifyChain (declared in ledger/ledger.h): a full walk of the stored chain.

#include <unordered_map>

#include "common/hex.h"
#include "ledger/block.h"
#include "ledger/ledger.h"
#include "proto/canonical.h"

namespace cc::ledger {

namespace {

// Every transaction of `block` is indexed: at this block (its first occurrence
// here) or at an earlier block that holds the same transaction.
Status CheckTxIndex(const Ledger& ledger, const pb::Block& block, const std::vector<std::string>& ids) {
  const uint64_t height = block.header().height();
  std::unordered_map<std::string, uint32_t> first;
  for (uint32_t i = 0; i < ids.size(); ++i) first.emplace(ids[i], i);
  for (const auto& [id, index] : first) {
    auto loc = ledger.FindTx(id);
    if (!loc.ok()) {
      return Status::Error("corruption", "transaction " + std::to_string(index) + " (" + ToHex(id) +
                                             ") is not indexed: " + loc.status().ToString());
    }
    if (loc->height == height && loc->index == index) continue;
    if (loc->height < height) {
      auto earlier = ledger.GetBlock(loc->height);
      if (earlier.ok() && loc->index < static_cast<uint32_t>(earlier->block().txs_size()) &&
          proto::TxId(earlier->block().txs(static_cast<int>(loc->index))) == id) {
        continue;
      }
    }
    return Status::Error("corruption", "tx index entry of transaction " + std::to_string(index) +
                                           " points at height " + std::to_string(loc->height) + " index " +
                                           std::to_string(loc->index));
  }
  return Status::Ok();
}

Status CheckOne(const Ledger& ledger, uint64_t height, const std::string& prev_hash,
                std::string_view chain_id, const std::vector<std::string>& validators,
                std::string* hash_out) {
  auto stored = ledger.GetBlock(height);
  if (!stored.ok()) return stored.status();
  const pb::Block& block = stored->block();
  const pb::BlockHeader& header = block.header();
  if (header.height() != height) {
    return Status::Error("corruption", "stored header says height " + std::to_string(header.height()));
  }
  if (header.prev_hash() != prev_hash) {
    return Status::Error("corruption", "prev_hash " + ToHex(header.prev_hash()) +
                                           " is not the hash of the previous header " + ToHex(prev_hash));
  }
  CC_RETURN_IF_ERROR(CheckBlock(block));
  const std::string hash = proto::BlockHash(header);
  auto by_hash = ledger.GetBlockByHash(hash);
  if (!by_hash.ok() || by_hash->block().header().height() != height) {
    return Status::Error("corruption", "hash index does not map " + ToHex(hash) + " to it");
  }
  CC_RETURN_IF_ERROR(CheckTxIndex(ledger, block, BlockTxIds(block)));
  if (validators.empty()) {
    CC_RETURN_IF_ERROR(CheckCertificateBinding(stored->certificate(), header));
  } else {
    CC_RETURN_IF_ERROR(VerifyCertificate(stored->certificate(), header, chain_id, validators));
  }
  *hash_out = hash;
  return Status::Ok();
}

}  // namespace

ChainReport VerifyChain(const Ledger& ledger, std::string_view chain_id,
                        const std::vector<std::string>& validator_public_keys) {
  ChainReport report;
  // Heights only grow, so an unchanged Height() around TipHash() pairs them even
  // while another thread appends.
  uint64_t tip = 0;
  std::string tip_hash;
  do {
    tip = ledger.Height();
    tip_hash = ledger.TipHash();
  } while (ledger.Height() != tip);
  std::string prev = ZeroHash();
  for (uint64_t h = 1; h <= tip; ++h) {
    report.height = h;
    std::string hash;
    const Status s = CheckOne(ledger, h, prev, chain_id, validator_public_keys, &hash);
    if (!s.ok()) {
      report.first_bad = h;
      report.reason = s.ToString();
      return report;
    }
    prev = std::move(hash);
  }
  if (tip > 0 && prev != tip_hash) {
    report.first_bad = tip;
    report.reason = "corruption: tip hash " + ToHex(tip_hash) + " is not the last header's hash";
  }
  return report;
}

}  // namespace cc::ledger
