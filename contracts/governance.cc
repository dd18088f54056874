// ProposeMembershipChange, ApproveMembershipChange and the application of approved
// changes at block start (governance.h, docs/contracts.md "Governance").
#include "contracts/governance.h"

#include <algorithm>

#include "contracts/genesis.h"
#include "contracts/params.h"
#include "contracts/tx_context.h"
#include "crypto/keys.h"

namespace cc::contracts {

namespace {

// Approved changes applied per block at most; the rest wait for the next block,
// in approval order.
constexpr size_t kChangesPerBlock = 256;
// Bound on the member scan that checks a new key is not already in use.
constexpr size_t kMaxMembers = 100000;

Status Err(std::string code, std::string message) {
  return Status::Error(std::move(code), std::move(message));
}

Status CheckNewKey(const StateReader& state, std::string_view key) {
  if (!IsValidPublicKey(key)) return Err("invalid_public_key", "not a valid Ed25519 public key");
  for (const auto& [k, raw] : state.Scan(keys::kMemberPrefix, kMaxMembers)) {
    std::optional<MemberRecord> m = Decode<MemberRecord>(raw);
    if (!m) CorruptState(k);
    if (m->public_key == key) return Err("key_in_use", "key already used by member \"" + m->id + "\"");
  }
  return Status::Ok();
}

ValidatorSet LoadValidators(const StateReader& state) {
  return Load<ValidatorSet>(state, keys::Validators()).value_or(ValidatorSet{});
}

void Apply(Overlay& state, const ProposedChange& c, uint64_t height) {
  const std::string member_key = keys::Member(c.member_id);
  std::optional<MemberRecord> member = Load<MemberRecord>(state, member_key);
  switch (c.kind) {
    case pb::CHANGE_ADD_MEMBER: {
      MemberRecord m;
      m.id = c.member_id;
      m.display_name = c.display_name;
      m.public_key = c.public_key;
      m.role = c.role;
      m.joined_height = height;
      m.key_since_height = height;
      Store(state, member_key, m);
      return;
    }
    case pb::CHANGE_SUSPEND_MEMBER:
      member->status = MemberStatus::kSuspended;
      break;
    case pb::CHANGE_REINSTATE_MEMBER:
      member->status = MemberStatus::kActive;
      break;
    case pb::CHANGE_REMOVE_MEMBER:
      member->status = MemberStatus::kRemoved;
      break;
    case pb::CHANGE_ROTATE_KEY:
      member->previous_keys.push_back(member->public_key);
      member->public_key = c.public_key;
      member->key_since_height = height;
      break;
    case pb::CHANGE_ADD_VALIDATOR:
    case pb::CHANGE_REMOVE_VALIDATOR: {
      ValidatorSet set = LoadValidators(state);
      if (c.kind == pb::CHANGE_ADD_VALIDATOR) {
        set.validators.push_back({c.public_key, c.member_id});
      } else {
        std::erase_if(set.validators, [&](const ValidatorInfo& v) { return v.public_key == c.public_key; });
      }
      set.changed_height = height;
      Store(state, keys::Validators(), set);
      return;
    }
    case pb::CHANGE_SET_PARAMETER: {
      if (c.parameter.starts_with(kMemberQuotaPrefix)) {
        member = Load<MemberRecord>(state, keys::Member(c.parameter.substr(kMemberQuotaPrefix.size())));
        member->quota_override = c.value;
        Store(state, keys::Member(member->id), *member);
        return;
      }
      AllianceParams params = *Load<AllianceParams>(state, keys::Params());
      SetParameter(params, c.parameter, c.value);
      Store(state, keys::Params(), params);
      return;
    }
    default:
      std::abort();  // CheckChange admitted only the kinds above
  }
  Store(state, member_key, *member);
}

}  // namespace

uint32_t QuorumSize(uint32_t n) { return 2 * ((n - 1) / 3) + 1; }

bool OperatesValidator(const ValidatorSet& set, std::string_view member_id) {
  return std::any_of(set.validators.begin(), set.validators.end(),
                     [&](const ValidatorInfo& v) { return v.operator_id == member_id; });
}

bool MayGovern(const ValidatorSet& set, const MemberRecord& member) {
  return member.status == MemberStatus::kActive &&
         (member.role == pb::ROLE_REGULATOR || OperatesValidator(set, member.id));
}

uint32_t ApprovalWeight(const ValidatorSet& set, const std::vector<std::string>& approvals) {
  uint32_t weight = 0;
  for (const ValidatorInfo& v : set.validators) {
    if (std::find(approvals.begin(), approvals.end(), v.operator_id) != approvals.end()) ++weight;
  }
  return weight;
}

bool ProposalExpired(const ProposalRecord& p, uint64_t day) {
  return p.status == ProposalStatus::kPending && day > p.created_day + kProposalLifetimeDays;
}

Status CheckChange(const StateReader& state, const ProposedChange& c) {
  std::optional<MemberRecord> member;
  if (IsValidMemberId(c.member_id)) member = Load<MemberRecord>(state, keys::Member(c.member_id));
  auto need_member = [&]() -> Status {
    if (!member) return Err("unknown_target", "\"" + c.member_id + "\" is not a member");
    return Status::Ok();
  };
  switch (c.kind) {
    case pb::CHANGE_ADD_MEMBER:
      if (!IsValidMemberId(c.member_id)) {
        return Err("invalid_member_id", "member id must be 1-64 characters of [a-z0-9._-]");
      }
      if (member) return Err("member_exists", "\"" + c.member_id + "\" is already a member");
      if (c.role != pb::ROLE_MEMBER && c.role != pb::ROLE_REGULATOR) {
        return Err("invalid_role", "role must be member or regulator");
      }
      if (!IsValidDisplayName(c.display_name)) {
        return Err("invalid_display_name", "display name must be 1-128 bytes without control characters");
      }
      return CheckNewKey(state, c.public_key);
    case pb::CHANGE_SUSPEND_MEMBER:
      CC_RETURN_IF_ERROR(need_member());
      if (member->status != MemberStatus::kActive) return Err("invalid_state", "member is not active");
      return Status::Ok();
    case pb::CHANGE_REINSTATE_MEMBER:
      CC_RETURN_IF_ERROR(need_member());
      if (member->status != MemberStatus::kSuspended) {
        return Err("invalid_state", "only a suspended member can be reinstated");
      }
      return Status::Ok();
    case pb::CHANGE_REMOVE_MEMBER:
      CC_RETURN_IF_ERROR(need_member());
      if (member->status == MemberStatus::kRemoved) return Err("invalid_state", "member already removed");
      if (OperatesValidator(LoadValidators(state), c.member_id)) {
        return Err("operates_validator", "remove the member's validators first");
      }
      return Status::Ok();
    case pb::CHANGE_ROTATE_KEY:
      CC_RETURN_IF_ERROR(need_member());
      if (member->status == MemberStatus::kRemoved) return Err("invalid_state", "member was removed");
      return CheckNewKey(state, c.public_key);
    case pb::CHANGE_ADD_VALIDATOR: {
      CC_RETURN_IF_ERROR(need_member());
      if (member->role != pb::ROLE_MEMBER) {
        return Err("invalid_role", "validators are operated by members, not regulators");
      }
      if (member->status != MemberStatus::kActive) return Err("invalid_state", "member is not active");
      if (!IsValidPublicKey(c.public_key)) {
        return Err("invalid_public_key", "not a valid Ed25519 public key");
      }
      const ValidatorSet set = LoadValidators(state);
      for (const auto& v : set.validators) {
        if (v.public_key == c.public_key) return Err("validator_exists", "already a validator");
      }
      return Status::Ok();
    }
    case pb::CHANGE_REMOVE_VALIDATOR: {
      const ValidatorSet set = LoadValidators(state);
      const bool present = std::any_of(set.validators.begin(), set.validators.end(),
                                       [&](const ValidatorInfo& v) { return v.public_key == c.public_key; });
      if (!present) return Err("unknown_validator", "no validator with this key");
      if (set.validators.size() == 1) return Err("last_validator", "cannot remove the last validator");
      return Status::Ok();
    }
    case pb::CHANGE_SET_PARAMETER:
      if (c.parameter.starts_with(kMemberQuotaPrefix)) {
        const std::string target = c.parameter.substr(kMemberQuotaPrefix.size());
        if (!IsValidMemberId(target) || !Load<MemberRecord>(state, keys::Member(target))) {
          return Err("unknown_target", "\"" + target + "\" is not a member");
        }
        return CheckParameter("daily_query_quota", c.value);
      }
      return CheckParameter(c.parameter, c.value);
    default:
      return Err("invalid_change_kind", "unknown change kind " + std::to_string(c.kind));
  }
}

namespace internal {

namespace {

// Marks `p` approved and queues it for the next block if its approvers' validator
// weight reaches the quorum.
void MaybeApprove(TxContext& ctx, ProposalRecord& p, const ValidatorSet& set) {
  if (ApprovalWeight(set, p.approvals) < QuorumSize(static_cast<uint32_t>(set.validators.size()))) {
    return;
  }
  p.status = ProposalStatus::kApproved;
  p.approved_height = ctx.block.height;
  ctx.state.Delete(keys::PendingProposal(p.tx_id));
  ctx.state.Put(keys::ApprovedQueue(ctx.block.height, ctx.index), p.tx_id);
}

}  // namespace

Status ProposeChange(TxContext& ctx) {
  const pb::ProposeMembershipChange& p = ctx.body.propose_change();
  const ValidatorSet set = LoadValidators(ctx.state);
  if (!MayGovern(set, ctx.sender)) {
    return Reject("not_authorized", "only validator operators and regulators may propose changes");
  }
  ProposalRecord rec;
  rec.tx_id = ctx.tx_id;
  rec.proposer = ctx.sender.id;
  rec.change = ProposedChange{p.kind(),      p.member_id(), p.public_key(),  p.role(),
                              p.parameter(), p.value(),     p.display_name()};
  CC_RETURN_IF_ERROR(CheckChange(ctx.state, rec.change));
  rec.created_height = ctx.block.height;
  rec.created_day = ctx.block.day;
  rec.approvals.push_back(ctx.sender.id);
  ctx.state.Put(keys::PendingProposal(rec.tx_id), "");
  MaybeApprove(ctx, rec, set);
  Store(ctx.state, keys::Proposal(rec.tx_id), rec);
  UpdateCounters(ctx.state, [](AllianceCounters& c) { ++c.proposals; });
  return Status::Ok();
}

Status ApproveChange(TxContext& ctx) {
  const std::string& id = ctx.body.approve_change().proposal_tx_id();
  std::optional<ProposalRecord> found;
  if (Is32(id)) found = Load<ProposalRecord>(ctx.state, keys::Proposal(id));
  if (!found) return Reject("unknown_proposal", "no proposal with this tx id");
  ProposalRecord& rec = *found;
  if (rec.status != ProposalStatus::kPending) {
    return Reject("proposal_closed", "the proposal is " + std::string(ProposalStatusName(rec.status)));
  }
  if (ProposalExpired(rec, ctx.block.day)) {
    return Reject("proposal_expired",
                  "the proposal was not approved within " + std::to_string(kProposalLifetimeDays) + " days");
  }
  const ValidatorSet set = LoadValidators(ctx.state);
  if (!MayGovern(set, ctx.sender)) {
    return Reject("not_authorized", "only validator operators and regulators may approve changes");
  }
  if (std::find(rec.approvals.begin(), rec.approvals.end(), ctx.sender.id) != rec.approvals.end()) {
    return Reject("already_approved", "\"" + ctx.sender.id + "\" already approved this proposal");
  }
  rec.approvals.push_back(ctx.sender.id);
  MaybeApprove(ctx, rec, set);
  Store(ctx.state, keys::Proposal(rec.tx_id), rec);
  return Status::Ok();
}

void ApplyApprovedChanges(Overlay& state, uint64_t height) {
  for (const auto& [queue_key, proposal_id] : state.Scan(keys::kApprovedQueuePrefix, kChangesPerBlock)) {
    const std::string proposal_key = keys::Proposal(proposal_id);
    std::optional<ProposalRecord> p = Load<ProposalRecord>(state, proposal_key);
    if (!p) CorruptState(queue_key);
    const Status s = CheckChange(state, p->change);
    if (s.ok()) {
      Apply(state, p->change, height);
      p->status = ProposalStatus::kApplied;
    } else {
      p->status = ProposalStatus::kFailed;
      p->failure_code = s.code();
    }
    p->applied_height = height;
    Store(state, proposal_key, *p);
    state.Delete(queue_key);
    UpdateCounters(state, [&](AllianceCounters& c) { ++(s.ok() ? c.changes_applied : c.changes_failed); });
  }
}

}  // namespace internal

}  // namespace cc::contracts
