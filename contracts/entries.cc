// AddBlacklistEntry, RemoveBlacklistEntry, RecordQueryAudit and
// RecordRegulatoryAction (docs/contracts.md).
#include "contracts/params.h"
#include "contracts/tx_context.h"

namespace cc::contracts::internal {

namespace {

bool IsKnownReason(int r) { return pb::BlacklistReason_IsValid(r) && r != pb::BLACKLIST_REASON_UNSPECIFIED; }

bool IsKnownPurpose(int p) { return pb::QueryPurpose_IsValid(p) && p != pb::QUERY_PURPOSE_UNSPECIFIED; }

// Regulators query for audits and for borrowers' disputes; members for their
// lending business and disputes. Nobody else's purpose is theirs to claim.
bool PurposeAllowed(pb::Role role, pb::QueryPurpose purpose) {
  if (role == pb::ROLE_REGULATOR) {
    return purpose == pb::QUERY_REGULATOR_AUDIT || purpose == pb::QUERY_DISPUTE_HANDLING;
  }
  return purpose != pb::QUERY_REGULATOR_AUDIT;
}

}  // namespace

Status AddBlacklist(TxContext& ctx) {
  const pb::AddBlacklistEntry& p = ctx.body.add_blacklist();
  if (!Is32(p.subject_key())) return Reject("invalid_subject_key", "subject_key must be 32 bytes");
  if (!IsKnownReason(p.reason())) {
    return Reject("invalid_reason", "unknown blacklist reason " + std::to_string(p.reason()));
  }
  if (!Is32(p.evidence_hash())) return Reject("invalid_hash", "evidence_hash must be 32 bytes");
  if (p.expiry_day() != 0 && p.expiry_day() <= ctx.block.day) {
    return Reject("invalid_expiry",
                  "expiry_day must be 0 (none) or after the block day " + std::to_string(ctx.block.day));
  }
  BlacklistRecord entry;
  entry.tx_id = ctx.tx_id;
  entry.lister = ctx.sender.id;
  entry.subject_key = p.subject_key();
  entry.reason = p.reason();
  entry.evidence_hash = p.evidence_hash();
  entry.expiry_day = p.expiry_day();
  entry.height = ctx.block.height;
  entry.day = ctx.block.day;
  Store(ctx.state, keys::Blacklist(ctx.tx_id), entry);
  ctx.state.Put(keys::SubjectBlacklist(entry.subject_key, entry.height, ctx.index), ctx.tx_id);
  UpdateMemberStats(ctx.state, entry.lister, [](MemberStats& s) { ++s.blacklist_added; });
  UpdateCounters(ctx.state, [](AllianceCounters& c) { ++c.blacklist_added; });
  return Status::Ok();
}

Status RemoveBlacklist(TxContext& ctx) {
  const pb::RemoveBlacklistEntry& p = ctx.body.remove_blacklist();
  std::optional<BlacklistRecord> found;
  if (Is32(p.entry_tx_id())) found = Load<BlacklistRecord>(ctx.state, keys::Blacklist(p.entry_tx_id()));
  if (!found) return Reject("unknown_entry", "no blacklist entry with this tx id");
  BlacklistRecord& entry = *found;
  if (ctx.sender.id != entry.lister && !IsRegulator(ctx.sender)) {
    return Reject("not_authorized",
                  "only the listing member \"" + entry.lister + "\" or a regulator may remove it");
  }
  if (entry.removed) return Reject("already_removed", "the entry was already removed");
  if (!Is32(p.reason_hash())) return Reject("invalid_hash", "reason_hash must be 32 bytes");
  entry.removed = true;
  entry.removed_by = ctx.sender.id;
  entry.removal_tx_id = ctx.tx_id;
  entry.removal_reason_hash = p.reason_hash();
  entry.removed_day = ctx.block.day;
  Store(ctx.state, keys::Blacklist(entry.tx_id), entry);
  UpdateMemberStats(ctx.state, entry.lister, [](MemberStats& s) { ++s.blacklist_removed; });
  UpdateCounters(ctx.state, [](AllianceCounters& c) { ++c.blacklist_removed; });
  return Status::Ok();
}

Status RecordQuery(TxContext& ctx) {
  const pb::RecordQueryAudit& p = ctx.body.query_audit();
  if (!Is32(p.subject_key())) return Reject("invalid_subject_key", "subject_key must be 32 bytes");
  if (!IsKnownPurpose(p.purpose())) {
    return Reject("invalid_purpose", "unknown query purpose " + std::to_string(p.purpose()));
  }
  if (!PurposeAllowed(ctx.sender.role, p.purpose())) {
    return Reject("not_authorized", "this purpose is not open to the sender's role");
  }
  if (!Is32(p.authorization_ref_hash())) {
    return Reject("invalid_hash", "authorization_ref_hash must be 32 bytes");
  }
  const std::string count_key = keys::QueryCount(ctx.sender.id, ctx.block.day);
  const uint64_t used = Load<Counter>(ctx.state, count_key).value_or(Counter{}).value;
  const uint64_t quota = EffectiveQuota(ctx.block.params, ctx.sender);
  if (used >= quota) {
    return Reject("quota_exceeded", "member \"" + ctx.sender.id + "\" used its daily query quota of " +
                                        std::to_string(quota) + " for day " + std::to_string(ctx.block.day));
  }
  QueryRecord q;
  q.tx_id = ctx.tx_id;
  q.member = ctx.sender.id;
  q.subject_key = p.subject_key();
  q.purpose = p.purpose();
  q.authorization_ref_hash = p.authorization_ref_hash();
  q.query_time_ms = p.query_time_ms();
  q.block_time_ms = ctx.block.block_time_ms;
  q.height = ctx.block.height;
  Store(ctx.state, keys::Query(ctx.tx_id), q);
  ctx.state.Put(keys::SubjectQuery(q.subject_key, q.height, ctx.index), ctx.tx_id);
  ctx.state.Put(keys::MemberQuery(q.member, ctx.block.day, q.height, ctx.index), ctx.tx_id);
  Store(ctx.state, count_key, Counter{used + 1});
  UpdateMemberStats(ctx.state, q.member, [](MemberStats& s) { ++s.queries_total; });
  UpdateCounters(ctx.state, [&](AllianceCounters& c) { ++c.queries_by_purpose[q.purpose]; });
  return Status::Ok();
}

Status RecordRegulatoryAction(TxContext& ctx) {
  const pb::RecordRegulatoryAction& p = ctx.body.regulatory_action();
  if (!IsRegulator(ctx.sender)) {
    return Reject("not_authorized", "only regulators record regulatory actions");
  }
  if (!pb::RegulatoryActionKind_IsValid(p.kind()) || p.kind() == pb::REGULATORY_ACTION_KIND_UNSPECIFIED) {
    return Reject("invalid_action_kind", "unknown regulatory action kind " + std::to_string(p.kind()));
  }
  if (!Load<MemberRecord>(ctx.state, keys::Member(p.target_member()))) {
    return Reject("unknown_target", "\"" + p.target_member() + "\" is not a member");
  }
  if (!Is32(p.document_hash())) return Reject("invalid_hash", "document_hash must be 32 bytes");
  RegulatoryActionRecord rec{ctx.tx_id,         ctx.sender.id,    p.target_member(), p.kind(),
                             p.document_hash(), ctx.block.height, ctx.block.day};
  Store(ctx.state, keys::RegulatoryAction(p.target_member(), ctx.block.height, ctx.index), rec);
  UpdateCounters(ctx.state, [](AllianceCounters& c) { ++c.regulatory_actions; });
  return Status::Ok();
}

}  // namespace cc::contracts::internal
