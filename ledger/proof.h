// Transaction inclusion proofs: a transaction, its Merkle path to the block's
// tx_root, the block header and the block's commit certificate (pb::TxProof).
// VerifyTxProof checks one offline, trusting nothing but the chain id and the
// validator public keys: it is what `creditctl verify-proof` and light clients use.
//
// Error codes: "bad_proof" (the transaction is not under the header's tx_root, or the
// header's batch digest does not match it), "bad_certificate", "invalid_argument".
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "proto/creditchain.pb.h"

namespace cc::ledger {

// The proof of transaction `index` of `block`. REQUIRES: index < block.txs_size().
pb::TxProof BuildTxProof(const pb::CertifiedBlock& block, uint32_t index);

// Checks that proof.tx (leaf = proto::TxId(proof.tx)) sits at proof.merkle.leaf_index
// of a tree of header.tx_count leaves with root header.tx_root, that the header's
// batch_digest is BatchDigest(timestamp_ms, tx_count, tx_root), and that the
// certificate is valid for the header (ledger::VerifyCertificate).
Status VerifyTxProof(const pb::TxProof& proof, std::string_view chain_id,
                     const std::vector<std::string>& validator_public_keys);

}  // namespace cc::ledger
