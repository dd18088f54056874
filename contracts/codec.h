// Decoder for the canonical encoding of common/canonical.h (docs/encoding.md), used
// for the records contracts/ stores in state. Stored values are hashed into the
// state root, so they are written with CanonicalWriter (explicit, version-stable)
// rather than as protobuf bytes.
//
// A ByteReader consumes fields in order; the first failure (short input, bad tag)
// sticks, every later read returns a zero value, and ok() reports it. Finish()
// also requires that every byte was consumed.
//
// Thread safety: a reader is a value; use one per thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace cc::contracts {

class ByteReader {
 public:
  // Reads and checks the leading domain tag.
  ByteReader(std::string_view data, std::string_view domain_tag);

  uint8_t U8();
  uint32_t U32();
  uint64_t U64();
  bool Bool();
  std::string Bytes();

  bool ok() const { return ok_; }
  size_t remaining() const { return data_.size() - pos_; }
  void Fail() { ok_ = false; }
  // True iff every read succeeded and no byte is left over.
  bool Finish() const { return ok_ && pos_ == data_.size(); }

 private:
  bool Need(size_t n);
  std::string_view data_;
  size_t pos_ = 0;
  bool ok_ = true;
};

}  // namespace cc::contracts
