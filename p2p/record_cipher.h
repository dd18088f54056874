// Encrypted records: the unit on the wire once the hellos are exchanged.
//
//   record     = length (u32 big-endian) || ciphertext (length bytes)
//   ciphertext = XChaCha20-Poly1305-IETF(key, nonce, ad = the 4 length bytes,
//                                        plaintext = type (u8) || body)
//   nonce      = 16 zero bytes || u64 big-endian record counter of this direction
//
// Each direction has its own key (from crypto_kx) and counter starting at 0, so a
// dropped, replayed, reordered or altered record fails authentication. Layout and
// limits are specified in docs/p2p.md.
//
// Thread safety: a sealer or opener is used by one connection on one thread.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace cc::p2p {

inline constexpr size_t kSessionKeySize = 32;
inline constexpr size_t kRecordHeaderSize = 4;
inline constexpr size_t kRecordTagSize = 16;
// Ciphertext bytes beyond the body: the type byte and the Poly1305 tag.
inline constexpr size_t kRecordOverhead = 1 + kRecordTagSize;

enum class RecordType : uint8_t {
  kAuth = 1,  // handshake authentication (handshake.h)
  kData = 2,  // one application frame
  kPing = 3,  // keepalive, empty body
};

struct Record {
  RecordType type = RecordType::kData;
  std::string body;
};

uint32_t DecodeRecordLength(const unsigned char header[kRecordHeaderSize]);

// Checks an announced ciphertext length before anything is allocated for it.
// Codes: "frame_too_large" (body would exceed max_body), "bad_frame" (shorter than
// the overhead).
[[nodiscard]] Status CheckRecordLength(uint32_t length, size_t max_body);

class RecordSealer {
 public:
  // REQUIRES: key.size() == kSessionKeySize.
  explicit RecordSealer(std::string_view key);
  ~RecordSealer();
  RecordSealer(const RecordSealer&) = delete;
  RecordSealer& operator=(const RecordSealer&) = delete;

  // Appends one complete record (header and ciphertext) to `out`.
  // REQUIRES: body.size() + kRecordOverhead fits in a u32.
  void Seal(RecordType type, std::string_view body, std::string& out);
  uint64_t counter() const { return counter_; }

 private:
  std::array<unsigned char, kSessionKeySize> key_{};
  uint64_t counter_ = 0;
};

class RecordOpener {
 public:
  // REQUIRES: key.size() == kSessionKeySize.
  explicit RecordOpener(std::string_view key);
  ~RecordOpener();
  RecordOpener(const RecordOpener&) = delete;
  RecordOpener& operator=(const RecordOpener&) = delete;

  // Authenticates and decrypts the next record of this direction. Codes:
  // "bad_frame" (too short, unknown type), "decrypt_failed" (tag mismatch).
  // After an error the stream is unusable; the caller closes the link.
  Result<Record> Open(const unsigned char header[kRecordHeaderSize], std::string_view ciphertext);
  uint64_t counter() const { return counter_; }

 private:
  std::array<unsigned char, kSessionKeySize> key_{};
  uint64_t counter_ = 0;
};

}  // namespace cc::p2p
