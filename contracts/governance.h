// Governance rules shared by execution and the read side (docs/contracts.md
// "Governance").
//
// Who may propose and approve: a member operating a validator of the current set,
// or a regulator. A change is approved when the validators operated by its
// approvers (the proposer counts as the first approver) reach the quorum 2f+1 of
// the current validator set, n validators, f = (n-1)/3. Regulators' approvals are
// recorded but carry no validator weight. An approved change is applied at the
// start of the next block, after its rules are checked again against the state
// of that moment; a change that no longer holds is marked failed with the code.
// A proposal not approved within kProposalLifetimeDays of its block day expires.
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "contracts/records.h"
#include "contracts/state_reader.h"

namespace cc::contracts {

inline constexpr uint64_t kProposalLifetimeDays = 30;

// 2f+1 with f = (n-1)/3. REQUIRES: n >= 1.
uint32_t QuorumSize(uint32_t n);
bool OperatesValidator(const ValidatorSet& set, std::string_view member_id);
bool MayGovern(const ValidatorSet& set, const MemberRecord& member);
// Number of validators in `set` whose operator is among `approvals`.
uint32_t ApprovalWeight(const ValidatorSet& set, const std::vector<std::string>& approvals);
bool ProposalExpired(const ProposalRecord& proposal, uint64_t day);

// Whether `change` can be applied to `state` now. Codes: invalid_change_kind,
// invalid_member_id, member_exists, unknown_target, invalid_state, invalid_role,
// invalid_display_name, invalid_public_key, key_in_use, validator_exists,
// unknown_validator, last_validator, operates_validator, unknown_parameter,
// invalid_value.
Status CheckChange(const StateReader& state, const ProposedChange& change);

}  // namespace cc::contracts
