#include "node/admission.h"

#include "crypto/keys.h"
#include "proto/canonical.h"

namespace cc::node {

bool VerifiedSignatures::Check(std::string_view tx_id, std::string_view public_key, std::string_view message,
                               std::string_view signature) const {
  const std::string id(tx_id);
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = verified_.find(id);
    if (it != verified_.end() && it->second == public_key) return true;
  }
  if (!crypto::Verify(public_key, message, signature)) return false;
  Remember(id, std::string(public_key));
  return true;
}

void VerifiedSignatures::Forget(const std::vector<std::string>& tx_ids) {
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& id : tx_ids) verified_.erase(id);
}

void VerifiedSignatures::Remember(const std::string& tx_id, std::string public_key) const {
  std::lock_guard<std::mutex> lock(mu_);
  if (verified_.size() >= kMaxEntries) verified_.clear();
  verified_[tx_id] = std::move(public_key);
}

void VerifiedSignatures::Vouch(const std::string& tx_id, const std::string& public_key) {
  Remember(tx_id, public_key);
}

std::vector<std::pair<std::string, std::string>> VerifiedSignatures::Known(
    const std::vector<std::string>& tx_ids) const {
  std::vector<std::pair<std::string, std::string>> out;
  out.reserve(tx_ids.size());
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& id : tx_ids) {
    auto it = verified_.find(id);
    if (it != verified_.end()) out.emplace_back(id, it->second);
  }
  return out;
}

Result<std::string> Admission::Screen(const std::string& raw) {
  if (raw.empty()) return Status::Error("malformed", "empty transaction");
  if (raw.size() > max_tx_bytes_) {
    return Status::Error("too_large", "transaction is " + std::to_string(raw.size()) +
                                          " bytes; the limit is " + std::to_string(max_tx_bytes_));
  }
  std::string id = proto::TxId(raw);
  if (mempool_.Contains(id)) return Status::Error("duplicate", "transaction is already pending");
  if (ledger_.FindTx(id).ok())
    return Status::Error("already_committed", "transaction is already on the ledger");
  return id;
}

Status Admission::Enter(const std::string& id, const std::string& raw) {
  CC_RETURN_IF_ERROR(mempool_.Add(id, raw));
  // It may have committed between the checks and Add (a forwarded copy arriving as
  // its block lands): do not leave it pending until expiry.
  if (ledger_.FindTx(id).ok()) {
    mempool_.RemoveCommitted({id});
    return Status::Error("already_committed", "transaction is already on the ledger");
  }
  return Status::Ok();
}

Result<std::string> Admission::Admit(const std::string& raw, uint64_t now_ms) {
  auto id = Screen(raw);
  if (!id.ok()) return id;
  CC_RETURN_IF_ERROR(contracts::PrecheckTx(state_, raw, now_ms, &signatures_));
  CC_RETURN_IF_ERROR(Enter(*id, raw));
  return id;
}

Result<std::string> Admission::AdmitForwarded(const std::string& raw) {
  auto id = Screen(raw);
  if (!id.ok()) return id;
  pb::SignedTx tx;
  CC_RETURN_IF_ERROR(proto::ParseCanonicalTx(raw, &tx));
  if (tx.body().chain_id() != chain_id_)
    return Status::Error("wrong_chain", "transaction is for another chain");
  CC_RETURN_IF_ERROR(Enter(*id, raw));
  return id;
}

}  // namespace cc::node
