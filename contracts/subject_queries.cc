// Read side, per subject: the subject report, single events and entries, loans.
#include <set>

#include "contracts/keys.h"
#include "contracts/queries.h"
#include "contracts/retention.h"

namespace cc::contracts {

namespace {

BlacklistStatus StatusAt(const BlacklistRecord& e, uint64_t day) {
  if (e.removed) return BlacklistStatus::kRemoved;
  if (e.expiry_day != 0 && day >= e.expiry_day) return BlacklistStatus::kExpired;
  return BlacklistStatus::kActive;
}

EventView ViewOf(EventRecord ev, uint64_t day) {
  EventView v;
  v.status = CurrentStatus(ev);
  v.dispute_overdue = ev.dispute_open && day > ev.dispute_deadline_day;
  v.event = std::move(ev);
  return v;
}

// Loads the record each index entry (key -> raw tx id) points at.
template <class T>
std::vector<T> Follow(const StateReader& state, const StateEntries& index,
                      std::string (*record_key)(std::string_view)) {
  std::vector<T> out;
  out.reserve(index.size());
  for (const auto& [key, tx_id] : index) {
    std::optional<T> rec = Load<T>(state, record_key(tx_id));
    if (!rec) CorruptState(key);
    out.push_back(std::move(*rec));
  }
  return out;
}

void Summarize(SubjectReport& r) {
  std::set<std::string> lenders[3];
  static constexpr uint64_t kWindows[3] = {30, 90, 180};
  for (const EventView& v : r.events) {
    const EventRecord& ev = v.event;
    if (ev.retracted) continue;
    if (ev.dispute_open) ++r.risk.disputed_events;
    switch (ev.event_type) {
      case pb::EVENT_LOAN_OPENED:
        for (int w = 0; w < 3; ++w) {
          const uint64_t age = r.now_day > ev.event_day ? r.now_day - ev.event_day : 0;
          if (age < kWindows[w]) lenders[w].insert(ev.reporter);
        }
        break;
      case pb::EVENT_OVERDUE_30:
      case pb::EVENT_OVERDUE_60:
      case pb::EVENT_OVERDUE_90:
        ++r.risk.overdue_events;
        break;
      case pb::EVENT_DEFAULT:
      case pb::EVENT_WRITTEN_OFF:
        ++r.risk.default_events;
        break;
      case pb::EVENT_FRAUD_CONFIRMED:
        ++r.risk.fraud_events;
        break;
      default:
        break;
    }
  }
  r.risk.lenders_30d = static_cast<uint32_t>(lenders[0].size());
  r.risk.lenders_90d = static_cast<uint32_t>(lenders[1].size());
  r.risk.lenders_180d = static_cast<uint32_t>(lenders[2].size());
  for (const BlacklistView& b : r.blacklist) {
    if (b.status == BlacklistStatus::kActive) ++r.risk.active_blacklist_entries;
  }
}

}  // namespace

std::string_view BlacklistStatusName(BlacklistStatus status) {
  switch (status) {
    case BlacklistStatus::kActive:
      return "active";
    case BlacklistStatus::kExpired:
      return "expired";
    case BlacklistStatus::kRemoved:
      return "removed";
  }
  return "unknown";
}

Result<SubjectReport> ReadSubjectReport(const StateReader& state, std::string_view subject_key,
                                        uint64_t now_ms) {
  if (subject_key.size() != 32) {
    return Status::Error("invalid_subject_key", "subject key must be 32 bytes");
  }
  const std::optional<AllianceParams> params = Load<AllianceParams>(state, keys::Params());
  if (!params) return Status::Error("no_genesis", "state holds no genesis");
  SubjectReport r;
  r.subject_key = std::string(subject_key);
  r.now_day = now_ms / kMsPerDay;

  const StateEntries event_index = state.Scan(keys::SubjectEventsPrefix(subject_key), kMaxListItems);
  for (EventRecord& ev : Follow<EventRecord>(state, event_index, &keys::Event)) {
    if (HiddenByRetention(state, ev, r.now_day, params->retention_days)) {
      ++r.hidden_by_retention;
      continue;
    }
    r.events.push_back(ViewOf(std::move(ev), r.now_day));
  }
  const StateEntries bl_index = state.Scan(keys::SubjectBlacklistPrefix(subject_key), kMaxListItems);
  for (BlacklistRecord& e : Follow<BlacklistRecord>(state, bl_index, &keys::Blacklist)) {
    const BlacklistStatus status = StatusAt(e, r.now_day);
    r.blacklist.push_back(BlacklistView{std::move(e), status});
  }
  const StateEntries q_index = state.Scan(keys::SubjectQueriesPrefix(subject_key), kMaxListItems);
  r.queries = Follow<QueryRecord>(state, q_index, &keys::Query);
  r.truncated = event_index.size() == kMaxListItems || bl_index.size() == kMaxListItems ||
                q_index.size() == kMaxListItems;
  Summarize(r);
  return r;
}

std::optional<EventView> ReadEvent(const StateReader& state, std::string_view tx_id, uint64_t now_ms) {
  std::optional<EventRecord> ev = Load<EventRecord>(state, keys::Event(tx_id));
  if (!ev) return std::nullopt;
  return ViewOf(std::move(*ev), now_ms / kMsPerDay);
}

std::optional<BlacklistView> ReadBlacklistEntry(const StateReader& state, std::string_view tx_id,
                                                uint64_t now_ms) {
  std::optional<BlacklistRecord> e = Load<BlacklistRecord>(state, keys::Blacklist(tx_id));
  if (!e) return std::nullopt;
  const BlacklistStatus status = StatusAt(*e, now_ms / kMsPerDay);
  return BlacklistView{std::move(*e), status};
}

std::vector<EventRecord> ReadLoanEvents(const StateReader& state, std::string_view member,
                                        std::string_view loan_ref_hash) {
  return Follow<EventRecord>(state, state.Scan(keys::LoanEventsPrefix(member, loan_ref_hash), kMaxListItems),
                             &keys::Event);
}

}  // namespace cc::contracts
