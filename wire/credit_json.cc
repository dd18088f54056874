#include "wire/credit_json.h"

#include <chrono>
#include <cstdio>
#include <utility>

#include "common/hex.h"

namespace cc::wire {

using nlohmann::json;

namespace {

template <class E, size_t N>
std::string_view NameOf(const std::pair<E, std::string_view> (&table)[N], E v) {
  for (const auto& [value, name] : table) {
    if (value == v) return name;
  }
  return "unspecified";
}

template <class E, size_t N>
std::optional<E> ValueOf(const std::pair<E, std::string_view> (&table)[N], std::string_view name) {
  for (const auto& [value, n] : table) {
    if (n == name) return value;
  }
  return std::nullopt;
}

constexpr std::pair<pb::EventType, std::string_view> kEventTypes[] = {
    {pb::EVENT_LOAN_OPENED, "loan_opened"},        {pb::EVENT_REPAID, "repaid"},
    {pb::EVENT_OVERDUE_30, "overdue_30"},          {pb::EVENT_OVERDUE_60, "overdue_60"},
    {pb::EVENT_OVERDUE_90, "overdue_90"},          {pb::EVENT_DEFAULT, "default"},
    {pb::EVENT_WRITTEN_OFF, "written_off"},        {pb::EVENT_SETTLED, "settled"},
    {pb::EVENT_FRAUD_CONFIRMED, "fraud_confirmed"}};
constexpr std::pair<pb::AmendKind, std::string_view> kAmendKinds[] = {
    {pb::AMEND_CORRECTED, "corrected"},
    {pb::AMEND_DISPUTED, "disputed"},
    {pb::AMEND_DISPUTE_RESOLVED, "dispute_resolved"},
    {pb::AMEND_RETRACTED, "retracted"}};
constexpr std::pair<pb::BlacklistReason, std::string_view> kReasons[] = {
    {pb::BLACKLIST_FRAUD, "fraud"},
    {pb::BLACKLIST_IDENTITY_THEFT, "identity_theft"},
    {pb::BLACKLIST_MALICIOUS_DEFAULT, "malicious_default"},
    {pb::BLACKLIST_COURT_ENFORCED, "court_enforced"}};
constexpr std::pair<pb::QueryPurpose, std::string_view> kPurposes[] = {
    {pb::QUERY_LOAN_APPLICATION, "loan_application"},
    {pb::QUERY_POST_LOAN_MONITORING, "post_loan_monitoring"},
    {pb::QUERY_DISPUTE_HANDLING, "dispute_handling"},
    {pb::QUERY_REGULATOR_AUDIT, "regulator_audit"}};
constexpr std::pair<pb::Role, std::string_view> kRoles[] = {{pb::ROLE_MEMBER, "member"},
                                                            {pb::ROLE_REGULATOR, "regulator"}};
constexpr std::pair<pb::ChangeKind, std::string_view> kChangeKinds[] = {
    {pb::CHANGE_ADD_MEMBER, "add_member"},
    {pb::CHANGE_SUSPEND_MEMBER, "suspend_member"},
    {pb::CHANGE_REMOVE_MEMBER, "remove_member"},
    {pb::CHANGE_ADD_VALIDATOR, "add_validator"},
    {pb::CHANGE_REMOVE_VALIDATOR, "remove_validator"},
    {pb::CHANGE_ROTATE_KEY, "rotate_key"},
    {pb::CHANGE_SET_PARAMETER, "set_parameter"},
    {pb::CHANGE_REINSTATE_MEMBER, "reinstate_member"}};
constexpr std::pair<pb::RegulatoryActionKind, std::string_view> kActions[] = {
    {pb::REGULATORY_SANCTION, "sanction"},
    {pb::REGULATORY_RECTIFICATION_ORDER, "rectification_order"},
    {pb::REGULATORY_ADMISSION_APPROVAL, "admission_approval"}};

json DateOrNull(uint64_t day) { return day == 0 ? json(nullptr) : json(FormatDate(day)); }

}  // namespace

std::string_view EventTypeName(pb::EventType v) { return NameOf(kEventTypes, v); }
std::optional<pb::EventType> ParseEventType(std::string_view n) { return ValueOf(kEventTypes, n); }
std::string_view AmendKindName(pb::AmendKind v) { return NameOf(kAmendKinds, v); }
std::optional<pb::AmendKind> ParseAmendKind(std::string_view n) { return ValueOf(kAmendKinds, n); }
std::string_view BlacklistReasonName(pb::BlacklistReason v) { return NameOf(kReasons, v); }
std::optional<pb::BlacklistReason> ParseBlacklistReason(std::string_view n) { return ValueOf(kReasons, n); }
std::string_view PurposeName(pb::QueryPurpose v) { return NameOf(kPurposes, v); }
std::optional<pb::QueryPurpose> ParsePurpose(std::string_view n) { return ValueOf(kPurposes, n); }
std::string_view RoleName(pb::Role v) { return NameOf(kRoles, v); }
std::optional<pb::Role> ParseRole(std::string_view n) { return ValueOf(kRoles, n); }
std::string_view ChangeKindName(pb::ChangeKind v) { return NameOf(kChangeKinds, v); }
std::optional<pb::ChangeKind> ParseChangeKind(std::string_view n) { return ValueOf(kChangeKinds, n); }
std::string_view RegulatoryActionName(pb::RegulatoryActionKind v) { return NameOf(kActions, v); }
std::optional<pb::RegulatoryActionKind> ParseRegulatoryAction(std::string_view n) {
  return ValueOf(kActions, n);
}

std::optional<uint32_t> ParseDate(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  auto number = [&](size_t from, size_t len) -> std::optional<int> {
    int v = 0;
    for (size_t i = from; i < from + len; ++i) {
      if (text[i] < '0' || text[i] > '9') return std::nullopt;
      v = v * 10 + (text[i] - '0');
    }
    return v;
  };
  auto y = number(0, 4), m = number(5, 2), d = number(8, 2);
  if (!y || !m || !d || *y < 1970) return std::nullopt;
  const std::chrono::year_month_day ymd{std::chrono::year(*y), std::chrono::month(static_cast<unsigned>(*m)),
                                        std::chrono::day(static_cast<unsigned>(*d))};
  if (!ymd.ok()) return std::nullopt;
  return static_cast<uint32_t>(std::chrono::sys_days(ymd).time_since_epoch().count());
}

std::string FormatDate(uint64_t day) {
  const std::chrono::year_month_day ymd{std::chrono::sys_days(std::chrono::days(static_cast<int64_t>(day)))};
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf;
}

json EventJson(const contracts::EventView& view) {
  const contracts::EventRecord& e = view.event;
  json amendments = json::array();
  for (const auto& a : e.amendments) {
    amendments.push_back({{"tx_id", ToHex(a.tx_id)},
                          {"kind", AmendKindName(a.kind)},
                          {"by", a.by},
                          {"record_hash", ToHex(a.record_hash)},
                          {"height", a.height},
                          {"date", FormatDate(a.day)}});
  }
  json out{{"tx_id", ToHex(e.tx_id)},
           {"reporter", e.reporter},
           {"subject_key", ToHex(e.subject_key)},
           {"event_type", EventTypeName(e.event_type)},
           {"loan_ref_hash", ToHex(e.loan_ref_hash)},
           {"amount_minor", e.amount_minor},
           {"currency", e.currency},
           {"event_date", FormatDate(e.event_day)},
           {"record_hash", ToHex(e.record_hash)},
           {"current_record_hash", ToHex(e.current_record_hash)},
           {"status", contracts::EventStatusName(view.status)},
           {"height", e.height},
           {"index", e.index},
           {"reported_date", FormatDate(e.block_day)},
           {"amendments", amendments}};
  if (e.dispute_open) {
    out["dispute"] = {{"tx_id", ToHex(e.dispute_tx_id)},
                      {"deadline_date", FormatDate(e.dispute_deadline_day)},
                      {"overdue", view.dispute_overdue}};
  } else {
    out["dispute"] = nullptr;
  }
  return out;
}

json BlacklistJson(const contracts::BlacklistView& view) {
  const contracts::BlacklistRecord& b = view.entry;
  json out{{"tx_id", ToHex(b.tx_id)},
           {"lister", b.lister},
           {"subject_key", ToHex(b.subject_key)},
           {"reason", BlacklistReasonName(b.reason)},
           {"evidence_hash", ToHex(b.evidence_hash)},
           {"expiry_date", DateOrNull(b.expiry_day)},
           {"status", contracts::BlacklistStatusName(view.status)},
           {"height", b.height},
           {"listed_date", FormatDate(b.day)}};
  if (b.removed) {
    out["removal"] = {{"by", b.removed_by},
                      {"tx_id", ToHex(b.removal_tx_id)},
                      {"reason_hash", ToHex(b.removal_reason_hash)},
                      {"date", FormatDate(b.removed_day)}};
  } else {
    out["removal"] = nullptr;
  }
  return out;
}

json QueryRecordJson(const contracts::QueryRecord& q) {
  return json{{"tx_id", ToHex(q.tx_id)},
              {"member", q.member},
              {"subject_key", ToHex(q.subject_key)},
              {"purpose", PurposeName(q.purpose)},
              {"authorization_ref_hash", ToHex(q.authorization_ref_hash)},
              {"query_time_ms", q.query_time_ms},
              {"block_time_ms", q.block_time_ms},
              {"height", q.height}};
}

json RiskJson(const contracts::RiskSummary& r) {
  return json{
      {"lenders_30d", r.lenders_30d},         {"lenders_90d", r.lenders_90d},
      {"lenders_180d", r.lenders_180d},       {"overdue_events", r.overdue_events},
      {"default_events", r.default_events},   {"fraud_events", r.fraud_events},
      {"disputed_events", r.disputed_events}, {"active_blacklist_entries", r.active_blacklist_entries}};
}

json ComplianceJson(const contracts::MemberCompliance& c) {
  const contracts::MemberStats& s = c.stats;
  json overdue = json::array();
  for (const auto& d : c.overdue_disputes) {
    overdue.push_back({{"event_tx_id", ToHex(d.event_tx_id)},
                       {"dispute_tx_id", ToHex(d.dispute_tx_id)},
                       {"deadline_date", FormatDate(d.deadline_day)},
                       {"days_overdue", d.days_overdue}});
  }
  json per_day = json::array();
  for (const auto& d : c.queries_per_day)
    per_day.push_back({{"date", FormatDate(d.day)}, {"count", d.count}});
  json actions = json::array();
  for (const auto& a : c.regulatory_actions) {
    actions.push_back({{"tx_id", ToHex(a.tx_id)},
                       {"regulator", a.regulator},
                       {"kind", RegulatoryActionName(a.kind)},
                       {"document_hash", ToHex(a.document_hash)},
                       {"height", a.height},
                       {"date", FormatDate(a.day)}});
  }
  return json{{"member", c.member},
              {"date", FormatDate(c.now_day)},
              {"reporting",
               {{"events_reported", s.events_reported},
                {"delay_sum_days", s.delay_sum_days},
                {"delay_max_days", s.delay_max_days},
                {"mean_delay_days_x100", c.mean_delay_days_x100},
                {"delay_buckets",
                 {{"0d", s.delay_buckets[0]},
                  {"1d", s.delay_buckets[1]},
                  {"2_7d", s.delay_buckets[2]},
                  {"8_30d", s.delay_buckets[3]},
                  {"over_30d", s.delay_buckets[4]}}}}},
              {"amendments",
               {{"corrections_received", s.corrections_received},
                {"retractions_received", s.retractions_received},
                {"amendment_rate_bps", c.amendment_rate_bps}}},
              {"disputes",
               {{"received", s.disputes_received},
                {"answered", s.disputes_answered},
                {"answered_late", s.disputes_answered_late},
                {"open", c.open_disputes},
                {"dispute_rate_bps", c.dispute_rate_bps},
                {"overdue", overdue}}},
              {"blacklist", {{"added", s.blacklist_added}, {"removed", s.blacklist_removed}}},
              {"queries", {{"total", s.queries_total}, {"daily_quota", c.daily_quota}, {"per_day", per_day}}},
              {"regulatory_actions", actions},
              {"truncated", c.truncated}};
}

json MemberJson(const contracts::MemberView& v) {
  const contracts::MemberRecord& m = v.member;
  json previous = json::array();
  for (const auto& k : m.previous_keys) previous.push_back(ToHex(k));
  return json{{"id", m.id},
              {"display_name", m.display_name},
              {"public_key", ToHex(m.public_key)},
              {"role", RoleName(m.role)},
              {"status", contracts::MemberStatusName(m.status)},
              {"joined_height", m.joined_height},
              {"key_since_height", m.key_since_height},
              {"previous_keys", previous},
              {"daily_quota", v.daily_quota},
              {"operates_validator", v.operates_validator}};
}

json AllianceStatsJson(const contracts::AllianceStats& s) {
  const contracts::AllianceCounters& c = s.counters;
  json events = json::object();
  for (const auto& [type, name] : kEventTypes) events[std::string(name)] = c.events_by_type[type];
  json amendments = json::object();
  for (const auto& [kind, name] : kAmendKinds) amendments[std::string(name)] = c.amendments_by_kind[kind];
  json queries = json::object();
  for (const auto& [purpose, name] : kPurposes) queries[std::string(name)] = c.queries_by_purpose[purpose];
  return json{{"height", s.height},
              {"block_time_ms", s.block_time_ms},
              {"members",
               {{"active", s.members_active},
                {"suspended", s.members_suspended},
                {"removed", s.members_removed},
                {"regulators", s.regulators}}},
              {"validators", s.validators},
              {"events_by_type", events},
              {"amendments_by_kind", amendments},
              {"queries_by_purpose", queries},
              {"blacklist", {{"added", c.blacklist_added}, {"removed", c.blacklist_removed}}},
              {"governance",
               {{"proposals", c.proposals},
                {"changes_applied", c.changes_applied},
                {"changes_failed", c.changes_failed}}},
              {"regulatory_actions", c.regulatory_actions},
              {"transactions", {{"accepted", c.txs_accepted}, {"rejected", c.txs_rejected}}}};
}

json ParamsJson(const contracts::AllianceParams& p) {
  return json{{"retention_days", p.retention_days},
              {"dispute_deadline_days", p.dispute_deadline_days},
              {"daily_query_quota", p.daily_query_quota},
              {"max_validity_window_ms", p.max_validity_window_ms}};
}

json ProposalJson(const contracts::ProposalView& v) {
  const contracts::ProposalRecord& p = v.proposal;
  const contracts::ProposedChange& c = p.change;
  json change{{"kind", ChangeKindName(c.kind)}};
  if (!c.member_id.empty()) change["member_id"] = c.member_id;
  if (!c.public_key.empty()) change["public_key"] = ToHex(c.public_key);
  if (c.role != pb::ROLE_UNSPECIFIED) change["role"] = RoleName(c.role);
  if (!c.parameter.empty()) {
    change["parameter"] = c.parameter;
    change["value"] = c.value;
  }
  if (!c.display_name.empty()) change["display_name"] = c.display_name;
  json out{{"tx_id", ToHex(p.tx_id)},
           {"proposer", p.proposer},
           {"change", change},
           {"created_height", p.created_height},
           {"created_date", FormatDate(p.created_day)},
           {"approvals", p.approvals},
           {"status", contracts::ProposalStatusName(p.status)},
           {"approval_weight", v.approval_weight},
           {"quorum", v.quorum},
           {"expired", v.expired}};
  if (p.approved_height != 0) out["approved_height"] = p.approved_height;
  if (p.applied_height != 0) out["applied_height"] = p.applied_height;
  if (!p.failure_code.empty()) out["failure_code"] = p.failure_code;
  return out;
}

}  // namespace cc::wire
