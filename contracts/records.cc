#include "contracts/records.h"

#include <cstdio>
#include <cstdlib>

#include "common/hex.h"

namespace cc::contracts {

std::string_view MemberStatusName(MemberStatus status) {
  switch (status) {
    case MemberStatus::kActive:
      return "active";
    case MemberStatus::kSuspended:
      return "suspended";
    case MemberStatus::kRemoved:
      return "removed";
  }
  return "unknown";
}

std::string_view EventStatusName(EventStatus status) {
  switch (status) {
    case EventStatus::kActive:
      return "active";
    case EventStatus::kCorrected:
      return "corrected";
    case EventStatus::kDisputed:
      return "disputed";
    case EventStatus::kRetracted:
      return "retracted";
  }
  return "unknown";
}

std::string_view ProposalStatusName(ProposalStatus status) {
  switch (status) {
    case ProposalStatus::kPending:
      return "pending";
    case ProposalStatus::kApproved:
      return "approved";
    case ProposalStatus::kApplied:
      return "applied";
    case ProposalStatus::kFailed:
      return "failed";
  }
  return "unknown";
}

EventStatus CurrentStatus(const EventRecord& event) {
  if (event.dispute_open) return EventStatus::kDisputed;
  if (event.retracted) return EventStatus::kRetracted;
  if (event.corrected) return EventStatus::kCorrected;
  return EventStatus::kActive;
}

size_t DelayBucket(uint64_t delay_days) {
  if (delay_days == 0) return 0;
  if (delay_days == 1) return 1;
  if (delay_days <= 7) return 2;
  if (delay_days <= 30) return 3;
  return 4;
}

void CorruptState(std::string_view key) {
  std::fprintf(stderr, "contracts: state value under key \"%s\" does not decode; store is corrupt\n",
               ToHex(key).c_str());
  std::abort();
}

}  // namespace cc::contracts
