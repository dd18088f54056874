// Shared fixture of the contracts and borrower-check benchmarks: a 4-member
// alliance that signs RecordCreditEvent transactions, a chain cursor, and the
// node's ledger-state adapter. Header-only; benchmarks only.
//
// Thread safety: none.
#pragma once

#include <string>
#include <vector>

#include "contracts/executor.h"
#include "contracts/genesis.h"
#include "contracts/state_reader.h"
#include "crypto/hash.h"
#include "crypto/keys.h"
#include "ledger/block.h"
#include "ledger/ledger.h"
#include "proto/canonical.h"

namespace cc::contracts::bench {

inline constexpr size_t kTxsPerBlock = 1000;
inline constexpr uint64_t kStartMs = 20000 * kMsPerDay;
inline const char* const kMembers[] = {"bank-a", "bank-b", "bank-c", "bank-d"};

inline crypto::KeyPair KeyOf(const std::string& name) {
  return crypto::KeyPair::FromSeed(crypto::Blake2b256("bench/" + name));
}

inline std::string Subject(uint64_t n) { return crypto::Blake2b256("subject/" + std::to_string(n)); }

// A 4-member alliance; signs transactions for it.
class Alliance {
 public:
  Alliance() {
    genesis_.chain_id = "bench-chain";
    genesis_.genesis_time_ms = kStartMs;
    genesis_.params.daily_query_quota = 1000000000;
    for (const char* m : kMembers) {
      keys_.push_back(KeyOf(m));
      genesis_.members.push_back({m, m, keys_.back().public_key(), pb::ROLE_MEMBER});
      genesis_.validators.push_back({KeyOf(std::string("validator/") + m).public_key(), m});
    }
  }
  const Genesis& genesis() const { return genesis_; }

  // A RecordCreditEvent from member `m` about `subject`.
  std::string Event(size_t m, const std::string& subject, pb::EventType type, uint64_t loan,
                    uint64_t now_ms) {
    pb::TxBody body;
    body.set_chain_id(genesis_.chain_id);
    body.set_sender(kMembers[m]);
    body.set_nonce(++nonce_);
    body.set_not_before_ms(now_ms - 60000);
    body.set_not_after_ms(now_ms + 3600000);
    auto* p = body.mutable_record_event();
    p->set_subject_key(subject);
    p->set_event_type(type);
    p->set_loan_ref_hash(crypto::Blake2b256("loan/" + std::to_string(loan)));
    p->set_amount_minor(100000 + nonce_);
    p->set_currency("CNY");
    p->set_event_day(static_cast<uint32_t>(now_ms / kMsPerDay));
    p->set_record_hash(crypto::Blake2b256("record/" + std::to_string(nonce_)));
    pb::SignedTx tx;
    *tx.mutable_body() = body;
    tx.set_signature(keys_[m].Sign(proto::TxBodySigningBytes(body)));
    return tx.SerializeAsString();
  }

  // kTxsPerBlock events about `subjects` random-ish subjects.
  std::vector<std::string> Block(uint64_t now_ms, uint64_t subjects) {
    std::vector<std::string> txs;
    for (size_t i = 0; i < kTxsPerBlock; ++i) {
      const uint64_t n = nonce_ + 1;
      txs.push_back(Event(n % 4, Subject((n * 2654435761u) % subjects),
                          n % 5 == 0 ? pb::EVENT_REPAID : pb::EVENT_LOAN_OPENED, n, now_ms));
    }
    return txs;
  }

  PreverifiedSignatures Preverified(const std::vector<std::string>& txs) const {
    PreverifiedSignatures pre;
    for (const auto& raw : txs) {
      pb::SignedTx tx;
      tx.ParseFromString(raw);
      for (size_t m = 0; m < keys_.size(); ++m) {
        if (tx.body().sender() == kMembers[m]) pre.Add(proto::TxId(raw), keys_[m].public_key());
      }
    }
    return pre;
  }

 private:
  Genesis genesis_;
  std::vector<crypto::KeyPair> keys_;
  uint64_t nonce_ = 0;
};

// The node's adapter, reproduced: ledger state seen as a StateReader.
class LedgerState final : public StateReader {
 public:
  explicit LedgerState(const ledger::Ledger& ledger) : ledger_(ledger) {}
  std::optional<std::string> Get(std::string_view key) const override { return ledger_.GetState(key); }
  StateEntries Scan(std::string_view prefix, size_t limit) const override {
    return ledger_.ScanState(prefix, limit);
  }

 private:
  const ledger::Ledger& ledger_;
};

// Block 1's writes with the genesis writes under them, as one batch.
inline StateWrites WithGenesis(const Genesis& genesis, const StateWrites& block1) {
  MemoryState merged;
  merged.Apply(GenesisState(genesis));
  merged.Apply(block1);
  return StateWrites(merged.entries().begin(), merged.entries().end());
}

// A block with a certificate bound to it (sequence and digest; Append checks the
// binding, not the signatures, which consensus checked).
inline pb::CertifiedBlock Certified(pb::Block block) {
  pb::CertifiedBlock out;
  out.mutable_certificate()->set_sequence(block.header().height());
  out.mutable_certificate()->set_digest(block.header().batch_digest());
  *out.mutable_block() = std::move(block);
  return out;
}

// Keeps a chain's root, height and time while blocks are executed onto a state.
struct Chain {
  std::string root;
  uint64_t height = 0;
  uint64_t time_ms = kStartMs;

  BlockContext Next(uint64_t now_ms) const { return BlockContext{height + 1, now_ms, root, time_ms}; }
  void Advance(const BlockContext& ctx, const BlockResult& r) {
    root = r.state_root;
    height = ctx.height;
    time_ms = r.block_time_ms;
  }
};

}  // namespace cc::contracts::bench
