// Alliance parameters: their names, bounds and the per-member quota override.
//
// The same checks guard genesis files and governance SET_PARAMETER proposals, so
// a parameter can never hold a value the rules were not written for.
//
//   retention_days          1..36500      default 1825 (5 years)
//   dispute_deadline_days   1..365        default 20
//   daily_query_quota       0..1e9        default 10000 (0 = may not query)
//   max_validity_window_ms  60000..30 days default 1 day
//   daily_query_quota:<member>  0..1e9   per-member override of daily_query_quota
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <string_view>

#include "common/status.h"
#include "contracts/records.h"

namespace cc::contracts {

inline constexpr std::string_view kMemberQuotaPrefix = "daily_query_quota:";

// Member ids: 1..64 characters of [a-z0-9._-].
bool IsValidMemberId(std::string_view id);

// Checks an alliance-wide parameter (not the per-member form). Codes
// "unknown_parameter", "invalid_value".
Status CheckParameter(std::string_view name, uint64_t value);
// REQUIRES: CheckParameter(name, value).ok().
void SetParameter(AllianceParams& params, std::string_view name, uint64_t value);

// The member's daily query quota: its override if set, else the alliance's.
uint64_t EffectiveQuota(const AllianceParams& params, const MemberRecord& member);

}  // namespace cc::contracts
