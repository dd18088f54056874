#include "node/contracts_executor.h"

#include <map>

#include "contracts/keys.h"
#include "contracts/records.h"
#include "ledger/block.h"

namespace cc::node {

NodeState::NodeState(const ledger::Ledger& ledger, const contracts::Genesis& genesis) : ledger_(ledger) {
  genesis_state_.Apply(contracts::GenesisState(genesis));
}

std::optional<std::string> NodeState::Get(std::string_view key) const {
  if (ledger_.Height() == 0) return genesis_state_.Get(key);
  return ledger_.GetState(key);
}

contracts::StateEntries NodeState::Scan(std::string_view prefix, size_t limit) const {
  if (ledger_.Height() == 0) return genesis_state_.Scan(prefix, limit);
  return ledger_.ScanState(prefix, limit);
}

ContractsExecutor::ContractsExecutor(const ledger::Ledger& ledger, const contracts::Genesis& genesis,
                                     const NodeState& state, const contracts::SignatureChecker* signatures)
    : ledger_(ledger), genesis_(genesis), state_(state), signatures_(signatures) {}

Result<ExecutedBlock> ContractsExecutor::Execute(const pb::Batch& batch, const pb::CommitCertificate& certificate) {
  const uint64_t height = ledger_.Height() + 1;
  contracts::BlockContext ctx;
  ctx.height = height;
  ctx.timestamp_ms = batch.timestamp_ms();
  if (height == 1) {
    ctx.prev_state_root = contracts::GenesisStateRoot(genesis_);
  } else {
    auto tip = ledger_.GetBlock(height - 1);
    if (!tip.ok()) return tip.status();
    ctx.prev_state_root = tip->block().header().state_root();
  }
  auto chain_tip = contracts::Load<contracts::ChainTip>(state_, contracts::keys::Tip());
  if (!chain_tip) return Status::Error("no_genesis", "state holds no chain tip");
  ctx.prev_block_time_ms = chain_tip->block_time_ms;

  const std::vector<std::string> txs(batch.requests().begin(), batch.requests().end());
  contracts::ExecuteOptions options;
  options.signatures = signatures_;
  auto result = contracts::ExecuteBlock(state_, ctx, txs, {}, options);
  if (!result.ok()) return result.status();

  ExecutedBlock out;
  *out.block.mutable_block() = ledger::BuildBlockFromBatch(height, ledger_.TipHash(), batch, result->state_root);
  *out.block.mutable_certificate() = certificate;
  if (height == 1) {
    // Genesis goes to disk with block 1: its writes first, the block's on top.
    std::map<std::string, std::optional<std::string>> merged;
    for (const auto& [k, v] : state_.genesis_state().entries()) merged[k] = v;
    for (auto& [k, v] : result->writes) merged[k] = std::move(v);
    out.writes.assign(merged.begin(), merged.end());
  } else {
    out.writes = std::move(result->writes);
  }
  out.tx_ids.reserve(result->receipts.size());
  for (const auto& r : result->receipts) {
    out.tx_ids.push_back(r.tx_id);
    if (!r.ok() && r.code != "duplicate") out.rejected.push_back(r.tx_id);
  }
  return out;
}

}  // namespace cc::node
