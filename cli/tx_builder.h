// Building and signing transactions on the client side (creditctl submit, bench).
//
// A SignedTx is produced exactly as admission expects it: the body signed with the
// sender's Ed25519 key over proto::TxBodySigningBytes, serialized in canonical
// protobuf form; its id is proto::TxId of those bytes.
//
// Thread safety: pure functions (RandomNonce uses libsodium's thread-safe RNG).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"
#include "crypto/keys.h"
#include "proto/creditchain.pb.h"

namespace cc::cli {

inline constexpr uint64_t kMsPerDay = 86'400'000;

// "loan_opened", "repaid", "overdue_30", "overdue_60", "overdue_90", "default",
// "written_off", "settled", "fraud_confirmed". Code "usage" otherwise.
Result<pb::EventType> ParseEventType(std::string_view name);
std::string_view EventTypeName(pb::EventType type);

// 64 hex characters -> those 32 bytes; any other text -> BLAKE2b-256 of the text.
// Code "usage" for empty text.
Result<std::string> HashOrHex(const std::string& text);

// "YYYY-MM-DD" (proleptic Gregorian, UTC) -> days since 1970-01-01. Code "usage".
Result<uint32_t> ParseDate(const std::string& text);

uint64_t NowMs();        // wall clock, milliseconds since the epoch
uint64_t RandomNonce();  // 64 random bits

struct RecordEventFields {
  std::string subject_key;  // 32 bytes
  pb::EventType event_type = pb::EVENT_LOAN_OPENED;
  std::string loan_ref_hash;  // 32 bytes
  uint64_t amount_minor = 0;
  std::string currency = "CNY";
  uint32_t event_day = 0;
  std::string record_hash;  // 32 bytes
};

// A TxBody carrying a RecordCreditEvent.
pb::TxBody RecordEventBody(const std::string& chain_id, const std::string& sender, uint64_t nonce,
                           uint64_t not_before_ms, uint64_t not_after_ms, const RecordEventFields& f);

// The serialized SignedTx of `body` signed by `key`.
std::string SignTx(const pb::TxBody& body, const crypto::KeyPair& key);

}  // namespace cc::cli
