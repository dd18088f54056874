#include "crypto/api_token.h"

#include "common/hex.h"
#include "crypto/hash.h"
#include "crypto/keys.h"

namespace cc::crypto {

bool IsApiRoleName(std::string_view name) {
  for (std::string_view r : kApiRoleNames) {
    if (r == name) return true;
  }
  return false;
}

std::string GenerateApiToken() { return "cc_" + ToHex(RandomBytes(32)); }

std::string HashApiToken(std::string_view token) { return ToHex(Blake2b256(token)); }

}  // namespace cc::crypto
