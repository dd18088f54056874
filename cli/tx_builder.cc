#include "cli/tx_builder.h"

#include <chrono>
#include <cstring>

#include "common/clock.h"
#include "common/hex.h"
#include "crypto/hash.h"
#include "proto/canonical.h"

namespace cc::cli {

namespace {

struct EventName {
  std::string_view name;
  pb::EventType type;
};

constexpr EventName kEventNames[] = {
    {"loan_opened", pb::EVENT_LOAN_OPENED},         {"repaid", pb::EVENT_REPAID},
    {"overdue_30", pb::EVENT_OVERDUE_30},           {"overdue_60", pb::EVENT_OVERDUE_60},
    {"overdue_90", pb::EVENT_OVERDUE_90},           {"default", pb::EVENT_DEFAULT},
    {"written_off", pb::EVENT_WRITTEN_OFF},         {"settled", pb::EVENT_SETTLED},
    {"fraud_confirmed", pb::EVENT_FRAUD_CONFIRMED},
};

// Days from 1970-01-01 to y-m-d (proleptic Gregorian); Howard Hinnant's algorithm.
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

bool IsLeap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

}  // namespace

Result<pb::EventType> ParseEventType(std::string_view name) {
  for (const auto& e : kEventNames) {
    if (e.name == name) return e.type;
  }
  std::string all;
  for (const auto& e : kEventNames) all += (all.empty() ? "" : ", ") + std::string(e.name);
  return Status::Error("usage",
                       "unknown event type '" + std::string(name) + "' (expected one of " + all + ")");
}

std::string_view EventTypeName(pb::EventType type) {
  for (const auto& e : kEventNames) {
    if (e.type == type) return e.name;
  }
  return "unspecified";
}

Result<std::string> HashOrHex(const std::string& text) {
  if (text.empty()) return Status::Error("usage", "empty value where a hash or text was expected");
  if (text.size() == 64) {
    if (auto raw = FromHexSized(text, 32)) return *raw;
  }
  return crypto::Blake2b256(text);
}

Result<uint32_t> ParseDate(const std::string& text) {
  auto bad = [&] { return Status::Error("usage", "'" + text + "' is not a date YYYY-MM-DD"); };
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return bad();
  int values[3] = {0, 0, 0};
  const size_t starts[3] = {0, 5, 8};
  const size_t lengths[3] = {4, 2, 2};
  for (int f = 0; f < 3; ++f) {
    for (size_t i = 0; i < lengths[f]; ++i) {
      const char c = text[starts[f] + i];
      if (c < '0' || c > '9') return bad();
      values[f] = values[f] * 10 + (c - '0');
    }
  }
  const int y = values[0], m = values[1], d = values[2];
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (y < 1970 || m < 1 || m > 12 || d < 1) return bad();
  if (d > kDays[m - 1] + (m == 2 && IsLeap(y) ? 1 : 0)) return bad();
  return static_cast<uint32_t>(DaysFromCivil(y, static_cast<unsigned>(m), static_cast<unsigned>(d)));
}

uint64_t NowMs() { return SystemClock::Get().WallMs(); }

uint64_t RandomNonce() {
  const std::string bytes = crypto::RandomBytes(8);
  uint64_t v = 0;
  std::memcpy(&v, bytes.data(), sizeof v);
  return v;
}

pb::TxBody RecordEventBody(const std::string& chain_id, const std::string& sender, uint64_t nonce,
                           uint64_t not_before_ms, uint64_t not_after_ms, const RecordEventFields& f) {
  pb::TxBody body;
  body.set_chain_id(chain_id);
  body.set_sender(sender);
  body.set_nonce(nonce);
  body.set_not_before_ms(not_before_ms);
  body.set_not_after_ms(not_after_ms);
  pb::RecordCreditEvent* ev = body.mutable_record_event();
  ev->set_subject_key(f.subject_key);
  ev->set_event_type(f.event_type);
  ev->set_loan_ref_hash(f.loan_ref_hash);
  ev->set_amount_minor(f.amount_minor);
  ev->set_currency(f.currency);
  ev->set_event_day(f.event_day);
  ev->set_record_hash(f.record_hash);
  return body;
}

std::string SignTx(const pb::TxBody& body, const crypto::KeyPair& key) {
  pb::SignedTx tx;
  *tx.mutable_body() = body;
  tx.set_signature(key.Sign(proto::TxBodySigningBytes(body)));
  return tx.SerializeAsString();
}

}  // namespace cc::cli
