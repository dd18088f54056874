#include "contracts/retention.h"

#include <algorithm>

#include "contracts/keys.h"

namespace cc::contracts {

namespace {

// Events of one loan read at most; a loan has a handful.
constexpr size_t kMaxLoanEvents = 10000;

}  // namespace

bool IsNegativeEvent(pb::EventType type) {
  switch (type) {
    case pb::EVENT_OVERDUE_30:
    case pb::EVENT_OVERDUE_60:
    case pb::EVENT_OVERDUE_90:
    case pb::EVENT_DEFAULT:
    case pb::EVENT_WRITTEN_OFF:
    case pb::EVENT_FRAUD_CONFIRMED:
      return true;
    default:
      return false;
  }
}

bool IsClosingEvent(pb::EventType type) {
  return type == pb::EVENT_REPAID || type == pb::EVENT_SETTLED || type == pb::EVENT_WRITTEN_OFF;
}

uint64_t EndedDay(const StateReader& state, const EventRecord& event) {
  uint64_t ended = event.event_day;
  for (const auto& [key, tx_id] :
       state.Scan(keys::LoanEventsPrefix(event.reporter, event.loan_ref_hash), kMaxLoanEvents)) {
    std::optional<EventRecord> other = Load<EventRecord>(state, keys::Event(tx_id));
    if (!other) CorruptState(key);
    if (IsClosingEvent(other->event_type) && !other->retracted) {
      ended = std::max<uint64_t>(ended, other->event_day);
    }
  }
  return ended;
}

bool HiddenByRetention(const StateReader& state, const EventRecord& event, uint64_t now_day,
                       uint64_t retention_days) {
  if (!IsNegativeEvent(event.event_type)) return false;
  return now_day >= EndedDay(state, event) + retention_days;
}

}  // namespace cc::contracts
