#include "contracts/executor.h"

#include <algorithm>

#include "contracts/keys.h"
#include "contracts/records.h"
#include "contracts/state_root.h"
#include "contracts/tx_context.h"
#include "crypto/keys.h"
#include "proto/canonical.h"

namespace cc::contracts {

namespace internal {

namespace {

// Nonce records pruned per block at most: bounded work per block; a backlog
// drains over the next blocks and has no effect on the rules meanwhile (an
// expired record is treated as absent).
constexpr size_t kNoncePrunePerBlock = 512;

Status Dispatch(TxContext& ctx) {
  switch (ctx.body.payload_case()) {
    case pb::TxBody::kRecordEvent:
      return RecordEvent(ctx);
    case pb::TxBody::kAmendEvent:
      return AmendEvent(ctx);
    case pb::TxBody::kAddBlacklist:
      return AddBlacklist(ctx);
    case pb::TxBody::kRemoveBlacklist:
      return RemoveBlacklist(ctx);
    case pb::TxBody::kQueryAudit:
      return RecordQuery(ctx);
    case pb::TxBody::kProposeChange:
      return ProposeChange(ctx);
    case pb::TxBody::kApproveChange:
      return ApproveChange(ctx);
    case pb::TxBody::kRegulatoryAction:
      return RecordRegulatoryAction(ctx);
    case pb::TxBody::PAYLOAD_NOT_SET:
      break;
  }
  return Reject("empty_payload", "transaction carries no payload");
}

// The checks every transaction passes before its payload is looked at, then the
// payload's handler, then the nonce is recorded.
Status ExecuteTx(Overlay& state, const BlockEnv& env, std::string_view raw, const std::string& tx_id,
                 uint32_t index, const SignatureChecker& signatures) {
  pb::SignedTx tx;
  CC_RETURN_IF_ERROR(proto::ParseCanonicalTx(raw, &tx));
  const pb::TxBody& body = tx.body();
  if (body.chain_id() != env.params.chain_id) {
    return Reject("wrong_chain", "transaction is for chain \"" + body.chain_id() + "\", this is \"" +
                                     env.params.chain_id + "\"");
  }
  const std::optional<MemberRecord> sender = Load<MemberRecord>(state, keys::Member(body.sender()));
  if (!sender) return Reject("unknown_member", "sender \"" + body.sender() + "\" is not a member");
  if (sender->status != MemberStatus::kActive) {
    return Reject("member_suspended",
                  "member \"" + sender->id + "\" is " + std::string(MemberStatusName(sender->status)));
  }
  if (!signatures.Check(tx_id, sender->public_key, proto::TxBodySigningBytes(body), tx.signature())) {
    return Reject("bad_signature",
                  "signature does not verify with the current key of \"" + sender->id + "\"");
  }
  if (env.block_time_ms < body.not_before_ms()) {
    return Reject("not_yet_valid", "block time " + std::to_string(env.block_time_ms) +
                                       " is before not_before_ms " + std::to_string(body.not_before_ms()));
  }
  if (env.block_time_ms > body.not_after_ms()) {
    return Reject("expired", "block time " + std::to_string(env.block_time_ms) + " is after not_after_ms " +
                                 std::to_string(body.not_after_ms()));
  }
  if (body.not_after_ms() - body.not_before_ms() > env.params.max_validity_window_ms) {
    return Reject("window_too_long", "validity window exceeds max_validity_window_ms " +
                                         std::to_string(env.params.max_validity_window_ms));
  }
  const std::string nonce_key = keys::Nonce(sender->id, body.nonce());
  const std::optional<NonceRecord> used = Load<NonceRecord>(state, nonce_key);
  if (used && used->not_after_ms >= env.block_time_ms) {
    return Reject("replayed_nonce",
                  "nonce " + std::to_string(body.nonce()) + " was already used by \"" + sender->id + "\"");
  }
  TxContext ctx{state, env, body, *sender, tx_id, index};
  CC_RETURN_IF_ERROR(Dispatch(ctx));
  Store(state, nonce_key, NonceRecord{body.not_after_ms()});
  state.Put(keys::NonceExpiry(body.not_after_ms(), sender->id, body.nonce()), nonce_key);
  return Status::Ok();
}

// "nx/" + 16 hex digits of not_after_ms + ...
uint64_t ExpiryOf(std::string_view expiry_key) {
  const std::optional<uint64_t> v =
      keys::ParseFixedHex(expiry_key.substr(keys::kNonceExpiryPrefix.size(), 16));
  if (!v) CorruptState(expiry_key);
  return *v;
}

}  // namespace

void PruneNonces(Overlay& state, uint64_t block_time_ms) {
  // Small pages, so a block with nothing to prune reads a few entries, not hundreds.
  constexpr size_t kPage = 32;
  size_t pruned = 0;
  while (pruned < kNoncePrunePerBlock) {
    const StateEntries page = state.Scan(keys::kNonceExpiryPrefix, kPage);
    for (const auto& [expiry_key, nonce_key] : page) {
      const uint64_t not_after = ExpiryOf(expiry_key);
      if (not_after >= block_time_ms) return;  // in expiry order: the rest are live
      // The nonce may have been used again since with a later window; then only the
      // stale index entry goes.
      const std::optional<NonceRecord> rec = Load<NonceRecord>(state, nonce_key);
      if (rec && rec->not_after_ms == not_after) state.Delete(nonce_key);
      state.Delete(expiry_key);
      ++pruned;
    }
    if (page.size() < kPage) return;
  }
}

}  // namespace internal

bool DirectSignatureChecker::Check(std::string_view, std::string_view public_key, std::string_view message,
                                   std::string_view signature) const {
  return crypto::Verify(public_key, message, signature);
}

void PreverifiedSignatures::Add(std::string_view tx_id, std::string_view public_key) {
  verified_.insert(std::string(tx_id) + std::string(public_key));
}

bool PreverifiedSignatures::Check(std::string_view tx_id, std::string_view public_key,
                                  std::string_view message, std::string_view signature) const {
  if (verified_.count(std::string(tx_id) + std::string(public_key)) != 0) return true;
  return crypto::Verify(public_key, message, signature);
}

namespace {

struct Start {
  ChainTip tip;
  AllianceParams params;
};

Result<Start> LoadStart(const StateReader& state) {
  std::optional<ChainTip> tip = Load<ChainTip>(state, keys::Tip());
  std::optional<AllianceParams> params = Load<AllianceParams>(state, keys::Params());
  if (!tip || !params) return Status::Error("no_genesis", "state holds no genesis");
  return Start{*tip, *params};
}

}  // namespace

Result<BlockResult> ExecuteBlock(const StateReader& state, const BlockContext& ctx,
                                 const std::vector<std::string>& txs, const std::vector<uint32_t>& skip,
                                 const ExecuteOptions& options) {
  Result<Start> start = LoadStart(state);
  if (!start.ok()) return start.status();
  const ChainTip& tip = start->tip;
  if (ctx.height != tip.height + 1) {
    return Status::Error("bad_context", "block height " + std::to_string(ctx.height) +
                                            " does not follow state tip " + std::to_string(tip.height));
  }
  if (ctx.prev_block_time_ms != tip.block_time_ms) {
    return Status::Error("bad_context", "prev_block_time_ms " + std::to_string(ctx.prev_block_time_ms) +
                                            " differs from the state tip's " +
                                            std::to_string(tip.block_time_ms));
  }
  const DirectSignatureChecker direct;
  const SignatureChecker& signatures = options.signatures ? *options.signatures : direct;

  BlockResult result;
  result.block_time_ms = std::max(ctx.timestamp_ms, tip.block_time_ms);
  Overlay block(state);
  internal::ApplyApprovedChanges(block, ctx.height);
  internal::PruneNonces(block, result.block_time_ms);
  internal::BlockEnv env;
  env.height = ctx.height;
  env.block_time_ms = result.block_time_ms;
  env.day = result.block_time_ms / kMsPerDay;
  env.params = Load<AllianceParams>(block, keys::Params()).value_or(start->params);

  std::vector<bool> skipped(txs.size(), false);
  for (uint32_t i : skip) {
    if (i < txs.size()) skipped[i] = true;
  }
  result.receipts.reserve(txs.size());
  for (uint32_t i = 0; i < txs.size(); ++i) {
    Receipt r;
    r.tx_id = proto::TxId(txs[i]);
    r.index = i;
    const std::string receipt_key = keys::Receipt(r.tx_id);
    if (skipped[i] || block.Get(receipt_key)) {
      r.code = "duplicate";
      r.message = "transaction already executed";
      result.receipts.push_back(std::move(r));
      continue;
    }
    Overlay scratch(static_cast<const StateReader&>(block));  // layer over, never copy
    const Status s = internal::ExecuteTx(scratch, env, txs[i], r.tx_id, i, signatures);
    if (s.ok()) {
      block.Absorb(scratch);
      r.code = "ok";
      ++result.accepted;
    } else {
      r.code = s.code();
      r.message = s.message();
      ++result.rejected;
    }
    Store(block, receipt_key, ReceiptRecord{ctx.height, i, r.code});
    result.receipts.push_back(std::move(r));
  }
  if (result.accepted + result.rejected > 0) {
    internal::UpdateCounters(block, [&](AllianceCounters& c) {
      c.txs_accepted += result.accepted;
      c.txs_rejected += result.rejected;
    });
  }
  Store(block, keys::Tip(), ChainTip{ctx.height, result.block_time_ms});
  result.writes = block.Writes();
  result.state_root = ComputeStateRoot(ctx.prev_state_root, ctx.height, result.writes);
  return result;
}

Status PrecheckTx(const StateReader& state, std::string_view tx, uint64_t now_ms,
                  const SignatureChecker* signatures) {
  Result<Start> start = LoadStart(state);
  if (!start.ok()) return start.status();
  const DirectSignatureChecker direct;
  internal::BlockEnv env;
  env.height = start->tip.height + 1;
  env.block_time_ms = std::max(now_ms, start->tip.block_time_ms);
  env.day = env.block_time_ms / kMsPerDay;
  env.params = start->params;
  Overlay scratch(state);
  const std::string tx_id = proto::TxId(tx);
  if (scratch.Get(keys::Receipt(tx_id))) {
    return Status::Error("duplicate", "transaction already executed");
  }
  return internal::ExecuteTx(scratch, env, tx, tx_id, 0, signatures ? *signatures : direct);
}

}  // namespace cc::contracts
