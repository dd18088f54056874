// CanonicalWriter: the explicit byte encoding that CreditChain signs and hashes.
//
// Protobuf bytes are not canonical across libraries and versions, so nothing is
// ever signed or hashed as protobuf. Instead every signed or hashed structure is
// written with this encoder (specified in docs/encoding.md):
//   - the writer starts with the domain tag as a length-prefixed string, so bytes
//     signed for one purpose can never be replayed as another;
//   - integers are fixed width, big-endian (u8, u32, u64; i64 as two's complement);
//   - byte strings and text are a u32 big-endian length followed by the bytes;
//   - fields are written in the order the spec lists, every field always present.
//
// Thread safety: a writer is a value; use one per thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace cc {

class CanonicalWriter {
 public:
  explicit CanonicalWriter(std::string_view domain_tag) { Bytes(domain_tag); }

  CanonicalWriter& U8(uint8_t v) {
    out_.push_back(static_cast<char>(v));
    return *this;
  }
  CanonicalWriter& U32(uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) out_.push_back(static_cast<char>(v >> shift));
    return *this;
  }
  CanonicalWriter& U64(uint64_t v) {
    for (int shift = 56; shift >= 0; shift -= 8) out_.push_back(static_cast<char>(v >> shift));
    return *this;
  }
  CanonicalWriter& I64(int64_t v) { return U64(static_cast<uint64_t>(v)); }
  CanonicalWriter& Bool(bool v) { return U8(v ? 1 : 0); }
  // Length-prefixed bytes (u32 length). Text is written the same way, as UTF-8.
  CanonicalWriter& Bytes(std::string_view v) {
    U32(static_cast<uint32_t>(v.size()));
    out_.append(v.data(), v.size());
    return *this;
  }

  const std::string& bytes() const { return out_; }
  std::string Take() { return std::move(out_); }

 private:
  std::string out_;
};

}  // namespace cc
