// Block helpers: building a block from an ordered batch, checking a block's internal
// consistency, and verifying a commit certificate against the validator set.
//
// A block at height h is the PBFT batch committed at sequence h:
//   header.tx_root      = crypto::MerkleRoot(tx ids), tx id = proto::TxId(tx bytes)
//   header.tx_count     = number of transactions
//   header.timestamp_ms = the batch timestamp chosen by the primary, exactly
//   header.batch_digest = proto::BatchDigest(timestamp_ms, tx_count, tx_root)
//   header.prev_hash    = proto::BlockHash(header at h-1); 32 zero bytes at h = 1
// so the certificate's digest (what the validators signed) binds the transactions.
//
// A commit certificate for a block at height h is valid for a validator set of n
// public keys when cert.sequence == h, cert.digest == header.batch_digest, and it
// carries valid Ed25519 signatures over proto::CommitSigningBytes(chain_id,
// cert.view, h, digest, validator) from at least 2f+1 DISTINCT validator indexes
// below n, f = (n-1)/3. Extra or unknown signatures do not invalidate it; they just
// do not count.
//
// Error codes: "bad_block" (internal inconsistency), "bad_certificate" (certificate
// does not match the header or lacks a quorum), "invalid_argument" (no validators).
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "proto/creditchain.pb.h"

namespace cc::ledger {

inline constexpr size_t kBlockHashSize = 32;

// 32 zero bytes: prev_hash of the block at height 1, and TipHash() of an empty ledger.
std::string ZeroHash();

// 2f+1 for n validators, f = (n-1)/3. REQUIRES: n >= 1.
size_t QuorumSize(size_t n);

// Builds the block committed at `height` from the ordered batch (`timestamp_ms`,
// `txs` as serialized SignedTx). `state_root` is the state commitment after
// executing it. The result passes CheckBlock.
pb::Block BuildBlock(uint64_t height, std::string_view prev_hash, uint64_t timestamp_ms,
                     const std::vector<std::string>& txs, std::string_view state_root);

// The block of a committed PBFT batch (txs = batch.requests, timestamp from the batch).
pb::Block BuildBlockFromBatch(uint64_t height, std::string_view prev_hash, const pb::Batch& batch,
                              std::string_view state_root);

// Transaction ids of the block's transactions, in order.
std::vector<std::string> BlockTxIds(const pb::Block& block);

// Internal consistency: height >= 1, prev_hash of 32 bytes (zero at height 1),
// tx_count, tx_root and batch_digest recomputed from the transactions and timestamp.
// Code "bad_block" naming the first mismatch.
Status CheckBlock(const pb::Block& block);

// The certificate names the header's height and batch digest (no signature check).
// Code "bad_certificate".
Status CheckCertificateBinding(const pb::CommitCertificate& cert, const pb::BlockHeader& header);

// Quorum check of a certificate on its own (view, sequence, digest): 2f+1 distinct
// validators with valid signatures. Code "bad_certificate", or "invalid_argument"
// when `validator_public_keys` is empty.
Status VerifyCertificateQuorum(const pb::CommitCertificate& cert, std::string_view chain_id,
                               const std::vector<std::string>& validator_public_keys);

// CheckCertificateBinding + VerifyCertificateQuorum: the certificate proves that the
// validators committed exactly this header's batch at this height.
Status VerifyCertificate(const pb::CommitCertificate& cert, const pb::BlockHeader& header,
                         std::string_view chain_id, const std::vector<std::string>& validator_public_keys);

// What Append requires of the next block after a tip at (`tip_height`, `tip_hash`):
// codes "out_of_order", "bad_prev_hash", "bad_block", "bad_certificate" (binding only).
Status CheckNextBlock(const pb::CertifiedBlock& block, uint64_t tip_height, std::string_view tip_hash);

}  // namespace cc::ledger
