#include "crypto/keys.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "common/hex.h"
#include "crypto/hash.h"

namespace cc::crypto {

namespace {
const unsigned char* U(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }
unsigned char* U(std::string& s) { return reinterpret_cast<unsigned char*>(s.data()); }

Status WriteSecretHex(const std::string& path, std::string_view bytes) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return Status::Error("exists", path + " already exists; not overwriting");
    return Status::Error("io", path + ": " + std::strerror(errno));
  }
  std::string text = ToHex(bytes) + "\n";
  const ssize_t n = ::write(fd, text.data(), text.size());
  sodium_memzero(text.data(), text.size());
  const bool synced = ::fsync(fd) == 0;
  ::close(fd);
  if (n != static_cast<ssize_t>(text.size()) || !synced) {
    return Status::Error("io", path + ": short write");
  }
  return Status::Ok();
}

Result<std::string> ReadSecretHex(const std::string& path, size_t size) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    return Status::Error("io", path + ": " + std::strerror(errno));
  }
  if ((st.st_mode & 077) != 0) {
    return Status::Error("permissions", path + " is readable by group or others; chmod 600 it");
  }
  std::ifstream in(path);
  if (!in) return Status::Error("io", path + ": cannot open");
  std::string line;
  std::getline(in, line);
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
  auto bytes = FromHexSized(line, size);
  sodium_memzero(line.data(), line.size());
  if (!bytes) {
    return Status::Error("format", path + ": expected " + std::to_string(2 * size) + " hex characters");
  }
  return *bytes;
}
}  // namespace

KeyPair KeyPair::Generate() { return FromSeed(RandomBytes(kSeedSize)); }

KeyPair KeyPair::FromSeed(std::string_view seed) {
  InitCrypto();
  if (seed.size() != kSeedSize) std::abort();
  KeyPair kp;
  kp.seed_.assign(seed);
  kp.public_key_.assign(crypto_sign_PUBLICKEYBYTES, '\0');
  kp.secret_key_.assign(crypto_sign_SECRETKEYBYTES, '\0');
  crypto_sign_seed_keypair(U(kp.public_key_), U(kp.secret_key_), U(seed));
  return kp;
}

namespace {
std::atomic<uint64_t> g_signs{0};
std::atomic<uint64_t> g_verifies{0};
}  // namespace

SignatureCounts ProcessSignatureCounts() {
  return {g_signs.load(std::memory_order_relaxed), g_verifies.load(std::memory_order_relaxed)};
}

std::string KeyPair::Sign(std::string_view message) const {
  g_signs.fetch_add(1, std::memory_order_relaxed);
  std::string sig(crypto_sign_BYTES, '\0');
  crypto_sign_detached(U(sig), nullptr, U(message), message.size(), U(secret_key_));
  return sig;
}

bool Verify(std::string_view public_key, std::string_view message, std::string_view signature) {
  InitCrypto();
  if (public_key.size() != crypto_sign_PUBLICKEYBYTES || signature.size() != crypto_sign_BYTES) {
    return false;
  }
  g_verifies.fetch_add(1, std::memory_order_relaxed);
  return crypto_sign_verify_detached(U(signature), U(message), message.size(), U(public_key)) == 0;
}

Status SaveKeyFile(const std::string& path, const KeyPair& key) { return WriteSecretHex(path, key.seed()); }

Result<KeyPair> LoadKeyFile(const std::string& path) {
  auto seed = ReadSecretHex(path, kSeedSize);
  if (!seed.ok()) return seed.status();
  KeyPair kp = KeyPair::FromSeed(*seed);
  sodium_memzero(seed->data(), seed->size());
  return kp;
}

Status SaveSecretFile(const std::string& path, std::string_view secret) {
  return WriteSecretHex(path, secret);
}

Result<std::string> LoadSecretFile(const std::string& path) { return ReadSecretHex(path, 32); }

std::string RandomBytes(size_t n) {
  InitCrypto();
  std::string out(n, '\0');
  randombytes_buf(out.data(), out.size());
  return out;
}

std::string Ed25519PublicToX25519(std::string_view ed25519_public_key) {
  InitCrypto();
  if (ed25519_public_key.size() != crypto_sign_PUBLICKEYBYTES) return "";
  std::string out(crypto_scalarmult_curve25519_BYTES, '\0');
  if (crypto_sign_ed25519_pk_to_curve25519(U(out), U(ed25519_public_key)) != 0) return "";
  return out;
}

std::string Ed25519SeedToX25519Secret(std::string_view seed) {
  InitCrypto();
  if (seed.size() != kSeedSize) return "";
  std::string sk(crypto_sign_SECRETKEYBYTES, '\0');
  std::string pk(crypto_sign_PUBLICKEYBYTES, '\0');
  crypto_sign_seed_keypair(U(pk), U(sk), U(seed));
  std::string out(crypto_scalarmult_curve25519_BYTES, '\0');
  crypto_sign_ed25519_sk_to_curve25519(U(out), U(sk));
  sodium_memzero(sk.data(), sk.size());
  return out;
}

}  // namespace cc::crypto
