// Subject keys: the only name a borrower has on the ledger (DESIGN.md "Data model").
//
//   subject_key = BLAKE2b-256(key = alliance_secret,
//                             msg = "creditchain/subject/v1|" + id_type + "|" + normalized_id)
//
// NormalizeId strips spaces and dashes, upper-cases ASCII letters and validates the
// result for its id type. Errors carry one of three stable codes: "unknown_id_type",
// "format", "check_digit". Raw IDs passed here are never logged or stored.
//
// Thread safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"

namespace cc::crypto {

inline constexpr size_t kAllianceSecretSize = 32;

// Known id types: cn_resident_id, cn_uscc, passport, phone.
bool IsKnownIdType(std::string_view id_type);

Result<std::string> NormalizeId(std::string_view id_type, std::string_view raw_id);

// Returns the 32 raw bytes of the subject key.
// REQUIRES: alliance_secret.size() == kAllianceSecretSize.
Result<std::string> SubjectKey(std::string_view alliance_secret, std::string_view id_type,
                               std::string_view raw_id);

}  // namespace cc::crypto
