#include "crypto/subject_key.h"

#include <array>
#include <cstdlib>

#include "crypto/hash.h"

namespace cc::crypto {

namespace {

constexpr std::string_view kResidentId = "cn_resident_id";
constexpr std::string_view kUscc = "cn_uscc";
constexpr std::string_view kPassport = "passport";
constexpr std::string_view kPhone = "phone";

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }

// Drops the separators people type and upper-cases ASCII letters. Any other byte
// (including non-ASCII) is kept, so the validators below reject it.
std::string Clean(std::string_view raw, bool drop_parentheses) {
  std::string out;
  out.reserve(raw.size());
  for (char c : raw) {
    if (c == ' ' || c == '-') continue;
    if (drop_parentheses && (c == '(' || c == ')')) continue;
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    out.push_back(c);
  }
  return out;
}

Status FormatError(std::string_view id_type, std::string_view what) {
  return Status::Error("format", std::string(id_type) + ": " + std::string(what));
}

// GB 11643-1999: 17 digits and a check character.
Status ValidateResidentId(const std::string& id) {
  if (id.size() != 18) return FormatError(kResidentId, "expected 17 digits and a check character");
  for (size_t i = 0; i < 17; ++i) {
    if (!IsDigit(id[i])) return FormatError(kResidentId, "expected 17 digits and a check character");
  }
  if (!IsDigit(id[17]) && id[17] != 'X') {
    return FormatError(kResidentId, "check character must be a digit or X");
  }
  static constexpr std::array<int, 17> kWeights = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  static constexpr std::string_view kCheck = "10X98765432";
  int sum = 0;
  for (size_t i = 0; i < 17; ++i) sum += (id[i] - '0') * kWeights[i];
  if (kCheck[sum % 11] != id[17]) {
    return Status::Error("check_digit", "cn_resident_id: check character does not match");
  }
  return Status::Ok();
}

// GB 32100-2015: 18 characters from a 31-character alphabet, the last a check character.
Status ValidateUscc(const std::string& id) {
  static constexpr std::string_view kAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
  static constexpr std::array<int, 17> kWeights = {1,  3,  9,  27, 19, 26, 16, 17, 20,
                                                   29, 25, 13, 8,  24, 10, 30, 28};
  if (id.size() != 18) return FormatError(kUscc, "expected 18 characters");
  std::array<int, 18> values{};
  for (size_t i = 0; i < 18; ++i) {
    const size_t v = kAlphabet.find(id[i]);
    if (v == std::string_view::npos) {
      return FormatError(kUscc, "characters must be digits or letters other than I, O, S, V, Z");
    }
    values[i] = static_cast<int>(v);
  }
  int sum = 0;
  for (size_t i = 0; i < 17; ++i) sum += values[i] * kWeights[i];
  const int check = (31 - sum % 31) % 31;
  if (check != values[17]) {
    return Status::Error("check_digit", "cn_uscc: check character does not match");
  }
  return Status::Ok();
}

Status ValidatePassport(const std::string& id) {
  if (id.size() < 5 || id.size() > 20) return FormatError(kPassport, "expected 5 to 20 characters");
  for (char c : id) {
    if (!IsDigit(c) && !IsUpper(c)) return FormatError(kPassport, "only letters A-Z and digits allowed");
  }
  return Status::Ok();
}

Status ValidatePhone(const std::string& id) {
  if (id.size() < 9 || id.size() > 16 || id[0] != '+') {
    return FormatError(kPhone, "expected + and 8 to 15 digits");
  }
  for (size_t i = 1; i < id.size(); ++i) {
    if (!IsDigit(id[i])) return FormatError(kPhone, "expected + and 8 to 15 digits");
  }
  return Status::Ok();
}

}  // namespace

bool IsKnownIdType(std::string_view id_type) {
  return id_type == kResidentId || id_type == kUscc || id_type == kPassport || id_type == kPhone;
}

Result<std::string> NormalizeId(std::string_view id_type, std::string_view raw_id) {
  if (!IsKnownIdType(id_type)) {
    return Status::Error("unknown_id_type", "unknown id_type '" + std::string(id_type) +
                                                "'; expected cn_resident_id, cn_uscc, passport or phone");
  }
  const bool is_phone = id_type == kPhone;
  std::string id = Clean(raw_id, is_phone);
  Status st;
  if (id_type == kResidentId) {
    st = ValidateResidentId(id);
  } else if (id_type == kUscc) {
    st = ValidateUscc(id);
  } else if (id_type == kPassport) {
    st = ValidatePassport(id);
  } else {
    // A mainland mobile number (11 digits starting with 1) gets its country code.
    if (id.size() == 11 && id[0] == '1') {
      bool all_digits = true;
      for (char c : id) all_digits = all_digits && IsDigit(c);
      if (all_digits) id = "+86" + id;
    }
    st = ValidatePhone(id);
  }
  if (!st.ok()) return st;
  return id;
}

Result<std::string> SubjectKey(std::string_view alliance_secret, std::string_view id_type,
                               std::string_view raw_id) {
  if (alliance_secret.size() != kAllianceSecretSize) std::abort();
  auto normalized = NormalizeId(id_type, raw_id);
  if (!normalized.ok()) return normalized.status();
  std::string message = "creditchain/subject/v1|";
  message.append(id_type).append("|").append(*normalized);
  return KeyedBlake2b256(alliance_secret, message);
}

}  // namespace cc::crypto
