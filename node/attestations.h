// Attestations: validators vouch for the client signatures they checked, so the
// others need not check them again (docs/throughput.md, "Signature attestations").
//
// A validator that checked transactions' signatures (its own clients' on admission;
// a forward it admits as the primary, or as the primary's successor when the
// primary forwarded) signs one pb::TxAttestation over the (tx id, sender key)
// pairs and sends it with or after the transactions. A node that holds attestations
// of one pair from f+1 distinct validators records it in VerifiedSignatures, and
// execution takes the signature as checked: among f+1 validators one is honest, and
// an honest validator attests only what it checked (or what f+1 attested to it).
// The tx id is the hash of the whole signed transaction, so an attestation covers
// those exact bytes; execution checks with the sender's key at its own height, so
// an attestation for a key that has since rotated simply misses.
//
// What reaches f+1 is decided by signed statements alone, so every honest node
// executes the same way whether it checked a signature itself or took it on f+1
// attestations: the rule cannot split the network. A missing or late attestation
// only costs the node a check of its own.
//
// Thread safety: every method is thread-safe.
#pragma once

#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/status.h"
#include "crypto/keys.h"
#include "node/admission.h"
#include "proto/creditchain.pb.h"

namespace cc::node {

// Whether validator `self` checks and attests the transactions validator
// `forwarder` forwarded (`forwarder_attested`: with its own attestation; a relay
// carries none, its sender never checked), while `primary` is the primary of n
// validators. The attesters of a forward are the forwarder if it attested, the
// primary (it checks what it orders anyway), and the validators after the primary
// in index order, skipping the forwarder, until there are f+1: with n = 4 that is
// the forwarder and the primary, or the primary and its successor when the primary
// forwarded. Everyone else checks nothing on receipt and waits for the attestations.
bool ChecksForward(uint32_t self, uint32_t forwarder, bool forwarder_attested, uint32_t primary, uint32_t n);

class Attestations {
 public:
  // Entries one attestation may carry: a forward frame is at most 1 MiB of
  // transactions of at least ~100 bytes.
  static constexpr int kMaxEntries = 16384;

  // `validator_keys` are the validators' node keys by index; `self` and `key` are
  // this node's index and key pair if it is a validator (else it only receives).
  // `signatures` is borrowed and must outlive this object. Attestations are used
  // only with 4 to 64 validators: with f = 0 one validator's word would stand for
  // a check, and the attester sets are 64-bit masks. `take` false: this node signs
  // its own attestations but checks every signature itself (the config's
  // verify_all_signatures) and refuses others' ("not_used").
  Attestations(std::string chain_id, std::vector<std::string> validator_keys, std::optional<uint32_t> self,
               const crypto::KeyPair* key, VerifiedSignatures& signatures, bool take = true);

  bool enabled() const { return enabled_; }
  // Whether an attestation that arrived is worth a place in the worker pool's
  // queue: this node takes attestations and it is not over the entry limit. The
  // cheap part of Accept's checks, for the I/O thread.
  bool Takes(const pb::TxAttestation& attestation) const;
  // f+1 for the validator set: how many distinct attesters make a signature checked.
  uint32_t threshold() const { return threshold_; }

  // This validator's attestation of `entries` (tx id, public key), or nullopt on a
  // node that is not a validator, or for no entries.
  std::optional<pb::TxAttestation> Sign(const std::vector<std::pair<std::string, std::string>>& entries);

  // An attestation that arrived on validator `from`'s authenticated link; returns
  // how many (tx id, key) pairs it brought to f+1 attesters (each now vouched for in
  // VerifiedSignatures). Refused, changing nothing: attestations not in use here
  // ("not_used"), an attestation naming another validator than the link's, or this
  // node's own index ("wrong_validator"), malformed entries or too many of them
  // ("malformed"), a bad signature ("bad_signature").
  Result<size_t> Accept(uint32_t from, const pb::TxAttestation& attestation);

  // Committed transactions: their pending attestations are no longer needed.
  void Forget(const std::vector<std::string>& tx_ids);

 private:
  // Pending attestations held per validator, at most: past it a validator's oldest
  // pending attestation of a pair is dropped (a node then checks that signature
  // itself). So one validator's flood of attestations evicts only its own, and
  // attestations of transactions that committed before they arrived age out. Far
  // above what waits in normal operation (a validator attests what it admitted and
  // has not seen committed: a few thousand); ~300 bytes each, so at most ~20 MiB.
  static constexpr size_t kMaxPendingPerValidator = 1u << 14;

  struct Pair {
    std::string public_key;
    uint64_t attesters = 0;  // bit v: validator v attested (tx id, public_key)
  };
  static std::vector<Pair>::iterator FindKey(std::vector<Pair>& pairs, const std::string& public_key);
  // Clears validator v's bit of (tx_id, key); drops what no one attests any more.
  void DropLocked(uint32_t v, const std::string& tx_id, const std::string& public_key);

  const std::string chain_id_;
  const std::vector<std::string> validator_keys_;
  const std::optional<uint32_t> self_;
  const crypto::KeyPair* key_;
  VerifiedSignatures& signatures_;
  const bool enabled_;
  const bool taking_;
  const uint32_t threshold_;

  mutable std::mutex mu_;
  // tx id -> the keys attested for it (almost always one), until f+1 attest one.
  std::unordered_map<std::string, std::vector<Pair>> pending_;
  // Per validator, the (tx id, key) pairs it attested that are pending, oldest
  // first (entries already vouched for or forgotten are skipped when they leave).
  std::vector<std::deque<std::pair<std::string, std::string>>> held_;
};

}  // namespace cc::node
