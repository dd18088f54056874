#include "p2p/record_cipher.h"

#include <sodium.h>

#include <cstdlib>
#include <cstring>
#include <limits>

#include "crypto/hash.h"

namespace cc::p2p {

static_assert(crypto_aead_xchacha20poly1305_ietf_ABYTES == kRecordTagSize);
static_assert(crypto_aead_xchacha20poly1305_ietf_KEYBYTES == kSessionKeySize);
static_assert(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES == 24);

namespace {

using Nonce = std::array<unsigned char, crypto_aead_xchacha20poly1305_ietf_NPUBBYTES>;

Nonce MakeNonce(uint64_t counter) {
  Nonce nonce{};
  for (int i = 0; i < 8; ++i) nonce[16 + i] = static_cast<unsigned char>(counter >> (56 - 8 * i));
  return nonce;
}

void EncodeLength(uint32_t length, unsigned char out[kRecordHeaderSize]) {
  out[0] = static_cast<unsigned char>(length >> 24);
  out[1] = static_cast<unsigned char>(length >> 16);
  out[2] = static_cast<unsigned char>(length >> 8);
  out[3] = static_cast<unsigned char>(length);
}

bool KnownType(uint8_t type) {
  return type == static_cast<uint8_t>(RecordType::kAuth) || type == static_cast<uint8_t>(RecordType::kData) ||
         type == static_cast<uint8_t>(RecordType::kPing);
}

void CopyKey(std::string_view key, std::array<unsigned char, kSessionKeySize>& out) {
  if (key.size() != kSessionKeySize) std::abort();
  std::memcpy(out.data(), key.data(), kSessionKeySize);
}

}  // namespace

uint32_t DecodeRecordLength(const unsigned char header[kRecordHeaderSize]) {
  return (uint32_t{header[0]} << 24) | (uint32_t{header[1]} << 16) | (uint32_t{header[2]} << 8) |
         uint32_t{header[3]};
}

Status CheckRecordLength(uint32_t length, size_t max_body) {
  if (length < kRecordOverhead) {
    return Status::Error("bad_frame",
                         "record of " + std::to_string(length) + " bytes is shorter than its overhead");
  }
  if (length - kRecordOverhead > max_body) {
    return Status::Error("frame_too_large", "record of " + std::to_string(length) +
                                                " bytes exceeds the limit of " +
                                                std::to_string(max_body + kRecordOverhead));
  }
  return Status::Ok();
}

RecordSealer::RecordSealer(std::string_view key) {
  crypto::InitCrypto();
  CopyKey(key, key_);
}

RecordSealer::~RecordSealer() { sodium_memzero(key_.data(), key_.size()); }

void RecordSealer::Seal(RecordType type, std::string_view body, std::string& out) {
  const size_t plain_size = 1 + body.size();
  const size_t cipher_size = plain_size + kRecordTagSize;
  if (cipher_size > std::numeric_limits<uint32_t>::max()) std::abort();
  const size_t start = out.size();
  out.resize(start + kRecordHeaderSize + cipher_size);
  auto* header = reinterpret_cast<unsigned char*>(out.data() + start);
  EncodeLength(static_cast<uint32_t>(cipher_size), header);
  unsigned char* cipher = header + kRecordHeaderSize;
  // Plaintext is assembled in the output buffer and encrypted in place, which
  // libsodium supports for the combined AEAD mode.
  cipher[0] = static_cast<unsigned char>(type);
  if (!body.empty()) std::memcpy(cipher + 1, body.data(), body.size());
  const Nonce nonce = MakeNonce(counter_++);
  unsigned long long written = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(cipher, &written, cipher, plain_size, header, kRecordHeaderSize,
                                             nullptr, nonce.data(), key_.data());
  if (written != cipher_size) std::abort();
}

RecordOpener::RecordOpener(std::string_view key) {
  crypto::InitCrypto();
  CopyKey(key, key_);
}

RecordOpener::~RecordOpener() { sodium_memzero(key_.data(), key_.size()); }

Result<Record> RecordOpener::Open(const unsigned char header[kRecordHeaderSize],
                                  std::string_view ciphertext) {
  if (ciphertext.size() < kRecordOverhead || DecodeRecordLength(header) != ciphertext.size()) {
    return Status::Error("bad_frame", "record length does not match its header");
  }
  std::string plain(ciphertext.size() - kRecordTagSize, '\0');
  const Nonce nonce = MakeNonce(counter_++);
  unsigned long long plain_size = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(
          reinterpret_cast<unsigned char*>(plain.data()), &plain_size, nullptr,
          reinterpret_cast<const unsigned char*>(ciphertext.data()), ciphertext.size(), header,
          kRecordHeaderSize, nonce.data(), key_.data()) != 0) {
    return Status::Error("decrypt_failed", "record failed authentication");
  }
  const auto type = static_cast<uint8_t>(plain[0]);
  if (!KnownType(type)) {
    return Status::Error("bad_frame", "unknown record type " + std::to_string(type));
  }
  Record record;
  record.type = static_cast<RecordType>(type);
  plain.erase(0, 1);
  record.body = std::move(plain);
  return record;
}

}  // namespace cc::p2p
