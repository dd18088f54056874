// Internal to contracts/: what a transaction handler sees, and small helpers the
// handlers share. Not part of the library's public interface.
//
// A handler validates its payload against the state and, only when everything
// holds, writes its records into ctx.state (the transaction's scratch overlay).
// It returns OK to accept, or a Status whose code is the receipt's rejection code.
// The executor drops the scratch overlay of a rejected transaction, so a handler
// that fails after writing still changes nothing.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"
#include "contracts/keys.h"
#include "contracts/records.h"
#include "contracts/state_reader.h"
#include "proto/creditchain.pb.h"

namespace cc::contracts::internal {

struct BlockEnv {
  uint64_t height = 0;
  uint64_t block_time_ms = 0;
  uint64_t day = 0;       // block_time_ms / kMsPerDay
  AllianceParams params;  // as of the start of this block
};

struct TxContext {
  Overlay& state;
  const BlockEnv& block;
  const pb::TxBody& body;
  const MemberRecord& sender;
  const std::string& tx_id;
  uint32_t index = 0;
};

inline Status Reject(std::string code, std::string message) {
  return Status::Error(std::move(code), std::move(message));
}

inline bool Is32(std::string_view bytes) { return bytes.size() == 32; }

inline bool IsRegulator(const MemberRecord& m) { return m.role == pb::ROLE_REGULATOR; }

template <class F>
void UpdateCounters(Overlay& state, F&& change) {
  AllianceCounters c = Load<AllianceCounters>(state, keys::Counters()).value_or(AllianceCounters{});
  change(c);
  Store(state, keys::Counters(), c);
}

template <class F>
void UpdateMemberStats(Overlay& state, std::string_view member, F&& change) {
  const std::string key = keys::MemberStats(member);
  MemberStats s = Load<MemberStats>(state, key).value_or(MemberStats{});
  change(s);
  Store(state, key, s);
}

// Handlers, one per payload kind.
Status RecordEvent(TxContext& ctx);
Status AmendEvent(TxContext& ctx);
Status AddBlacklist(TxContext& ctx);
Status RemoveBlacklist(TxContext& ctx);
Status RecordQuery(TxContext& ctx);
Status ProposeChange(TxContext& ctx);
Status ApproveChange(TxContext& ctx);
Status RecordRegulatoryAction(TxContext& ctx);

// Block-start housekeeping, in this order.
// Applies proposals approved in earlier blocks (governance.cc).
void ApplyApprovedChanges(Overlay& state, uint64_t height);
// Deletes nonce records whose window ended before `block_time_ms` (executor.cc).
void PruneNonces(Overlay& state, uint64_t block_time_ms);

}  // namespace cc::contracts::internal
