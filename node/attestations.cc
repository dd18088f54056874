#include "node/attestations.h"

#include <algorithm>
#include <bit>

#include "consensus/quorum.h"
#include "crypto/hash.h"
#include "proto/canonical.h"

namespace cc::node {

namespace {

// With fewer, f = 0 and one validator's attestation would stand for a check.
constexpr size_t kMinValidators = 4;
// The attester sets are 64-bit masks.
constexpr size_t kMaxValidators = 64;

// f+1: among that many distinct validators one is honest.
uint32_t ThresholdFor(size_t n) { return consensus::FaultsTolerated(static_cast<uint32_t>(n)) + 1; }

}  // namespace

bool ChecksForward(uint32_t self, uint32_t forwarder, bool forwarder_attested, uint32_t primary, uint32_t n) {
  if (n == 0 || self == forwarder) return false;
  if (self == primary) return true;
  uint32_t attesters = (forwarder_attested ? 1 : 0) + (primary != forwarder ? 1 : 0);
  const uint32_t need = ThresholdFor(n);
  for (uint32_t k = 1; k < n && attesters < need; ++k) {
    const uint32_t next = (primary + k) % n;
    if (next == forwarder) continue;
    if (next == self) return true;
    ++attesters;
  }
  return false;
}

Attestations::Attestations(std::string chain_id, std::vector<std::string> validator_keys,
                           std::optional<uint32_t> self, const crypto::KeyPair* key,
                           VerifiedSignatures& signatures, bool take)
    : chain_id_(std::move(chain_id)),
      validator_keys_(std::move(validator_keys)),
      self_(self),
      key_(key),
      signatures_(signatures),
      enabled_(validator_keys_.size() >= kMinValidators && validator_keys_.size() <= kMaxValidators),
      taking_(enabled_ && take),
      threshold_(ThresholdFor(validator_keys_.size())),
      held_(validator_keys_.size()) {}

std::optional<pb::TxAttestation> Attestations::Sign(
    const std::vector<std::pair<std::string, std::string>>& entries) {
  if (!enabled_ || !self_ || key_ == nullptr || entries.empty()) return std::nullopt;
  pb::TxAttestation a;
  a.set_validator(*self_);
  for (const auto& [id, public_key] : entries) {
    a.add_tx_ids(id);
    a.add_public_keys(public_key);
  }
  a.set_signature(key_->Sign(proto::TxAttestationSigningBytes(chain_id_, a)));
  return a;
}

bool Attestations::Takes(const pb::TxAttestation& a) const {
  return taking_ && a.tx_ids_size() <= kMaxEntries;
}

Result<size_t> Attestations::Accept(uint32_t from, const pb::TxAttestation& a) {
  if (!enabled_) {
    return Status::Error("not_used", "attestations are used with 4 to 64 validators, not " +
                                         std::to_string(validator_keys_.size()));
  }
  if (!taking_) return Status::Error("not_used", "this node checks every signature itself");
  if (a.validator() != from || from >= validator_keys_.size()) {
    return Status::Error("wrong_validator", "attestation names validator " + std::to_string(a.validator()) +
                                                " on validator " + std::to_string(from) + "'s link");
  }
  if (self_ && from == *self_)
    return Status::Error("wrong_validator", "attestation from this node's own index");
  if (a.tx_ids_size() == 0 || a.tx_ids_size() > kMaxEntries || a.public_keys_size() != a.tx_ids_size()) {
    return Status::Error("malformed", "an attestation lists 1.." + std::to_string(kMaxEntries) +
                                          " tx ids, each with one public key");
  }
  for (int i = 0; i < a.tx_ids_size(); ++i) {
    if (a.tx_ids(i).size() != crypto::kHashSize || a.public_keys(i).size() != crypto::kPublicKeySize) {
      return Status::Error("malformed", "entry " + std::to_string(i) + " is not a 32-byte tx id and key");
    }
  }
  if (!crypto::Verify(validator_keys_[from], proto::TxAttestationSigningBytes(chain_id_, a), a.signature())) {
    return Status::Error("bad_signature", "attestation signature does not verify with validator " +
                                              std::to_string(from) + "'s key");
  }

  std::vector<std::pair<const std::string*, const std::string*>> reached;
  {
    std::lock_guard<std::mutex> lock(mu_);
    const uint64_t bit = uint64_t{1} << from;
    for (int i = 0; i < a.tx_ids_size(); ++i) {
      const std::string& id = a.tx_ids(i);
      const std::string& public_key = a.public_keys(i);
      std::vector<Pair>& pairs = pending_[id];
      auto it = FindKey(pairs, public_key);
      if (it == pairs.end()) it = pairs.insert(pairs.end(), Pair{public_key, 0});
      if (it->attesters & bit) continue;
      it->attesters |= bit;
      if (std::popcount(it->attesters) >= static_cast<int>(threshold_)) {
        // Vouched for: nothing more to collect for this pair.
        pairs.erase(it);
        if (pairs.empty()) pending_.erase(id);
        reached.emplace_back(&id, &public_key);
        continue;
      }
      auto& held = held_[from];
      held.emplace_back(id, public_key);
      if (held.size() > kMaxPendingPerValidator) {
        auto [old_id, old_key] = std::move(held.front());
        held.pop_front();
        DropLocked(from, old_id, old_key);
      }
    }
  }
  for (const auto& [id, public_key] : reached) signatures_.Vouch(*id, *public_key);
  return reached.size();
}

std::vector<Attestations::Pair>::iterator Attestations::FindKey(std::vector<Pair>& pairs,
                                                                const std::string& public_key) {
  return std::find_if(pairs.begin(), pairs.end(), [&](const Pair& p) { return p.public_key == public_key; });
}

void Attestations::DropLocked(uint32_t v, const std::string& tx_id, const std::string& public_key) {
  auto by_id = pending_.find(tx_id);
  if (by_id == pending_.end()) return;
  std::vector<Pair>& pairs = by_id->second;
  auto it = FindKey(pairs, public_key);
  if (it == pairs.end()) return;
  it->attesters &= ~(uint64_t{1} << v);
  if (it->attesters == 0) pairs.erase(it);
  if (pairs.empty()) pending_.erase(by_id);
}

void Attestations::Forget(const std::vector<std::string>& tx_ids) {
  // The per-validator queues keep their entries; they are skipped when they leave.
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& id : tx_ids) pending_.erase(id);
}

}  // namespace cc::node
