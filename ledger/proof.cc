#include "ledger/proof.h"

#include "crypto/merkle.h"
#include "ledger/block.h"
#include "proto/canonical.h"

namespace cc::ledger {

pb::TxProof BuildTxProof(const pb::CertifiedBlock& block, uint32_t index) {
  const crypto::MerklePath path = crypto::BuildMerklePath(BlockTxIds(block.block()), index);
  pb::TxProof proof;
  proof.set_tx(block.block().txs(static_cast<int>(index)));
  pb::MerkleProof* merkle = proof.mutable_merkle();
  merkle->set_leaf_index(path.leaf_index);
  merkle->set_leaf_count(path.leaf_count);
  for (const auto& sibling : path.siblings) merkle->add_siblings(sibling);
  *proof.mutable_header() = block.block().header();
  *proof.mutable_certificate() = block.certificate();
  return proof;
}

Status VerifyTxProof(const pb::TxProof& proof, std::string_view chain_id,
                     const std::vector<std::string>& validator_public_keys) {
  if (validator_public_keys.empty()) {
    return Status::Error("invalid_argument", "a proof is checked against validator keys; none given");
  }
  const pb::BlockHeader& h = proof.header();
  if (proof.merkle().leaf_count() != h.tx_count()) {
    return Status::Error("bad_proof", "Merkle path is for " + std::to_string(proof.merkle().leaf_count()) +
                                          " leaves but the header has " + std::to_string(h.tx_count()) +
                                          " transactions");
  }
  crypto::MerklePath path;
  path.leaf_index = proof.merkle().leaf_index();
  path.leaf_count = proof.merkle().leaf_count();
  path.siblings.assign(proof.merkle().siblings().begin(), proof.merkle().siblings().end());
  if (!crypto::VerifyMerklePath(proto::TxId(proof.tx()), path, h.tx_root())) {
    return Status::Error("bad_proof", "the transaction is not at leaf " + std::to_string(path.leaf_index) +
                                          " under the header's tx_root");
  }
  if (h.batch_digest() != proto::BatchDigest(h.timestamp_ms(), h.tx_count(), h.tx_root())) {
    return Status::Error("bad_proof",
                         "header batch_digest does not match its timestamp, "
                         "tx_count and tx_root");
  }
  return VerifyCertificate(proof.certificate(), h, chain_id, validator_public_keys);
}

}  // namespace cc::ledger
