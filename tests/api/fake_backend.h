// FakeBackend: the API's Backend over a MemoryLedger, with no network and no
// daemon: submitted transactions are checked by the contracts' own admission rules
// (PrecheckTx) and, unless auto-commit is off, executed and committed at once in a
// block of their own (real contracts, real signatures, real Merkle proofs; the
// commit certificate is empty, as no validator signs here). Time is a FakeClock.
//
// The alliance: members bank-a (this node's member, holding its signing key),
// bank-b and regulator; four validators. Keys derive from names, so every test
// sees the same chain.
//
// Thread safety: every Backend method is thread-safe (one mutex).
#pragma once

#include <mutex>
#include <string>
#include <vector>

#include "api/backend.h"
#include "common/clock.h"
#include "contracts/ledger_executor.h"
#include "contracts/records.h"
#include "crypto/keys.h"
#include "ledger/memory_ledger.h"

namespace cc::api::testing {

inline constexpr const char* kFakeChainId = "creditchain-api-test";
// 2026-11-24T00:00:00Z; tests move the clock explicitly.
inline constexpr uint64_t kFakeStartMs = 20781 * contracts::kMsPerDay;

class FakeBackend final : public Backend {
 public:
  explicit FakeBackend(FakeClock& clock);

  static crypto::KeyPair KeyFor(const std::string& name);
  const crypto::KeyPair& member_key() const { return member_key_; }
  // A signed transaction from `sender` (signed with KeyFor(sender)).
  std::string Sign(pb::TxBody body, const std::string& sender) const;
  // A valid RecordCreditEvent body (nonce `nonce`) for `subject` at the clock's now.
  pb::TxBody EventBody(const std::string& subject, uint64_t nonce) const;

  void set_auto_commit(bool on);
  // Executes the pending transactions as one block; its height (0: none pending).
  uint64_t CommitPending();
  // How many transactions Submit accepted so far (committed or pending).
  size_t submitted() const;

  // ---- Backend
  const contracts::Genesis& genesis() const override { return genesis_; }
  const ledger::Ledger& ledger() const override { return ledger_; }
  const contracts::StateReader& state() const override { return state_; }
  const Clock& clock() const override { return clock_; }
  const std::string& member_id() const override { return member_id_; }
  bool has_member_key() const override { return true; }
  const std::optional<std::string>& alliance_secret() const override { return secret_; }
  NodeStatus StatusSnapshot() const override;
  bool Ready() const override { return true; }
  bool MempoolContains(const std::string& tx_id) const override;
  std::string RenderMetrics() override { return "# no metrics in the fake backend\n"; }
  std::vector<pb::Evidence> Evidence() const override { return {}; }
  Result<std::string> Submit(const std::string& raw) override;
  Result<std::string> SubmitAsMember(pb::TxBody body) override;
  std::optional<ledger::TxLocation> WaitForCommit(const std::string& tx_id,
                                                  std::chrono::milliseconds timeout) override;
  void AddCommitListener(CommitListener listener) override;

 private:
  uint64_t CommitLocked();

  FakeClock& clock_;
  contracts::Genesis genesis_;
  const std::string member_id_ = "bank-a";
  const crypto::KeyPair member_key_;
  const std::optional<std::string> secret_;
  ledger::MemoryLedger ledger_;
  contracts::LedgerState state_;
  contracts::LedgerExecutor executor_;
  mutable std::mutex mu_;
  bool auto_commit_ = true;
  std::vector<std::string> pending_;      // raw txs
  std::vector<std::string> pending_ids_;  // their ids
  size_t submitted_ = 0;
  std::vector<CommitListener> listeners_;
};

}  // namespace cc::api::testing
