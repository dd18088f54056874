#include "node/attestations.h"

#include <bit>

#include "crypto/hash.h"
#include "proto/canonical.h"

namespace cc::node {

namespace {

// The attester sets are bitmasks: with more validators than bits, nothing is
// attested and every node checks every signature, as before attestations.
constexpr size_t kMaxValidators = 64;

uint32_t ThresholdFor(size_t n) { return static_cast<uint32_t>((n - 1) / 3 + 1); }

}  // namespace

bool ChecksForward(uint32_t self, uint32_t forwarder, uint32_t primary, uint32_t n) {
  if (n == 0 || self == forwarder) return false;
  if (self == primary) return true;
  uint32_t attesters = forwarder == primary ? 1 : 2;
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
                           VerifiedSignatures& signatures)
    : chain_id_(std::move(chain_id)),
      validator_keys_(std::move(validator_keys)),
      self_(self),
      key_(key),
      signatures_(signatures),
      threshold_(ThresholdFor(validator_keys_.empty() ? 1 : validator_keys_.size())) {}

std::optional<pb::TxAttestation> Attestations::Sign(
    const std::vector<std::pair<std::string, std::string>>& entries) {
  if (!self_ || key_ == nullptr || entries.empty() || validator_keys_.size() > kMaxValidators)
    return std::nullopt;
  pb::TxAttestation a;
  a.set_validator(*self_);
  for (const auto& [id, public_key] : entries) {
    a.add_tx_ids(id);
    a.add_public_keys(public_key);
  }
  a.set_signature(key_->Sign(proto::TxAttestationSigningBytes(chain_id_, a)));
  return a;
}

Result<size_t> Attestations::Accept(uint32_t from, const pb::TxAttestation& a) {
  auto refuse = [](std::string code, std::string message) {
    return Status::Error(std::move(code), std::move(message));
  };
  if (a.validator() != from || from >= validator_keys_.size())
    return refuse("wrong_validator", "attestation names validator " + std::to_string(a.validator()) +
                                         " on validator " + std::to_string(from) + "'s link");
  if (self_ && from == *self_) return refuse("wrong_validator", "attestation from this node's own index");
  if (validator_keys_.size() > kMaxValidators) return refuse("malformed", "too many validators to count");
  if (a.tx_ids_size() == 0 || a.tx_ids_size() > kMaxEntries || a.public_keys_size() != a.tx_ids_size())
    return refuse("malformed", "an attestation lists 1.." + std::to_string(kMaxEntries) +
                                   " tx ids, each with one public key");
  for (int i = 0; i < a.tx_ids_size(); ++i) {
    if (a.tx_ids(i).size() != crypto::kHashSize || a.public_keys(i).size() != crypto::kPublicKeySize)
      return refuse("malformed", "entry " + std::to_string(i) + " is not a 32-byte tx id and key");
  }
  if (!crypto::Verify(validator_keys_[from], proto::TxAttestationSigningBytes(chain_id_, a), a.signature()))
    return refuse("bad_signature",
                  "attestation signature does not verify with validator " + std::to_string(from) + "'s key");

  std::vector<std::pair<const std::string*, const std::string*>> reached;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (pending_pairs_ + static_cast<size_t>(a.tx_ids_size()) > kMaxPending) {
      pending_.clear();
      pending_pairs_ = 0;
    }
    const uint64_t bit = uint64_t{1} << from;
    for (int i = 0; i < a.tx_ids_size(); ++i) {
      auto& by_key = pending_[a.tx_ids(i)];
      auto [it, fresh] = by_key.try_emplace(a.public_keys(i), 0);
      if (fresh) ++pending_pairs_;
      const bool had = std::popcount(it->second) >= static_cast<int>(threshold_);
      it->second |= bit;
      if (!had && std::popcount(it->second) >= static_cast<int>(threshold_)) {
        reached.emplace_back(&a.tx_ids(i), &a.public_keys(i));
      }
    }
  }
  for (const auto& [id, public_key] : reached) signatures_.Vouch(*id, *public_key);
  return reached.size();
}

void Attestations::Forget(const std::vector<std::string>& tx_ids) {
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& id : tx_ids) {
    auto it = pending_.find(id);
    if (it == pending_.end()) continue;
    pending_pairs_ -= it->second.size();
    pending_.erase(it);
  }
}

}  // namespace cc::node
