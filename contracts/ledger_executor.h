// The contracts over a ledger: LedgerExecutor runs ExecuteBlock over the ledger's
// state and builds the certified block to append; LedgerState is the state every
// reader of a node sees. A separate library (cc_chain) from the pure contracts,
// which link no storage: the node's driver and follower use it, and so do the API
// tests' fake backend over a MemoryLedger.
//
// LedgerState is the state every reader of this node sees: the ledger's state, or,
// before block 1 exists, the genesis state (genesis is written to the ledger
// together with block 1, in that block's single synced write, so a crash can never
// leave genesis without its first block or the reverse).
//
// Duplicate requests: the contracts give every executed tx a receipt in state and
// answer a second occurrence "duplicate" (what consensus' duplicate list says), so
// observers, which have no replica, execute byte-identically.
//
// Thread safety: LedgerState reads are thread-safe. Execute is called from one
// thread (the consensus driver's executor, or the observer's block follower).
#pragma once

#include <memory>

#include "contracts/executor.h"
#include "contracts/genesis.h"
#include "contracts/state_reader.h"
#include "ledger/ledger.h"

namespace cc::contracts {

// A committed batch turned into a certified block and the state writes to append
// with it in one synced write.
struct ExecutedBlock {
  pb::CertifiedBlock block;
  ledger::StateWrites writes;
  std::vector<std::string> tx_ids;    // in block order
  std::vector<std::string> rejected;  // ids whose receipts were rejections
};

class LedgerState final : public StateReader {
 public:
  // Borrows `ledger`, which must outlive this object.
  LedgerState(const ledger::Ledger& ledger, const Genesis& genesis);
  std::optional<std::string> Get(std::string_view key) const override;
  StateEntries Scan(std::string_view prefix, size_t limit) const override;
  const MemoryState& genesis_state() const { return genesis_state_; }

 private:
  const ledger::Ledger& ledger_;
  MemoryState genesis_state_;
};

class LedgerExecutor {
 public:
  // Borrows all three; they must outlive the executor. `signatures` may be null.
  LedgerExecutor(const ledger::Ledger& ledger, const Genesis& genesis, const LedgerState& state,
                 const SignatureChecker* signatures);

  // Builds the block at ledger height + 1 from a committed batch and executes it
  // against the current ledger state. Does not write: the caller appends the
  // result in one synced batch. A repeated tx id gets the receipt "duplicate" from
  // state, so every node executes byte-identically.
  Result<ExecutedBlock> Execute(const pb::Batch& batch, const pb::CommitCertificate& certificate) const;

 private:
  const ledger::Ledger& ledger_;
  const Genesis& genesis_;
  const LedgerState& state_;
  const SignatureChecker* signatures_;
};

}  // namespace cc::contracts
