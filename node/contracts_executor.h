// The node's BlockExecutor: runs contracts::ExecuteBlock over the ledger's state and
// builds the certified block to append.
//
// NodeState is the state every reader of this node sees: the ledger's state, or,
// before block 1 exists, the genesis state (genesis is written to the ledger
// together with block 1, in that block's single synced write, so a crash can never
// leave genesis without its first block or the reverse).
//
// Duplicate requests: the contracts give every executed tx a receipt in state and
// answer a second occurrence "duplicate" (what consensus' duplicate list says), so
// observers, which have no replica, execute byte-identically.
//
// Thread safety: NodeState reads are thread-safe. Execute is called from one
// thread (the consensus driver, or the observer's block applier).
#pragma once

#include <memory>

#include "contracts/executor.h"
#include "contracts/genesis.h"
#include "contracts/state_reader.h"
#include "ledger/ledger.h"
#include "node/seams.h"

namespace cc::node {

class NodeState final : public contracts::StateReader {
 public:
  // Borrows `ledger`, which must outlive this object.
  NodeState(const ledger::Ledger& ledger, const contracts::Genesis& genesis);
  std::optional<std::string> Get(std::string_view key) const override;
  contracts::StateEntries Scan(std::string_view prefix, size_t limit) const override;
  const contracts::MemoryState& genesis_state() const { return genesis_state_; }

 private:
  const ledger::Ledger& ledger_;
  contracts::MemoryState genesis_state_;
};

class ContractsExecutor final : public BlockExecutor {
 public:
  // Borrows all three; they must outlive the executor. `signatures` may be null.
  ContractsExecutor(const ledger::Ledger& ledger, const contracts::Genesis& genesis,
                    const NodeState& state, const contracts::SignatureChecker* signatures);

  Result<ExecutedBlock> Execute(const pb::Batch& batch, const pb::CommitCertificate& certificate) override;

 private:
  const ledger::Ledger& ledger_;
  const contracts::Genesis& genesis_;
  const NodeState& state_;
  const contracts::SignatureChecker* signatures_;
};

}  // namespace cc::node
