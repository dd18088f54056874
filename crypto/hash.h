// BLAKE2b-256 hashing (libsodium crypto_generichash). Pure functions, thread-safe
// once InitCrypto() has run (it is idempotent and cheap; every public entry point
// of crypto/ calls it).
#pragma once

#include <string>
#include <string_view>

namespace cc::crypto {

inline constexpr size_t kHashSize = 32;

// Initializes libsodium. Aborts if the library cannot be initialized.
void InitCrypto();

// BLAKE2b with a 32-byte output, returned as 32 raw bytes.
std::string Blake2b256(std::string_view data);

// Keyed BLAKE2b-256. REQUIRES: 16 <= key.size() <= 64 (libsodium's bounds).
std::string KeyedBlake2b256(std::string_view key, std::string_view data);

// Incremental BLAKE2b-256, for hashing several pieces without concatenating them.
class Hasher {
 public:
  Hasher();
  Hasher& Update(std::string_view data);
  std::string Final();  // 32 raw bytes; the hasher must not be used afterwards

 private:
  alignas(64) unsigned char state_[384];  // >= sizeof(crypto_generichash_state)
};

}  // namespace cc::crypto
