// Ed25519 identities: key generation, signing, verification, and key files.
//
// A key file is one line of text, the 32-byte Ed25519 seed in hex, written with
// mode 0600. The public key is derived from the seed on load. Public keys travel
// as 32 raw bytes (hex in JSON and config files).
//
// Thread safety: KeyPair is immutable after construction; Sign and Verify are
// thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace cc::crypto {

inline constexpr size_t kPublicKeySize = 32;
inline constexpr size_t kSeedSize = 32;
inline constexpr size_t kSignatureSize = 64;

class KeyPair {
 public:
  static KeyPair Generate();
  // REQUIRES: seed.size() == kSeedSize.
  static KeyPair FromSeed(std::string_view seed);

  const std::string& public_key() const { return public_key_; }  // 32 raw bytes
  const std::string& seed() const { return seed_; }              // 32 raw bytes; secret
  std::string Sign(std::string_view message) const;              // 64 raw bytes

 private:
  std::string seed_;
  std::string public_key_;
  std::string secret_key_;  // libsodium's 64-byte expanded form
};

// True iff `signature` is a valid Ed25519 signature of `message` by `public_key`.
// Wrong sizes are simply invalid.
bool Verify(std::string_view public_key, std::string_view message, std::string_view signature);

// Ed25519 operations this process has run (every Sign and every Verify that reached
// the curve arithmetic): what the CPU budget of docs/throughput.md counts.
struct SignatureCounts {
  uint64_t signs = 0;
  uint64_t verifies = 0;
};
SignatureCounts ProcessSignatureCounts();

// Writes the key's seed as hex to `path` with mode 0600. Refuses to overwrite an
// existing file (code "exists").
Status SaveKeyFile(const std::string& path, const KeyPair& key);
// Loads a key file; codes "io" (cannot read), "format" (not 64 hex characters),
// "permissions" (readable by group or others).
Result<KeyPair> LoadKeyFile(const std::string& path);

// A secret file holds 32 random bytes as hex (the alliance secret). Same rules as
// key files.
Status SaveSecretFile(const std::string& path, std::string_view secret);
Result<std::string> LoadSecretFile(const std::string& path);
std::string RandomBytes(size_t n);

// Converts an Ed25519 identity to X25519 for key exchange (libsodium's
// crypto_sign_ed25519_*_to_curve25519). Returns "" for an invalid public key.
std::string Ed25519PublicToX25519(std::string_view ed25519_public_key);
std::string Ed25519SeedToX25519Secret(std::string_view seed);

}  // namespace cc::crypto
