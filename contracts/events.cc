// RecordCreditEvent and AmendCreditEvent (docs/contracts.md "Credit events",
// "Amendments and disputes").
#include "contracts/tx_context.h"

namespace cc::contracts::internal {

namespace {

bool IsCurrencyCode(std::string_view c) {
  if (c.size() != 3) return false;
  for (char ch : c) {
    if (ch < 'A' || ch > 'Z') return false;
  }
  return true;
}

bool IsKnownEventType(int t) { return pb::EventType_IsValid(t) && t != pb::EVENT_TYPE_UNSPECIFIED; }

bool IsKnownAmendKind(int k) { return pb::AmendKind_IsValid(k) && k != pb::AMEND_KIND_UNSPECIFIED; }

// Closes the open dispute on `ev` (answered by `ctx`'s amendment) and books the
// reporter's answer as on time or late.
void CloseDispute(TxContext& ctx, EventRecord& ev) {
  ctx.state.Delete(keys::OpenDispute(ev.reporter, ev.dispute_deadline_day, ev.tx_id));
  ev.dispute_open = false;
  const bool late = ctx.block.day > ev.dispute_deadline_day;
  UpdateMemberStats(ctx.state, ev.reporter, [&](MemberStats& s) {
    ++s.disputes_answered;
    if (late) ++s.disputes_answered_late;
  });
}

}  // namespace

Status RecordEvent(TxContext& ctx) {
  const pb::RecordCreditEvent& p = ctx.body.record_event();
  if (ctx.sender.role != pb::ROLE_MEMBER) {
    return Reject("not_authorized", "only members report credit events");
  }
  if (!Is32(p.subject_key())) return Reject("invalid_subject_key", "subject_key must be 32 bytes");
  if (!IsKnownEventType(p.event_type())) {
    return Reject("invalid_event_type", "unknown event type " + std::to_string(p.event_type()));
  }
  if (!Is32(p.loan_ref_hash())) return Reject("invalid_hash", "loan_ref_hash must be 32 bytes");
  if (!Is32(p.record_hash())) return Reject("invalid_hash", "record_hash must be 32 bytes");
  if (!IsCurrencyCode(p.currency())) {
    return Reject("invalid_currency", "currency must be three upper-case letters (ISO 4217)");
  }
  if (p.event_day() > ctx.block.day) {
    return Reject("event_in_future", "event_day " + std::to_string(p.event_day()) +
                                         " is after the block day " + std::to_string(ctx.block.day));
  }

  EventRecord ev;
  ev.tx_id = ctx.tx_id;
  ev.reporter = ctx.sender.id;
  ev.subject_key = p.subject_key();
  ev.event_type = p.event_type();
  ev.loan_ref_hash = p.loan_ref_hash();
  ev.amount_minor = p.amount_minor();
  ev.currency = p.currency();
  ev.event_day = p.event_day();
  ev.record_hash = p.record_hash();
  ev.current_record_hash = p.record_hash();
  ev.height = ctx.block.height;
  ev.index = ctx.index;
  ev.block_day = ctx.block.day;
  Store(ctx.state, keys::Event(ctx.tx_id), ev);
  ctx.state.Put(keys::SubjectEvent(ev.subject_key, ev.height, ev.index), ctx.tx_id);
  ctx.state.Put(keys::LoanEvent(ev.reporter, ev.loan_ref_hash, ev.height, ev.index), ctx.tx_id);

  const uint64_t delay = ctx.block.day - ev.event_day;
  UpdateMemberStats(ctx.state, ev.reporter, [&](MemberStats& s) {
    ++s.events_reported;
    s.delay_sum_days += delay;
    s.delay_max_days = std::max(s.delay_max_days, delay);
    ++s.delay_buckets[DelayBucket(delay)];
  });
  UpdateCounters(ctx.state, [&](AllianceCounters& c) { ++c.events_by_type[ev.event_type]; });
  return Status::Ok();
}

Status AmendEvent(TxContext& ctx) {
  const pb::AmendCreditEvent& p = ctx.body.amend_event();
  std::optional<EventRecord> found;
  if (Is32(p.event_tx_id())) found = Load<EventRecord>(ctx.state, keys::Event(p.event_tx_id()));
  if (!found) return Reject("unknown_event", "no credit event with this tx id");
  EventRecord& ev = *found;
  if (!IsKnownAmendKind(p.kind())) {
    return Reject("invalid_amend_kind", "unknown amendment kind " + std::to_string(p.kind()));
  }
  if (!Is32(p.record_hash())) return Reject("invalid_hash", "record_hash must be 32 bytes");
  const bool is_reporter = ctx.sender.id == ev.reporter;
  const bool is_regulator = IsRegulator(ctx.sender);

  if (p.kind() == pb::AMEND_DISPUTED) {
    // Any member (on the borrower's behalf) or a regulator may open a dispute;
    // the reporter answers disputes and cannot open one against itself.
    if (is_reporter) {
      return Reject("not_authorized", "the reporter answers disputes; it cannot dispute its own event");
    }
  } else if (!is_reporter && !is_regulator) {
    return Reject("not_authorized", "only the reporter \"" + ev.reporter + "\" or a regulator may " +
                                        "correct, retract or resolve this event");
  }
  if (ev.retracted) return Reject("event_retracted", "the event was retracted; retraction is final");

  switch (p.kind()) {
    case pb::AMEND_DISPUTED: {
      if (ev.dispute_open) return Reject("already_disputed", "the event has an open dispute");
      ev.dispute_open = true;
      ev.dispute_deadline_day = ctx.block.day + ctx.block.params.dispute_deadline_days;
      ev.dispute_tx_id = ctx.tx_id;
      ctx.state.Put(keys::OpenDispute(ev.reporter, ev.dispute_deadline_day, ev.tx_id), "");
      UpdateMemberStats(ctx.state, ev.reporter, [](MemberStats& s) { ++s.disputes_received; });
      break;
    }
    case pb::AMEND_CORRECTED:
      ev.corrected = true;
      ev.current_record_hash = p.record_hash();
      UpdateMemberStats(ctx.state, ev.reporter, [](MemberStats& s) { ++s.corrections_received; });
      if (ev.dispute_open) CloseDispute(ctx, ev);
      break;
    case pb::AMEND_RETRACTED:
      ev.retracted = true;
      UpdateMemberStats(ctx.state, ev.reporter, [](MemberStats& s) { ++s.retractions_received; });
      if (ev.dispute_open) CloseDispute(ctx, ev);
      break;
    case pb::AMEND_DISPUTE_RESOLVED:
      if (!ev.dispute_open) return Reject("no_open_dispute", "the event has no open dispute");
      CloseDispute(ctx, ev);
      break;
    default:
      return Reject("invalid_amend_kind", "unknown amendment kind");
  }
  ev.amendments.push_back(
      Amendment{ctx.tx_id, p.kind(), ctx.sender.id, p.record_hash(), ctx.block.height, ctx.block.day});
  Store(ctx.state, keys::Event(ev.tx_id), ev);
  UpdateCounters(ctx.state, [&](AllianceCounters& c) { ++c.amendments_by_kind[p.kind()]; });
  return Status::Ok();
}

}  // namespace cc::contracts::internal
