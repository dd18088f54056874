#include "crypto/hash.h"

#include <sodium.h>

#include <cstdlib>
#include <cstring>

namespace cc::crypto {

static_assert(sizeof(crypto_generichash_state) <= 384, "Hasher state buffer too small");

void InitCrypto() {
  static const bool ok = sodium_init() >= 0;
  if (!ok) std::abort();
}

std::string Blake2b256(std::string_view data) {
  InitCrypto();
  std::string out(kHashSize, '\0');
  crypto_generichash(reinterpret_cast<unsigned char*>(out.data()), out.size(),
                     reinterpret_cast<const unsigned char*>(data.data()), data.size(), nullptr, 0);
  return out;
}

std::string KeyedBlake2b256(std::string_view key, std::string_view data) {
  InitCrypto();
  if (key.size() < crypto_generichash_KEYBYTES_MIN || key.size() > crypto_generichash_KEYBYTES_MAX) {
    std::abort();  // programming error: callers validate secret sizes at load time
  }
  std::string out(kHashSize, '\0');
  crypto_generichash(reinterpret_cast<unsigned char*>(out.data()), out.size(),
                     reinterpret_cast<const unsigned char*>(data.data()), data.size(),
                     reinterpret_cast<const unsigned char*>(key.data()), key.size());
  return out;
}

Hasher::Hasher() {
  InitCrypto();
  crypto_generichash_init(reinterpret_cast<crypto_generichash_state*>(state_), nullptr, 0, kHashSize);
}

Hasher& Hasher::Update(std::string_view data) {
  crypto_generichash_update(reinterpret_cast<crypto_generichash_state*>(state_),
                            reinterpret_cast<const unsigned char*>(data.data()), data.size());
  return *this;
}

std::string Hasher::Final() {
  std::string out(kHashSize, '\0');
  crypto_generichash_final(reinterpret_cast<crypto_generichash_state*>(state_),
                           reinterpret_cast<unsigned char*>(out.data()), out.size());
  return out;
}

}  // namespace cc::crypto
