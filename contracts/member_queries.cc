// Read side, per member: compliance figures, query audit, quota.
#include <algorithm>

#include "common/hex.h"
#include "contracts/keys.h"
#include "contracts/params.h"
#include "contracts/queries.h"

namespace cc::contracts {

namespace {

constexpr uint64_t kMaxRangeDays = 366;

Status UnknownMember(std::string_view member) {
  return Status::Error("unknown_member", "\"" + std::string(member) + "\" is not a member");
}

std::optional<MemberRecord> LoadMember(const StateReader& state, std::string_view member) {
  if (!IsValidMemberId(member)) return std::nullopt;
  return Load<MemberRecord>(state, keys::Member(member));
}

uint64_t PerEvent(uint64_t numerator, uint64_t events, uint64_t scale) {
  return events == 0 ? 0 : numerator * scale / events;
}

// Parses the deadline day and event tx id out of an open-dispute key
// "do/<member>/<deadline:8 hex>/<event tx:64 hex>".
bool ParseOpenDispute(std::string_view key, size_t prefix_size, uint64_t* deadline,
                      std::string* event_tx_id) {
  if (key.size() != prefix_size + 8 + 1 + 64) return false;
  const std::optional<uint64_t> day = keys::ParseFixedHex(key.substr(prefix_size, 8));
  const std::optional<std::string> tx = FromHex(key.substr(prefix_size + 9));
  if (!day || !tx) return false;
  *deadline = *day;
  *event_tx_id = *tx;
  return true;
}

}  // namespace

Result<MemberCompliance> ReadMemberCompliance(const StateReader& state, std::string_view member,
                                              uint64_t now_ms, uint32_t days) {
  const std::optional<MemberRecord> rec = LoadMember(state, member);
  if (!rec) return UnknownMember(member);
  const std::optional<AllianceParams> params = Load<AllianceParams>(state, keys::Params());
  if (!params) return Status::Error("no_genesis", "state holds no genesis");
  days = std::clamp<uint32_t>(days, 1, kMaxRangeDays);

  MemberCompliance c;
  c.member = rec->id;
  c.now_day = now_ms / kMsPerDay;
  c.stats = Load<MemberStats>(state, keys::MemberStats(member)).value_or(MemberStats{});
  const MemberStats& s = c.stats;
  c.mean_delay_days_x100 = PerEvent(s.delay_sum_days, s.events_reported, 100);
  c.amendment_rate_bps = PerEvent(s.corrections_received + s.retractions_received, s.events_reported, 10000);
  c.dispute_rate_bps = PerEvent(s.disputes_received, s.events_reported, 10000);

  const std::string prefix = keys::OpenDisputesPrefix(member);
  const StateEntries open = state.Scan(prefix, kMaxListItems);
  c.open_disputes = open.size();
  for (const auto& [key, unused] : open) {
    uint64_t deadline = 0;
    std::string event_tx_id;
    if (!ParseOpenDispute(key, prefix.size(), &deadline, &event_tx_id)) CorruptState(key);
    if (deadline >= c.now_day) break;  // in deadline order: the rest are not overdue
    const std::optional<EventRecord> ev = Load<EventRecord>(state, keys::Event(event_tx_id));
    if (!ev) CorruptState(key);
    c.overdue_disputes.push_back(
        OverdueDispute{ev->tx_id, ev->dispute_tx_id, deadline, c.now_day - deadline});
  }

  c.daily_quota = EffectiveQuota(*params, *rec);
  for (uint64_t i = days; i > 0; --i) {
    if (c.now_day + 1 < i) continue;  // before day 0
    const uint64_t day = c.now_day + 1 - i;
    const uint64_t n = Load<Counter>(state, keys::QueryCount(member, day)).value_or(Counter{}).value;
    c.queries_per_day.push_back(DayCount{day, n});
  }
  const StateEntries actions = state.Scan(keys::RegulatoryActionsPrefix(member), kMaxListItems);
  for (const auto& [key, raw] : actions) {
    std::optional<RegulatoryActionRecord> a = Decode<RegulatoryActionRecord>(raw);
    if (!a) CorruptState(key);
    c.regulatory_actions.push_back(std::move(*a));
  }
  c.truncated = open.size() == kMaxListItems || actions.size() == kMaxListItems;
  return c;
}

Result<QueryAuditPage> ReadQueryAudit(const StateReader& state, std::string_view member, uint64_t from_ms,
                                      uint64_t to_ms, size_t limit) {
  if (!LoadMember(state, member)) return UnknownMember(member);
  if (from_ms > to_ms) return Status::Error("invalid_range", "from_ms is after to_ms");
  const uint64_t from_day = from_ms / kMsPerDay;
  const uint64_t to_day = to_ms / kMsPerDay;
  if (to_day - from_day >= kMaxRangeDays) {
    return Status::Error("range_too_long", "a query audit range spans at most 366 days");
  }
  limit = std::min(limit, kMaxListItems);
  QueryAuditPage page;
  for (uint64_t day = from_day; day <= to_day; ++day) {
    // One more than still needed, to tell whether the range holds more.
    const size_t want = limit - page.records.size() + 1;
    for (const auto& [key, tx_id] : state.Scan(keys::MemberQueriesDayPrefix(member, day), want)) {
      std::optional<QueryRecord> q = Load<QueryRecord>(state, keys::Query(tx_id));
      if (!q) CorruptState(key);
      if (q->block_time_ms < from_ms || q->block_time_ms > to_ms) continue;
      if (page.records.size() == limit) {
        page.truncated = true;
        return page;
      }
      page.records.push_back(std::move(*q));
    }
  }
  return page;
}

Result<QuotaStatus> ReadQuotaStatus(const StateReader& state, std::string_view member, uint64_t now_ms) {
  const std::optional<MemberRecord> rec = LoadMember(state, member);
  if (!rec) return UnknownMember(member);
  const std::optional<AllianceParams> params = Load<AllianceParams>(state, keys::Params());
  const std::optional<ChainTip> tip = Load<ChainTip>(state, keys::Tip());
  if (!params || !tip) return Status::Error("no_genesis", "state holds no genesis");
  QuotaStatus q;
  q.day = std::max(now_ms, tip->block_time_ms) / kMsPerDay;
  q.quota = EffectiveQuota(*params, *rec);
  q.used = Load<Counter>(state, keys::QueryCount(member, q.day)).value_or(Counter{}).value;
  q.remaining = q.used >= q.quota ? 0 : q.quota - q.used;
  return q;
}

}  // namespace cc::contracts
