// API bearer tokens: how they are made and how a node's config stores them.
//
// A token is "cc_" followed by 32 random bytes in lower-case hex. A node's config
// stores only HashApiToken(token), the lower-case hex BLAKE2b-256 of the token's
// bytes, so a leaked config file does not leak a usable token. Both the node (to
// authenticate, http/auth.h) and creditctl (to issue tokens) use these.
//
// Thread safety: both functions are thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace cc::crypto {

// The roles a token can carry (http/auth.h maps them to http::Role).
inline constexpr std::string_view kApiRoleNames[] = {"writer", "reader", "regulator", "admin"};
bool IsApiRoleName(std::string_view name);

std::string GenerateApiToken();
std::string HashApiToken(std::string_view token);

}  // namespace cc::crypto
