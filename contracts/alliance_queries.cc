// Read side, alliance-wide: members, parameters, validators, statistics,
// proposals, receipts.
#include <algorithm>

#include "common/hex.h"
#include "contracts/governance.h"
#include "contracts/keys.h"
#include "contracts/params.h"
#include "contracts/queries.h"

namespace cc::contracts {

namespace {

Status NoGenesis() { return Status::Error("no_genesis", "state holds no genesis"); }

MemberView ViewOf(MemberRecord m, const AllianceParams& params, const ValidatorSet& set) {
  MemberView v;
  v.daily_quota = EffectiveQuota(params, m);
  v.operates_validator = OperatesValidator(set, m.id);
  v.member = std::move(m);
  return v;
}

ProposalView ViewOf(ProposalRecord p, const ValidatorSet& set, uint64_t day) {
  ProposalView v;
  v.approval_weight = ApprovalWeight(set, p.approvals);
  v.quorum = set.validators.empty() ? 0 : QuorumSize(static_cast<uint32_t>(set.validators.size()));
  v.expired = ProposalExpired(p, day);
  v.proposal = std::move(p);
  return v;
}

}  // namespace

std::vector<MemberView> ReadMembers(const StateReader& state) {
  const AllianceParams params = Load<AllianceParams>(state, keys::Params()).value_or(AllianceParams{});
  const ValidatorSet set = Load<ValidatorSet>(state, keys::Validators()).value_or(ValidatorSet{});
  std::vector<MemberView> out;
  for (const auto& [key, raw] : state.Scan(keys::kMemberPrefix, kMaxListItems)) {
    std::optional<MemberRecord> m = Decode<MemberRecord>(raw);
    if (!m) CorruptState(key);
    out.push_back(ViewOf(std::move(*m), params, set));
  }
  return out;
}

std::optional<MemberView> ReadMember(const StateReader& state, std::string_view id) {
  if (!IsValidMemberId(id)) return std::nullopt;
  std::optional<MemberRecord> m = Load<MemberRecord>(state, keys::Member(id));
  if (!m) return std::nullopt;
  const AllianceParams params = Load<AllianceParams>(state, keys::Params()).value_or(AllianceParams{});
  const ValidatorSet set = Load<ValidatorSet>(state, keys::Validators()).value_or(ValidatorSet{});
  return ViewOf(std::move(*m), params, set);
}

Result<AllianceStats> ReadAllianceStats(const StateReader& state) {
  const std::optional<ChainTip> tip = Load<ChainTip>(state, keys::Tip());
  const std::optional<ValidatorSet> set = Load<ValidatorSet>(state, keys::Validators());
  if (!tip || !set) return NoGenesis();
  AllianceStats s;
  s.counters = Load<AllianceCounters>(state, keys::Counters()).value_or(AllianceCounters{});
  s.height = tip->height;
  s.block_time_ms = tip->block_time_ms;
  s.validators = static_cast<uint32_t>(set->validators.size());
  for (const MemberView& v : ReadMembers(state)) {
    const MemberRecord& m = v.member;
    if (m.status == MemberStatus::kRemoved) {
      ++s.members_removed;
    } else if (m.status == MemberStatus::kSuspended) {
      ++s.members_suspended;
    } else if (m.role == pb::ROLE_REGULATOR) {
      ++s.regulators;
    } else {
      ++s.members_active;
    }
  }
  return s;
}

Result<AllianceParams> ReadParams(const StateReader& state) {
  std::optional<AllianceParams> p = Load<AllianceParams>(state, keys::Params());
  if (!p) return NoGenesis();
  return *p;
}

Result<ValidatorSet> ReadValidatorSet(const StateReader& state) {
  std::optional<ValidatorSet> s = Load<ValidatorSet>(state, keys::Validators());
  if (!s) return NoGenesis();
  return *s;
}

Result<ChainTip> ReadChainTip(const StateReader& state) {
  std::optional<ChainTip> t = Load<ChainTip>(state, keys::Tip());
  if (!t) return NoGenesis();
  return *t;
}

std::vector<ProposalView> ReadPendingProposals(const StateReader& state, uint64_t now_ms) {
  const ValidatorSet set = Load<ValidatorSet>(state, keys::Validators()).value_or(ValidatorSet{});
  const uint64_t day = now_ms / kMsPerDay;
  std::vector<ProposalView> out;
  auto add = [&](const std::string& index_key, std::string_view proposal_id) {
    std::optional<ProposalRecord> p = Load<ProposalRecord>(state, keys::Proposal(proposal_id));
    if (!p) CorruptState(index_key);
    out.push_back(ViewOf(std::move(*p), set, day));
  };
  for (const auto& [key, unused] : state.Scan(keys::kPendingProposalPrefix, kMaxListItems)) {
    const std::optional<std::string> id = FromHex(key.substr(keys::kPendingProposalPrefix.size()));
    if (!id) CorruptState(key);
    add(key, *id);
  }
  for (const auto& [key, id] : state.Scan(keys::kApprovedQueuePrefix, kMaxListItems)) add(key, id);
  std::sort(out.begin(), out.end(), [](const ProposalView& a, const ProposalView& b) {
    return a.proposal.created_height != b.proposal.created_height
               ? a.proposal.created_height < b.proposal.created_height
               : a.proposal.tx_id < b.proposal.tx_id;
  });
  return out;
}

std::optional<ProposalView> ReadProposal(const StateReader& state, std::string_view tx_id, uint64_t now_ms) {
  std::optional<ProposalRecord> p = Load<ProposalRecord>(state, keys::Proposal(tx_id));
  if (!p) return std::nullopt;
  const ValidatorSet set = Load<ValidatorSet>(state, keys::Validators()).value_or(ValidatorSet{});
  return ViewOf(std::move(*p), set, now_ms / kMsPerDay);
}

std::optional<ReceiptRecord> ReadReceipt(const StateReader& state, std::string_view tx_id) {
  return Load<ReceiptRecord>(state, keys::Receipt(tx_id));
}

}  // namespace cc::contracts
