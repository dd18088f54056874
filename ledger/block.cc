#include "ledger/block.h"

#include <set>

#include "common/hex.h"
#include "crypto/keys.h"
#include "crypto/merkle.h"
#include "proto/canonical.h"

namespace cc::ledger {

namespace {

Status BadBlock(uint64_t height, const std::string& what) {
  return Status::Error("bad_block", "block " + std::to_string(height) + ": " + what);
}

Status BadCertificate(const std::string& what) { return Status::Error("bad_certificate", what); }

}  // namespace

std::string ZeroHash() { return std::string(kBlockHashSize, '\0'); }

size_t QuorumSize(size_t n) { return 2 * ((n - 1) / 3) + 1; }

pb::Block BuildBlock(uint64_t height, std::string_view prev_hash, uint64_t timestamp_ms,
                     const std::vector<std::string>& txs, std::string_view state_root) {
  pb::Block block;
  std::vector<std::string> ids;
  ids.reserve(txs.size());
  for (const auto& tx : txs) {
    ids.push_back(proto::TxId(tx));
    block.add_txs(tx);
  }
  const std::string tx_root = crypto::MerkleRoot(ids);
  const auto count = static_cast<uint32_t>(txs.size());
  pb::BlockHeader* h = block.mutable_header();
  h->set_height(height);
  h->set_prev_hash(std::string(prev_hash));
  h->set_batch_digest(proto::BatchDigest(timestamp_ms, count, tx_root));
  h->set_tx_root(tx_root);
  h->set_state_root(std::string(state_root));
  h->set_timestamp_ms(timestamp_ms);
  h->set_tx_count(count);
  return block;
}

pb::Block BuildBlockFromBatch(uint64_t height, std::string_view prev_hash, const pb::Batch& batch,
                              std::string_view state_root) {
  std::vector<std::string> txs(batch.requests().begin(), batch.requests().end());
  return BuildBlock(height, prev_hash, batch.timestamp_ms(), txs, state_root);
}

std::vector<std::string> BlockTxIds(const pb::Block& block) {
  std::vector<std::string> ids;
  ids.reserve(block.txs_size());
  for (const auto& tx : block.txs()) ids.push_back(proto::TxId(tx));
  return ids;
}

Status CheckBlock(const pb::Block& block) {
  const pb::BlockHeader& h = block.header();
  if (h.height() == 0) return BadBlock(0, "height 0 is not a block height");
  if (h.prev_hash().size() != kBlockHashSize) {
    return BadBlock(h.height(), "prev_hash is " + std::to_string(h.prev_hash().size()) + " bytes, want 32");
  }
  if (h.height() == 1 && h.prev_hash() != ZeroHash()) {
    return BadBlock(1, "prev_hash of the first block must be 32 zero bytes");
  }
  if (h.tx_count() != static_cast<uint32_t>(block.txs_size())) {
    return BadBlock(h.height(), "tx_count " + std::to_string(h.tx_count()) + " but " +
                                    std::to_string(block.txs_size()) + " transactions");
  }
  const std::string tx_root = crypto::MerkleRoot(BlockTxIds(block));
  if (h.tx_root() != tx_root) {
    return BadBlock(h.height(), "tx_root " + ToHex(h.tx_root()) + " does not match the transactions (" +
                                    ToHex(tx_root) + ")");
  }
  if (h.batch_digest() != proto::BatchDigest(h.timestamp_ms(), h.tx_count(), tx_root)) {
    return BadBlock(h.height(), "batch_digest does not match timestamp, tx_count and tx_root");
  }
  return Status::Ok();
}

Status CheckCertificateBinding(const pb::CommitCertificate& cert, const pb::BlockHeader& header) {
  if (cert.sequence() != header.height()) {
    return BadCertificate("certificate sequence " + std::to_string(cert.sequence()) +
                          " is not block height " + std::to_string(header.height()));
  }
  if (cert.digest() != header.batch_digest()) {
    return BadCertificate("certificate digest is not the batch digest of block " +
                          std::to_string(header.height()));
  }
  return Status::Ok();
}

Status VerifyCertificateQuorum(const pb::CommitCertificate& cert, std::string_view chain_id,
                               const std::vector<std::string>& validator_public_keys) {
  const size_t n = validator_public_keys.size();
  if (n == 0) return Status::Error("invalid_argument", "no validator public keys given");
  const size_t quorum = QuorumSize(n);
  std::set<uint32_t> valid;
  for (const auto& sig : cert.signatures()) {
    if (valid.size() >= quorum) break;  // proven; further signatures change nothing
    if (sig.validator() >= n || valid.count(sig.validator()) != 0) continue;
    const std::string message =
        proto::CommitSigningBytes(chain_id, cert.view(), cert.sequence(), cert.digest(), sig.validator());
    if (crypto::Verify(validator_public_keys[sig.validator()], message, sig.signature())) {
      valid.insert(sig.validator());
    }
  }
  if (valid.size() < quorum) {
    return BadCertificate("certificate for sequence " + std::to_string(cert.sequence()) + " has " +
                          std::to_string(valid.size()) + " distinct valid validator signatures, needs " +
                          std::to_string(quorum) + " of " + std::to_string(n));
  }
  return Status::Ok();
}

Status VerifyCertificate(const pb::CommitCertificate& cert, const pb::BlockHeader& header,
                         std::string_view chain_id, const std::vector<std::string>& validator_public_keys) {
  CC_RETURN_IF_ERROR(CheckCertificateBinding(cert, header));
  return VerifyCertificateQuorum(cert, chain_id, validator_public_keys);
}

Status CheckNextBlock(const pb::CertifiedBlock& block, uint64_t tip_height, std::string_view tip_hash) {
  const pb::BlockHeader& h = block.block().header();
  if (h.height() != tip_height + 1) {
    return Status::Error("out_of_order", "block height " + std::to_string(h.height()) +
                                             " does not follow tip " + std::to_string(tip_height));
  }
  if (h.prev_hash() != tip_hash) {
    return Status::Error("bad_prev_hash", "block " + std::to_string(h.height()) + ": prev_hash " +
                                              ToHex(h.prev_hash()) + " is not the tip hash " +
                                              ToHex(tip_hash));
  }
  CC_RETURN_IF_ERROR(CheckBlock(block.block()));
  return CheckCertificateBinding(block.certificate(), h);
}

}  // namespace cc::ledger
