#include "contracts/params.h"

#include <cstdlib>
#include <string>

namespace cc::contracts {

namespace {

struct Bound {
  std::string_view name;
  uint64_t min;
  uint64_t max;
  uint64_t AllianceParams::*field;
};

constexpr uint64_t kMaxQuota = 1000000000;

constexpr Bound kBounds[] = {
    {"retention_days", 1, 36500, &AllianceParams::retention_days},
    {"dispute_deadline_days", 1, 365, &AllianceParams::dispute_deadline_days},
    {"daily_query_quota", 0, kMaxQuota, &AllianceParams::daily_query_quota},
    {"max_validity_window_ms", 60000, 30 * kMsPerDay, &AllianceParams::max_validity_window_ms},
};

const Bound* Find(std::string_view name) {
  for (const Bound& b : kBounds) {
    if (b.name == name) return &b;
  }
  return nullptr;
}

}  // namespace

bool IsValidMemberId(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

Status CheckParameter(std::string_view name, uint64_t value) {
  const Bound* b = Find(name);
  if (b == nullptr) {
    return Status::Error("unknown_parameter", "unknown alliance parameter \"" + std::string(name) + "\"");
  }
  if (value < b->min || value > b->max) {
    return Status::Error("invalid_value", std::string(name) + " must be in [" + std::to_string(b->min) +
                                              ", " + std::to_string(b->max) + "], got " +
                                              std::to_string(value));
  }
  return Status::Ok();
}

void SetParameter(AllianceParams& params, std::string_view name, uint64_t value) {
  const Bound* b = Find(name);
  if (b == nullptr) std::abort();  // REQUIRES violated
  params.*(b->field) = value;
}

uint64_t EffectiveQuota(const AllianceParams& params, const MemberRecord& member) {
  return member.quota_override ? *member.quota_override : params.daily_query_quota;
}

}  // namespace cc::contracts
