#include "http/auth.h"

#include <sodium.h>
#include <strings.h>

#include <set>

#include "common/hex.h"
#include "crypto/hash.h"
#include "crypto/keys.h"

namespace cc::http {

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kWriter:
      return "writer";
    case Role::kReader:
      return "reader";
    case Role::kRegulator:
      return "regulator";
    case Role::kAdmin:
      return "admin";
  }
  return "unknown";
}

std::optional<Role> ParseRole(std::string_view name) {
  for (Role r : {Role::kWriter, Role::kReader, Role::kRegulator, Role::kAdmin}) {
    if (RoleName(r) == name) return r;
  }
  return std::nullopt;
}

Result<TokenStore> TokenStore::Create(std::vector<TokenEntry> entries) {
  TokenStore store;
  std::set<std::string> names;
  std::set<std::string> hashes;
  for (auto& e : entries) {
    if (e.name.empty()) return Status::Error("invalid_config", "API token with an empty name");
    auto hash = FromHexSized(e.token_hash_hex, crypto::kHashSize);
    if (!hash) {
      return Status::Error("invalid_config",
                           "API token '" + e.name + "': token hash must be 64 hex characters");
    }
    if (!names.insert(e.name).second) {
      return Status::Error("invalid_config", "duplicate API token name '" + e.name + "'");
    }
    if (!hashes.insert(*hash).second) {
      return Status::Error("invalid_config", "API token '" + e.name + "' reuses another token");
    }
    store.entries_.push_back(Entry{std::move(e.name), e.role, std::move(*hash)});
  }
  return store;
}

Result<Principal> TokenStore::Authenticate(std::optional<std::string_view> authorization) const {
  if (!authorization) return Status::Error("unauthorized", "missing Authorization header");
  std::string_view value = *authorization;
  static constexpr std::string_view kScheme = "Bearer ";
  // The scheme name is case-insensitive (RFC 9110 section 11.1).
  if (value.size() <= kScheme.size() || strncasecmp(value.data(), kScheme.data(), kScheme.size()) != 0) {
    return Status::Error("unauthorized", "Authorization header must be 'Bearer <token>'");
  }
  std::string_view token = value.substr(kScheme.size());
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
  if (token.empty()) return Status::Error("unauthorized", "empty bearer token");

  const std::string presented = crypto::Blake2b256(token);
  const Entry* match = nullptr;
  for (const Entry& e : entries_) {
    // Scan every entry: the time taken does not depend on which one matches.
    const bool equal = crypto_verify_32(reinterpret_cast<const unsigned char*>(e.hash.data()),
                                        reinterpret_cast<const unsigned char*>(presented.data())) == 0;
    if (equal) match = &e;
  }
  if (match == nullptr) return Status::Error("unauthorized", "unknown bearer token");
  return Principal{match->name, match->role};
}

}  // namespace cc::http
