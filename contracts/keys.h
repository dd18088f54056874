// The state key layout of contracts/ (documented in docs/contracts.md).
//
// Keys are ASCII: binary ids (tx ids, subject keys, loan references) appear as
// lower-case hex and numbers as fixed-width hex, so that a prefix scan returns
// entries in ledger order (height, then index in block) or in day order. Member
// ids never contain '/' (genesis and governance enforce [a-z0-9._-]), so a
// per-member prefix never matches another member.
//
//   c/params                                AllianceParams
//   c/validators                            ValidatorSet
//   c/tip                                   ChainTip
//   c/counters                              AllianceCounters
//   m/<member>                              MemberRecord
//   ms/<member>                             MemberStats
//   n/<member>/<nonce>                      NonceRecord (nonces in use)
//   nx/<not_after_ms>/<member>/<nonce>      the n/ key (expiry order, for pruning)
//   r/<tx>                                  ReceiptRecord (every executed tx)
//   e/<tx>                                  EventRecord
//   se/<subject>/<pos>                      event tx id (raw)
//   le/<member>/<loan>/<pos>                event tx id (raw)
//   do/<member>/<deadline_day>/<event tx>   "" (open disputes against a reporter)
//   b/<tx>                                  BlacklistRecord
//   sb/<subject>/<pos>                      blacklist entry tx id (raw)
//   qr/<tx>                                 QueryRecord
//   sq/<subject>/<pos>                      query tx id (raw)
//   mq/<member>/<day>/<pos>                 query tx id (raw)
//   qc/<member>/<day>                       Counter (queries that day)
//   g/<tx>                                  ProposalRecord
//   gp/<tx>                                 "" (pending proposals)
//   gq/<pos>                                proposal tx id (approved, to apply)
//   ra/<member>/<pos>                       RegulatoryActionRecord
//
// <pos> = 16 hex digits of height then 8 of index in block. Days are 8 hex digits,
// milliseconds and nonces 16.
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cc::contracts::keys {

std::string Pos(uint64_t height, uint32_t index);
std::string Day(uint64_t day);
// Reads back a fixed-width lower-case hex number written by these functions.
std::optional<uint64_t> ParseFixedHex(std::string_view hex);

std::string Params();
std::string Validators();
std::string Tip();
std::string Counters();

std::string Member(std::string_view id);
inline constexpr std::string_view kMemberPrefix = "m/";
std::string MemberStats(std::string_view id);

std::string Nonce(std::string_view member, uint64_t nonce);
std::string NonceExpiry(uint64_t not_after_ms, std::string_view member, uint64_t nonce);
inline constexpr std::string_view kNonceExpiryPrefix = "nx/";

std::string Receipt(std::string_view tx_id);

std::string Event(std::string_view tx_id);
std::string SubjectEventsPrefix(std::string_view subject_key);
std::string SubjectEvent(std::string_view subject_key, uint64_t height, uint32_t index);
std::string LoanEventsPrefix(std::string_view member, std::string_view loan_ref_hash);
std::string LoanEvent(std::string_view member, std::string_view loan_ref_hash, uint64_t height,
                      uint32_t index);
std::string OpenDisputesPrefix(std::string_view member);
std::string OpenDispute(std::string_view member, uint64_t deadline_day, std::string_view event_tx_id);

std::string Blacklist(std::string_view tx_id);
std::string SubjectBlacklistPrefix(std::string_view subject_key);
std::string SubjectBlacklist(std::string_view subject_key, uint64_t height, uint32_t index);

std::string Query(std::string_view tx_id);
std::string SubjectQueriesPrefix(std::string_view subject_key);
std::string SubjectQuery(std::string_view subject_key, uint64_t height, uint32_t index);
std::string MemberQueriesDayPrefix(std::string_view member, uint64_t day);
std::string MemberQuery(std::string_view member, uint64_t day, uint64_t height, uint32_t index);
std::string QueryCount(std::string_view member, uint64_t day);

std::string Proposal(std::string_view tx_id);
std::string PendingProposal(std::string_view tx_id);
inline constexpr std::string_view kPendingProposalPrefix = "gp/";
std::string ApprovedQueue(uint64_t height, uint32_t index);
inline constexpr std::string_view kApprovedQueuePrefix = "gq/";

std::string RegulatoryActionsPrefix(std::string_view member);
std::string RegulatoryAction(std::string_view member, uint64_t height, uint32_t index);

}  // namespace cc::contracts::keys
