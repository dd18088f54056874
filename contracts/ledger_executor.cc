#include "contracts/ledger_executor.h"

#include <map>

#include "contracts/keys.h"
#include "contracts/records.h"
#include "ledger/block.h"

namespace cc::contracts {

LedgerState::LedgerState(const ledger::Ledger& ledger, const Genesis& genesis) : ledger_(ledger) {
  genesis_state_.Apply(GenesisState(genesis));
}

std::optional<std::string> LedgerState::Get(std::string_view key) const {
  if (ledger_.Height() == 0) return genesis_state_.Get(key);
  return ledger_.GetState(key);
}

StateEntries LedgerState::Scan(std::string_view prefix, size_t limit) const {
  if (ledger_.Height() == 0) return genesis_state_.Scan(prefix, limit);
  return ledger_.ScanState(prefix, limit);
}

LedgerExecutor::LedgerExecutor(const ledger::Ledger& ledger, const Genesis& genesis, const LedgerState& state,
                               const SignatureChecker* signatures)
    : ledger_(ledger), genesis_(genesis), state_(state), signatures_(signatures) {}

Result<ExecutedBlock> LedgerExecutor::Execute(const pb::Batch& batch,
                                              const pb::CommitCertificate& certificate) const {
  const uint64_t height = ledger_.Height() + 1;
  BlockContext ctx;
  ctx.height = height;
  ctx.timestamp_ms = batch.timestamp_ms();
  if (height == 1) {
    ctx.prev_state_root = GenesisStateRoot(genesis_);
  } else {
    auto tip = ledger_.GetBlock(height - 1);
    if (!tip.ok()) return tip.status();
    ctx.prev_state_root = tip->block().header().state_root();
  }
  auto chain_tip = Load<ChainTip>(state_, keys::Tip());
  if (!chain_tip) return Status::Error("no_genesis", "state holds no chain tip");
  ctx.prev_block_time_ms = chain_tip->block_time_ms;

  const std::vector<std::string> txs(batch.requests().begin(), batch.requests().end());
  ExecuteOptions options;
  options.signatures = signatures_;
  auto result = ExecuteBlock(state_, ctx, txs, {}, options);
  if (!result.ok()) return result.status();

  ExecutedBlock out;
  *out.block.mutable_block() =
      ledger::BuildBlockFromBatch(height, ledger_.TipHash(), batch, result->state_root);
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

}  // namespace cc::contracts
