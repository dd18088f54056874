// Canonical encodings of everything CreditChain signs or hashes, and the ids and
// digests derived from them. The byte layouts are specified in docs/encoding.md and
// pinned by tests/proto/canonical_test.cc; changing one is a hard fork.
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "proto/creditchain.pb.h"

namespace cc::proto {

// ---- transactions
std::string TxBodySigningBytes(const pb::TxBody& body);
// tx id = BLAKE2b-256 of the exact serialized SignedTx.
std::string TxId(std::string_view signed_tx_bytes);
// Parses a SignedTx and requires canonical protobuf form: re-serializing the parsed
// message (unknown fields dropped) must give back exactly `raw`. This closes the
// malleability hole in which one signed body gets several tx ids. Codes:
// "malformed" (does not parse), "non_canonical".
Status ParseCanonicalTx(std::string_view raw, pb::SignedTx* out);

// ---- blocks and batches
std::string BlockHeaderBytes(const pb::BlockHeader& header);
std::string BlockHash(const pb::BlockHeader& header);
// The digest PBFT agrees on: binds the primary's timestamp and the ordered tx ids
// (through their Merkle root).
std::string BatchDigest(uint64_t timestamp_ms, uint32_t tx_count, const std::string& tx_root);
std::vector<std::string> TxIds(const pb::Batch& batch);
std::string BatchDigestOf(const pb::Batch& batch);

// ---- signature attestations (pb::TxAttestation): the validator, then each
// (tx id, public key) pair in order; the signature field is not covered.
std::string TxAttestationSigningBytes(std::string_view chain_id, const pb::TxAttestation& attestation);

// ---- consensus votes. `chain_id` separates networks.
std::string PrePrepareSigningBytes(std::string_view chain_id, uint64_t view, uint64_t sequence,
                                   std::string_view digest, uint32_t replica);
std::string PrepareSigningBytes(std::string_view chain_id, uint64_t view, uint64_t sequence,
                                std::string_view digest, uint32_t replica);
// A commit vote is what a commit certificate's signatures cover.
std::string CommitSigningBytes(std::string_view chain_id, uint64_t view, uint64_t sequence,
                               std::string_view digest, uint32_t replica);
std::string CheckpointSigningBytes(std::string_view chain_id, uint64_t sequence,
                                   std::string_view state_digest, uint32_t replica);
// A view timeout ("I give up on `view`") signs the view and the replica.
std::string ViewTimeoutSigningBytes(std::string_view chain_id, uint64_t view, uint32_t replica);
// A view change signs its claims: the stable checkpoint and, for each prepared
// proof, (view, sequence, digest). The proofs inside are signed messages checked
// on their own.
std::string ViewChangeSigningBytes(std::string_view chain_id, const pb::ViewChange& vc);
// A new view signs the view, the senders and signatures of the view changes it
// carries, and the (sequence, digest) of every re-issued pre-prepare.
std::string NewViewSigningBytes(std::string_view chain_id, const pb::NewView& nv);

}  // namespace cc::proto
