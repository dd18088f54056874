// The LevelDB key layout of LevelDbLedger (also described in docs/storage.md).
// Every key starts with a one-byte prefix naming its family; integers are
// big-endian so LevelDB's bytewise order is numeric order.
//
//   'b' + u64 height          -> pb::Block (serialized)
//   'c' + u64 height          -> pb::CommitCertificate of that block (outside its hash)
//   'h' + block hash (32)     -> u64 height
//   't' + tx id (32)          -> u64 height + u32 index (first occurrence only)
//   's' + state key           -> state value (written by Append's StateWrites)
//   'r' + u64 record number   -> pb::ReplicaRecord (consensus log, in order)
//   'm' "tip"                 -> u64 height + tip block hash (32); absent when empty
//   'm' "records_next"        -> u64: number the next replica record gets
//   'm' "format"              -> "creditchain-ledger/1"
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cc::ledger::keys {

inline constexpr char kBlock = 'b';
inline constexpr char kCertificate = 'c';
inline constexpr char kHashIndex = 'h';
inline constexpr char kTxIndex = 't';
inline constexpr char kState = 's';
inline constexpr char kRecord = 'r';
inline constexpr char kMeta = 'm';

inline constexpr std::string_view kFormat = "creditchain-ledger/1";
// Replica records are numbered from 2^32 so TruncateRecords can place up to 2^32
// kept records below any mark.
inline constexpr uint64_t kFirstRecordNumber = uint64_t{1} << 32;

inline void PutU64(std::string& out, uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>(v >> shift));
}
inline void PutU32(std::string& out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>(v >> shift));
}
// Reads a big-endian integer of `width` bytes at `pos`. REQUIRES: in range.
inline uint64_t GetUint(std::string_view in, size_t pos, size_t width) {
  uint64_t v = 0;
  for (size_t i = 0; i < width; ++i) v = (v << 8) | static_cast<unsigned char>(in[pos + i]);
  return v;
}

inline std::string WithU64(char prefix, uint64_t v) {
  std::string k(1, prefix);
  PutU64(k, v);
  return k;
}
inline std::string WithBytes(char prefix, std::string_view bytes) {
  std::string k(1, prefix);
  k.append(bytes.data(), bytes.size());
  return k;
}

inline std::string Block(uint64_t height) { return WithU64(kBlock, height); }
inline std::string Certificate(uint64_t height) { return WithU64(kCertificate, height); }
inline std::string HashIndex(std::string_view hash) { return WithBytes(kHashIndex, hash); }
inline std::string TxIndex(std::string_view tx_id) { return WithBytes(kTxIndex, tx_id); }
inline std::string State(std::string_view key) { return WithBytes(kState, key); }
inline std::string Record(uint64_t number) { return WithU64(kRecord, number); }
inline std::string TipMeta() { return std::string(1, kMeta) + "tip"; }
inline std::string RecordsNextMeta() { return std::string(1, kMeta) + "records_next"; }
inline std::string FormatMeta() { return std::string(1, kMeta) + "format"; }

inline std::string EncodeTxLocation(uint64_t height, uint32_t index) {
  std::string v;
  PutU64(v, height);
  PutU32(v, index);
  return v;
}
struct DecodedLocation {
  uint64_t height;
  uint32_t index;
};
inline std::optional<DecodedLocation> DecodeTxLocation(std::string_view v) {
  if (v.size() != 12) return std::nullopt;
  return DecodedLocation{GetUint(v, 0, 8), static_cast<uint32_t>(GetUint(v, 8, 4))};
}
inline std::optional<uint64_t> DecodeU64(std::string_view v) {
  if (v.size() != 8) return std::nullopt;
  return GetUint(v, 0, 8);
}

}  // namespace cc::ledger::keys
