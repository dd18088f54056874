#include "contracts/codec.h"

namespace cc::contracts {

ByteReader::ByteReader(std::string_view data, std::string_view domain_tag) : data_(data) {
  if (Bytes() != domain_tag) ok_ = false;
}

bool ByteReader::Need(size_t n) {
  if (!ok_ || data_.size() - pos_ < n) {
    ok_ = false;
    return false;
  }
  return true;
}

uint8_t ByteReader::U8() {
  if (!Need(1)) return 0;
  return static_cast<uint8_t>(data_[pos_++]);
}

uint32_t ByteReader::U32() {
  if (!Need(4)) return 0;
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v = (v << 8) | static_cast<uint8_t>(data_[pos_++]);
  return v;
}

uint64_t ByteReader::U64() {
  if (!Need(8)) return 0;
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<uint8_t>(data_[pos_++]);
  return v;
}

bool ByteReader::Bool() {
  const uint8_t v = U8();
  if (v > 1) ok_ = false;
  return v == 1;
}

std::string ByteReader::Bytes() {
  const uint32_t n = U32();
  if (!Need(n)) return {};
  std::string out(data_.substr(pos_, n));
  pos_ += n;
  return out;
}

}  // namespace cc::contracts
