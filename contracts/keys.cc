#include "contracts/keys.h"

#include <cstdio>

#include "common/hex.h"

namespace cc::contracts::keys {

namespace {

std::string FixedHex(uint64_t v, int digits) {
  char buf[17];
  std::snprintf(buf, sizeof(buf), "%0*llx", digits, static_cast<unsigned long long>(v));
  return buf;
}

std::string Join(std::initializer_list<std::string_view> parts) {
  std::string out;
  for (std::string_view p : parts) out.append(p);
  return out;
}

}  // namespace

std::string Pos(uint64_t height, uint32_t index) { return FixedHex(height, 16) + FixedHex(index, 8); }
std::string Day(uint64_t day) { return FixedHex(day, 8); }

std::optional<uint64_t> ParseFixedHex(std::string_view hex) {
  if (hex.empty() || hex.size() > 16) return std::nullopt;
  uint64_t v = 0;
  for (char c : hex) {
    int d = -1;
    if (c >= '0' && c <= '9') d = c - '0';
    if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
    if (d < 0) return std::nullopt;
    v = (v << 4) | static_cast<uint64_t>(d);
  }
  return v;
}

std::string Params() { return "c/params"; }
std::string Validators() { return "c/validators"; }
std::string Tip() { return "c/tip"; }
std::string Counters() { return "c/counters"; }

std::string Member(std::string_view id) { return Join({kMemberPrefix, id}); }
std::string MemberStats(std::string_view id) { return Join({"ms/", id}); }

std::string Nonce(std::string_view member, uint64_t nonce) {
  return Join({"n/", member, "/", FixedHex(nonce, 16)});
}
std::string NonceExpiry(uint64_t not_after_ms, std::string_view member, uint64_t nonce) {
  return Join({kNonceExpiryPrefix, FixedHex(not_after_ms, 16), "/", member, "/", FixedHex(nonce, 16)});
}

std::string Receipt(std::string_view tx_id) { return Join({"r/", ToHex(tx_id)}); }

std::string Event(std::string_view tx_id) { return Join({"e/", ToHex(tx_id)}); }
std::string SubjectEventsPrefix(std::string_view subject_key) {
  return Join({"se/", ToHex(subject_key), "/"});
}
std::string SubjectEvent(std::string_view subject_key, uint64_t height, uint32_t index) {
  return SubjectEventsPrefix(subject_key) + Pos(height, index);
}
std::string LoanEventsPrefix(std::string_view member, std::string_view loan_ref_hash) {
  return Join({"le/", member, "/", ToHex(loan_ref_hash), "/"});
}
std::string LoanEvent(std::string_view member, std::string_view loan_ref_hash, uint64_t height,
                      uint32_t index) {
  return LoanEventsPrefix(member, loan_ref_hash) + Pos(height, index);
}
std::string OpenDisputesPrefix(std::string_view member) { return Join({"do/", member, "/"}); }
std::string OpenDispute(std::string_view member, uint64_t deadline_day, std::string_view event_tx_id) {
  return Join({OpenDisputesPrefix(member), Day(deadline_day), "/", ToHex(event_tx_id)});
}

std::string Blacklist(std::string_view tx_id) { return Join({"b/", ToHex(tx_id)}); }
std::string SubjectBlacklistPrefix(std::string_view subject_key) {
  return Join({"sb/", ToHex(subject_key), "/"});
}
std::string SubjectBlacklist(std::string_view subject_key, uint64_t height, uint32_t index) {
  return SubjectBlacklistPrefix(subject_key) + Pos(height, index);
}

std::string Query(std::string_view tx_id) { return Join({"qr/", ToHex(tx_id)}); }
std::string SubjectQueriesPrefix(std::string_view subject_key) {
  return Join({"sq/", ToHex(subject_key), "/"});
}
std::string SubjectQuery(std::string_view subject_key, uint64_t height, uint32_t index) {
  return SubjectQueriesPrefix(subject_key) + Pos(height, index);
}
std::string MemberQueriesDayPrefix(std::string_view member, uint64_t day) {
  return Join({"mq/", member, "/", Day(day), "/"});
}
std::string MemberQuery(std::string_view member, uint64_t day, uint64_t height, uint32_t index) {
  return MemberQueriesDayPrefix(member, day) + Pos(height, index);
}
std::string QueryCount(std::string_view member, uint64_t day) { return Join({"qc/", member, "/", Day(day)}); }

std::string Proposal(std::string_view tx_id) { return Join({"g/", ToHex(tx_id)}); }
std::string PendingProposal(std::string_view tx_id) { return Join({kPendingProposalPrefix, ToHex(tx_id)}); }
std::string ApprovedQueue(uint64_t height, uint32_t index) {
  return Join({kApprovedQueuePrefix, Pos(height, index)});
}

std::string RegulatoryActionsPrefix(std::string_view member) { return Join({"ra/", member, "/"}); }
std::string RegulatoryAction(std::string_view member, uint64_t height, uint32_t index) {
  return RegulatoryActionsPrefix(member) + Pos(height, index);
}

}  // namespace cc::contracts::keys
