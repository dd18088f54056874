// TestChain: a small alliance on an in-memory state, for the contracts tests.
//
// Members (keys derived from their names, so two TestChains are identical):
//   bank-a, bank-b, bank-c, bank-d   members operating validators 0..3 (n = 4, quorum 3)
//   lender-e                         member without a validator
//   regulator                        regulator
// Transactions are really signed with Ed25519 and really executed by
// ExecuteBlock; Run() applies the writes and chains the state root, as a node does.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "contracts/executor.h"
#include "contracts/genesis.h"
#include "contracts/records.h"
#include "contracts/state_reader.h"
#include "crypto/keys.h"
#include "proto/creditchain.pb.h"

namespace cc::contracts::testing {

inline constexpr uint64_t kStartDay = 20000;
inline constexpr const char* kChainId = "creditchain-test";

class TestChain {
 public:
  // `tweak` may change the genesis before it is written.
  explicit TestChain(const std::function<void(Genesis&)>& tweak = nullptr);

  static crypto::KeyPair KeyFor(std::string_view name);
  static std::string Subject(std::string_view name);  // a 32-byte subject key
  static std::string Hash(std::string_view name);     // a 32-byte commitment

  const crypto::KeyPair& Key(const std::string& member) const { return keys_.at(member); }
  // Makes `member` sign with `key` from now on (after a rotation).
  void UseKey(const std::string& member, const crypto::KeyPair& key) { keys_.insert_or_assign(member, key); }

  // A body from `sender` with a fresh nonce and the window [now - 1 min, now + 1 h].
  pb::TxBody Body(const std::string& sender);
  std::string Sign(const pb::TxBody& body) const;  // with the sender's key
  static std::string Sign(const pb::TxBody& body, const crypto::KeyPair& key);

  std::string RecordEvent(const std::string& sender, const std::string& subject, pb::EventType type,
                          const std::string& loan, uint32_t event_day = 0);
  std::string Amend(const std::string& sender, const std::string& event_tx_id, pb::AmendKind kind);
  std::string AddBlacklist(const std::string& sender, const std::string& subject, uint32_t expiry_day = 0);
  std::string RemoveBlacklist(const std::string& sender, const std::string& entry_tx_id);
  std::string Query(const std::string& sender, const std::string& subject,
                    pb::QueryPurpose purpose = pb::QUERY_LOAN_APPLICATION);
  std::string Propose(const std::string& sender, const ProposedChange& change);
  std::string Approve(const std::string& sender, const std::string& proposal_tx_id);
  std::string RegulatoryAction(const std::string& sender, const std::string& target);

  // Executes a block at now_ms(), applies its writes, then moves time 1 s on.
  BlockResult Run(const std::vector<std::string>& txs, const std::vector<uint32_t>& skip = {});
  Receipt RunOne(const std::string& tx) { return Run({tx}).receipts.at(0); }

  void AdvanceDays(uint64_t days) { now_ms_ += days * kMsPerDay; }
  void SetNow(uint64_t now_ms) { now_ms_ = now_ms; }
  uint64_t now_ms() const { return now_ms_; }
  uint64_t today() const { return now_ms_ / kMsPerDay; }

  MemoryState& state() { return state_; }
  const std::string& root() const { return root_; }
  uint64_t height() const { return height_; }
  uint64_t last_block_time_ms() const { return last_block_time_ms_; }
  const Genesis& genesis() const { return genesis_; }

 private:
  Genesis genesis_;
  std::map<std::string, crypto::KeyPair> keys_;
  std::map<std::string, uint64_t> next_nonce_;
  MemoryState state_;
  std::string root_;
  uint64_t height_ = 0;
  uint64_t now_ms_ = 0;
  uint64_t last_block_time_ms_ = 0;
};

std::string TxId(const std::string& tx);

// The subject and the loan most tests report on.
inline const std::string kAlice = TestChain::Subject("alice");
inline const std::string kLoan = TestChain::Hash("loan-1");

}  // namespace cc::contracts::testing
