// Bearer-token authentication for the HTTP API.
//
// Every API client holds a random token ("cc_" + 64 hex characters, from
// crypto::GenerateApiToken()). The node's config stores only crypto::HashApiToken(token): the lower-case
// hex BLAKE2b-256 of the token's bytes, with the client's name and role. A request
// authenticates with "Authorization: Bearer <token>"; TokenStore hashes the presented
// token and compares it against every stored hash with a constant-time comparison
// (crypto_verify_32), always scanning the whole list, so neither the comparison nor
// the scan leaks how close a guess was.
//
// Roles: writer (submits transactions), reader (queries), regulator (audit views),
// admin (everything). Routes declare the roles they allow (router.h); admin is
// allowed on every authenticated route.
//
// Thread safety: TokenStore is immutable after Create(); Authenticate is thread-safe.
// (Tokens are made and hashed by crypto/api_token.h.)
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "crypto/api_token.h"
#include "http/message.h"

namespace cc::http {

enum class Role { kWriter, kReader, kRegulator, kAdmin };

// "writer", "reader", "regulator", "admin".
std::string_view RoleName(Role role);
// Inverse of RoleName; nullopt for anything else.
std::optional<Role> ParseRole(std::string_view name);

struct TokenEntry {
  std::string name;  // client name, e.g. "risk-scoring"
  Role role;
  std::string token_hash_hex;  // crypto::HashApiToken(token): 64 hex characters
};

class TokenStore {
 public:
  TokenStore() = default;  // no tokens: every authenticated route answers 401

  // Validates and indexes `entries`. Errors (code "invalid_config"): empty name,
  // a hash that is not 64 hex characters, a duplicate name or duplicate hash.
  static Result<TokenStore> Create(std::vector<TokenEntry> entries);

  // Authenticates the value of an Authorization header (nullopt: header absent).
  // Error code "unauthorized" when the header is missing, not "Bearer <token>", or
  // the token is unknown.
  Result<Principal> Authenticate(std::optional<std::string_view> authorization) const;

  size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    std::string name;
    Role role;
    std::string hash;  // 32 raw bytes
  };
  std::vector<Entry> entries_;
};

}  // namespace cc::http
