// The read side: pure functions over a StateReader that the HTTP API calls.
//
// They return plain structs (JSON is the API's business). Everything that depends
// on time takes the caller's `now_ms` explicitly, so two nodes asked the same
// question for the same `now_ms` over the same state give the same answer. Every
// event, amendment, entry and query record carries its tx id, so the node can
// attach a proof (Ledger::GetTxProof).
//
// Lists are capped at kMaxListItems; a capped answer says so (`truncated`).
// Errors: "invalid_subject_key", "unknown_member", "invalid_range",
// "range_too_long", "no_genesis".
//
// Thread safety: reentrant; the reader must allow concurrent const calls.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "contracts/records.h"
#include "contracts/state_reader.h"

namespace cc::contracts {

inline constexpr size_t kMaxListItems = 10000;

// ---------------------------------------------------------------- subjects

struct EventView {
  EventRecord event;  // with its amendment list; nothing is ever deleted
  EventStatus status = EventStatus::kActive;
  bool dispute_overdue = false;  // open dispute whose deadline day is before now
};

enum class BlacklistStatus : uint8_t { kActive = 0, kExpired = 1, kRemoved = 2 };
std::string_view BlacklistStatusName(BlacklistStatus status);

struct BlacklistView {
  BlacklistRecord entry;
  BlacklistStatus status = BlacklistStatus::kActive;
};

// Over the events shown (not hidden by retention) and not retracted.
struct RiskSummary {
  uint32_t lenders_30d = 0;  // distinct members with a loan_opened event in the last 30 days
  uint32_t lenders_90d = 0;
  uint32_t lenders_180d = 0;
  uint32_t overdue_events = 0;   // overdue_30 / 60 / 90
  uint32_t default_events = 0;   // default, written_off
  uint32_t fraud_events = 0;     // fraud_confirmed
  uint32_t disputed_events = 0;  // with an open dispute
  uint32_t active_blacklist_entries = 0;
};

struct SubjectReport {
  std::string subject_key;
  uint64_t now_day = 0;
  std::vector<EventView> events;         // ledger order; hidden events left out
  uint32_t hidden_by_retention = 0;      // negative events past retention, not listed
  std::vector<BlacklistView> blacklist;  // ledger order, every status
  std::vector<QueryRecord> queries;      // who looked, when, why; ledger order
  RiskSummary risk;
  bool truncated = false;
};

Result<SubjectReport> ReadSubjectReport(const StateReader& state, std::string_view subject_key,
                                        uint64_t now_ms);

// One event or entry by tx id (nullopt if none). Retention is not applied here:
// the caller holds the id already; ReadSubjectReport is what decides visibility.
std::optional<EventView> ReadEvent(const StateReader& state, std::string_view tx_id, uint64_t now_ms);
std::optional<BlacklistView> ReadBlacklistEntry(const StateReader& state, std::string_view tx_id,
                                                uint64_t now_ms);
// The events of one loan (reporter, loan_ref_hash), ledger order.
std::vector<EventRecord> ReadLoanEvents(const StateReader& state, std::string_view member,
                                        std::string_view loan_ref_hash);

// ---------------------------------------------------------------- members

struct OverdueDispute {
  std::string event_tx_id;
  std::string dispute_tx_id;
  uint64_t deadline_day = 0;
  uint64_t days_overdue = 0;
};

struct DayCount {
  uint64_t day = 0;
  uint64_t count = 0;
};

// Compliance figures are integers: rates in basis points (1/100 of a percent).
struct MemberCompliance {
  std::string member;
  uint64_t now_day = 0;
  MemberStats stats;
  uint64_t mean_delay_days_x100 = 0;  // delay_sum_days * 100 / events_reported
  uint64_t amendment_rate_bps = 0;    // (corrections + retractions) per event reported
  uint64_t dispute_rate_bps = 0;      // disputes received per event reported
  uint64_t open_disputes = 0;
  std::vector<OverdueDispute> overdue_disputes;  // most overdue first
  uint64_t daily_quota = 0;
  std::vector<DayCount> queries_per_day;                   // the last `days` days, oldest first
  std::vector<RegulatoryActionRecord> regulatory_actions;  // against this member
  bool truncated = false;
};

// REQUIRES: 1 <= days <= 366 (clamped).
Result<MemberCompliance> ReadMemberCompliance(const StateReader& state, std::string_view member,
                                              uint64_t now_ms, uint32_t days = 30);

struct QueryAuditPage {
  std::vector<QueryRecord> records;  // block time order
  bool truncated = false;            // more records than `limit` in the range
};

// Queries recorded for `member` with block time in [from_ms, to_ms]. The range
// may span at most 366 days.
Result<QueryAuditPage> ReadQueryAudit(const StateReader& state, std::string_view member, uint64_t from_ms,
                                      uint64_t to_ms, size_t limit = 1000);

struct QuotaStatus {
  uint64_t day = 0;
  uint64_t quota = 0;
  uint64_t used = 0;
  uint64_t remaining = 0;
};

// The member's query budget for the day of max(now_ms, last block time): what a
// RecordQueryAudit in the next block would be judged against. The node refuses a
// query with "quota_exceeded" when remaining is 0. Near midnight the next block's
// day may differ from the node's; the executor's check is the final word.
Result<QuotaStatus> ReadQuotaStatus(const StateReader& state, std::string_view member, uint64_t now_ms);

struct MemberView {
  MemberRecord member;
  uint64_t daily_quota = 0;
  bool operates_validator = false;
};

std::vector<MemberView> ReadMembers(const StateReader& state);
std::optional<MemberView> ReadMember(const StateReader& state, std::string_view id);

// ---------------------------------------------------------------- alliance

struct AllianceStats {
  AllianceCounters counters;
  uint32_t members_active = 0;  // role member
  uint32_t members_suspended = 0;
  uint32_t members_removed = 0;
  uint32_t regulators = 0;
  uint32_t validators = 0;
  uint64_t height = 0;
  uint64_t block_time_ms = 0;
};

Result<AllianceStats> ReadAllianceStats(const StateReader& state);
Result<AllianceParams> ReadParams(const StateReader& state);
// The validator set recorded in state (index order = replica index).
Result<ValidatorSet> ReadValidatorSet(const StateReader& state);
// Height and block time of the last executed block (0 and genesis time before
// block 1): BlockContext::prev_block_time_ms of the next block.
Result<ChainTip> ReadChainTip(const StateReader& state);

struct ProposalView {
  ProposalRecord proposal;
  uint32_t approval_weight = 0;  // validators operated by approvers, current set
  uint32_t quorum = 0;           // 2f+1 of the current set
  bool expired = false;          // pending past kProposalLifetimeDays
};

// Proposals pending (expired ones flagged) and approved-awaiting-application,
// ledger order.
std::vector<ProposalView> ReadPendingProposals(const StateReader& state, uint64_t now_ms);
std::optional<ProposalView> ReadProposal(const StateReader& state, std::string_view tx_id, uint64_t now_ms);

// The stored receipt of an executed transaction (height, index, code).
std::optional<ReceiptRecord> ReadReceipt(const StateReader& state, std::string_view tx_id);

}  // namespace cc::contracts
