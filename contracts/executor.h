// Block execution: the deterministic function (state, block) -> (writes, receipts,
// state root) that every validator and observer runs on every committed block.
//
// ExecuteBlock reads the state through a StateReader and never changes it; the
// caller (node/) appends the block with BlockResult::writes as one batch. It reads
// no clock, no randomness, no floating point, no thread and no file: equal inputs
// give byte-equal outputs on every node.
//
// Block time, for every rule, is max(header timestamp, previous block time): it
// never goes backwards even if a primary's clock does. Day = block_time_ms / 86400000.
//
// Order inside a block:
//   1. governance changes approved in earlier blocks are applied (so a change
//      approved in block h takes effect at the start of block h+1);
//   2. nonce records whose validity window has ended are pruned (bounded work);
//   3. transactions run in order, each over the writes of those before it. A
//      rejected transaction leaves no write except its receipt, and does not use
//      its nonce. Every executed transaction gets a receipt in state (code only),
//      so one tx id runs at most once, ever: a tx already holding a receipt, or
//      listed in `skip`, gets the receipt code "duplicate" and no write at all.
//
// Rejection codes and the rules behind them: docs/contracts.md.
//
// Thread safety: ExecuteBlock is reentrant; the reader must allow const calls for
// the duration of the call. A SignatureChecker is called from the executing thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "common/status.h"
#include "contracts/state_reader.h"

namespace cc::contracts {

struct BlockContext {
  uint64_t height = 0;              // = PBFT sequence; must be the tip's height + 1
  uint64_t timestamp_ms = 0;        // the header timestamp chosen by the primary
  std::string prev_state_root;      // root after height - 1 (GenesisStateRoot at height 1)
  uint64_t prev_block_time_ms = 0;  // block time of height - 1 (ReadChainTip)
};

struct Receipt {
  std::string tx_id;    // 32 raw bytes
  uint32_t index = 0;   // position in the block
  std::string code;     // "ok", "duplicate", or a rejection code
  std::string message;  // human text; not stored, not part of consensus
  bool ok() const { return code == "ok"; }
};

struct BlockResult {
  StateWrites writes;             // sorted by key; hand to Ledger::Append
  std::vector<Receipt> receipts;  // one per transaction, in block order
  std::string state_root;         // 32 bytes, for the block header
  uint64_t block_time_ms = 0;
  uint32_t accepted = 0;
  uint32_t rejected = 0;  // "duplicate" counts in neither
};

// Checks an Ed25519 signature of a transaction. Must give exactly crypto::Verify's
// answer: it exists so the node can verify signatures ahead of execution on its
// worker pool and let the executor skip the repeat.
class SignatureChecker {
 public:
  virtual ~SignatureChecker() = default;
  virtual bool Check(std::string_view tx_id, std::string_view public_key, std::string_view message,
                     std::string_view signature) const = 0;
};

// Calls crypto::Verify.
class DirectSignatureChecker final : public SignatureChecker {
 public:
  bool Check(std::string_view tx_id, std::string_view public_key, std::string_view message,
             std::string_view signature) const override;
};

// Answers true for (tx id, public key) pairs the owner already verified with
// crypto::Verify, and verifies anything else directly. Fill it before execution;
// Add is not thread-safe, Check is.
class PreverifiedSignatures final : public SignatureChecker {
 public:
  // REQUIRES: crypto::Verify(public_key, TxBodySigningBytes(body), signature) held
  // for the transaction with this id.
  void Add(std::string_view tx_id, std::string_view public_key);
  bool Check(std::string_view tx_id, std::string_view public_key, std::string_view message,
             std::string_view signature) const override;
  size_t size() const { return verified_.size(); }

 private:
  std::unordered_set<std::string> verified_;  // tx_id || public_key
};

struct ExecuteOptions {
  const SignatureChecker* signatures = nullptr;  // nullptr: DirectSignatureChecker
};

// Executes one committed block. `txs` are the serialized SignedTx bytes as
// committed; `skip` lists indexes consensus marked as already committed.
// Errors (nothing to apply; a node bug or a wrong state): "no_genesis" (the state
// holds no genesis), "bad_context" (height does not follow the state's tip, or
// prev_block_time_ms differs from the tip's block time).
Result<BlockResult> ExecuteBlock(const StateReader& state, const BlockContext& ctx,
                                 const std::vector<std::string>& txs, const std::vector<uint32_t>& skip,
                                 const ExecuteOptions& options = {});

// Would `tx` be accepted if it were the first transaction of the next block, with
// block time `now_ms`? Runs the full rules on a throwaway overlay (nothing is
// written) and returns OK or the rejection the receipt would carry. For mempool
// admission and the API: "quota_exceeded", "replayed_nonce", "bad_signature", ...
// Governance changes approved but not yet applied are not taken into account.
Status PrecheckTx(const StateReader& state, std::string_view tx, uint64_t now_ms,
                  const SignatureChecker* signatures = nullptr);

}  // namespace cc::contracts
