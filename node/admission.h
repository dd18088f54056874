// Admission: the checks a transaction passes before it enters the mempool and is
// offered to consensus (DESIGN.md "Mempool").
//
// In order: size limit ("too_large"), already pending ("duplicate"), already
// committed ("already_committed"), then the full contract rules against the current
// state via contracts::PrecheckTx: canonical form, chain id, known and active
// member, signature, validity window, nonce, role, payload checks, quota. Finally
// the bounded mempool ("mempool_full" -> HTTP 429). A transaction that passes is in
// the mempool; the caller forwards it.
//
// Signatures verified here are remembered in VerifiedSignatures so execution does
// not verify them again (it is the dominant CPU cost). Admission runs on the calling
// thread: HTTP I/O threads and the verification worker pool, so it uses every core.
//
// Thread safety: Admit and VerifiedSignatures are thread-safe.
#pragma once

#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "contracts/executor.h"
#include "contracts/ledger_executor.h"
#include "ledger/ledger.h"
#include "node/mempool.h"

namespace cc::node {

// A SignatureChecker that verifies with crypto::Verify and remembers successes by
// (tx id, public key). Bounded: Forget() on commit, and a hard cap that clears it.
class VerifiedSignatures final : public contracts::SignatureChecker {
 public:
  bool Check(std::string_view tx_id, std::string_view public_key, std::string_view message,
             std::string_view signature) const override;
  void Forget(const std::vector<std::string>& tx_ids);
  // Records (tx id, key) as valid without checking it here: the caller holds proof
  // that an honest validator checked it (node/attestations.h).
  void Vouch(const std::string& tx_id, const std::string& public_key);
  // (tx id, key) for each of `tx_ids` whose signature is remembered as valid, in
  // order; the others (never checked, or dropped by the bound) are left out.
  std::vector<std::pair<std::string, std::string>> Known(const std::vector<std::string>& tx_ids) const;

 private:
  static constexpr size_t kMaxEntries = 1u << 20;
  // The one way in: a hard cap that clears everything when reached.
  void Remember(const std::string& tx_id, std::string public_key) const;
  mutable std::mutex mu_;
  mutable std::unordered_map<std::string, std::string> verified_;  // tx id -> public key
};

class Admission {
 public:
  // All borrowed; they must outlive the Admission.
  Admission(const contracts::LedgerState& state, const ledger::Ledger& ledger, Mempool& mempool,
            const VerifiedSignatures& signatures, uint32_t max_tx_bytes, std::string chain_id)
      : state_(state),
        ledger_(ledger),
        mempool_(mempool),
        signatures_(signatures),
        max_tx_bytes_(max_tx_bytes),
        chain_id_(std::move(chain_id)) {}

  // On success returns the tx id (32 raw bytes) and the tx is in the mempool.
  // `now_ms` is the wall clock used for the validity window.
  Result<std::string> Admit(const std::string& raw, uint64_t now_ms);
  // For a transaction forwarded by another validator to a replica that is not the
  // primary: size, canonical form, chain id and duplicate checks only. Its
  // signature and the contract rules are checked once, at execution; verifying it
  // here too would double the dominant cost (the primary, which chooses what is
  // proposed, still uses Admit).
  Result<std::string> AdmitForwarded(const std::string& raw);

 private:
  const contracts::LedgerState& state_;
  const ledger::Ledger& ledger_;
  Mempool& mempool_;
  const VerifiedSignatures& signatures_;
  const uint32_t max_tx_bytes_;
  const std::string chain_id_;
  // Checks shared by both paths; returns the id.
  Result<std::string> Screen(const std::string& raw);
  // Adds to the mempool, undoing it if the tx committed meanwhile.
  Status Enter(const std::string& id, const std::string& raw);
};

}  // namespace cc::node
