// Retention (docs/contracts.md "Retention"): a negative event stops appearing in
// answers `retention_days` after it ended, judged from a caller-given day, so every
// node gives the same answer for the same day. It stays on the ledger and in state.
//
// Negative events: overdue_30, overdue_60, overdue_90, default, written_off,
// fraud_confirmed. Closing events: repaid, settled, written_off. A negative event
// *ended* on the later of its own event day and the latest event day of any
// non-retracted closing event on the same loan (same reporter and loan_ref_hash,
// whatever subject key it was filed under). An unclosed loan's default thus ends
// on its own event day: a default is not kept forever because a loan stays open.
// It is hidden from day ended + retention_days on.
//
// Thread safety: pure functions over the reader.
#pragma once

#include <cstdint>

#include "contracts/records.h"
#include "contracts/state_reader.h"

namespace cc::contracts {

bool IsNegativeEvent(pb::EventType type);
bool IsClosingEvent(pb::EventType type);

uint64_t EndedDay(const StateReader& state, const EventRecord& event);
// False for events that are not negative.
bool HiddenByRetention(const StateReader& state, const EventRecord& event, uint64_t now_day,
                       uint64_t retention_days);

}  // namespace cc::contracts
