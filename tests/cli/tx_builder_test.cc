// Client-side transaction building: names, dates, hashes, and a signed transaction
// that passes the same canonical-form and signature checks admission applies.
#include "cli/tx_builder.h"

#include <gtest/gtest.h>

#include "common/hex.h"
#include "crypto/hash.h"
#include "proto/canonical.h"

namespace cc::cli {
namespace {

TEST(TxBuilder, EventTypeNamesRoundTrip) {
  for (int t = pb::EVENT_LOAN_OPENED; t <= pb::EVENT_FRAUD_CONFIRMED; ++t) {
    const auto type = static_cast<pb::EventType>(t);
    auto parsed = ParseEventType(EventTypeName(type));
    ASSERT_TRUE(parsed.ok()) << EventTypeName(type);
    EXPECT_EQ(*parsed, type);
  }
  EXPECT_EQ(*ParseEventType("default"), pb::EVENT_DEFAULT);
  auto bad = ParseEventType("defaulted");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), "usage");
  EXPECT_EQ(ParseEventType("").status().code(), "usage");
}

TEST(TxBuilder, DatesAreDaysSinceTheEpoch) {
  EXPECT_EQ(*ParseDate("1970-01-01"), 0u);
  EXPECT_EQ(*ParseDate("1970-02-01"), 31u);
  EXPECT_EQ(*ParseDate("2000-03-01"), 11017u);
  EXPECT_EQ(*ParseDate("2024-02-29"), 19782u);
  EXPECT_EQ(*ParseDate("2026-11-24"), 20781u);
  for (const char* bad : {"2023-02-29", "1900-02-29", "2024-13-01", "2024-00-10", "2024-04-31", "1969-12-31",
                          "2024-1-01", "20240101", "2024-01-0x", ""}) {
    auto d = ParseDate(bad);
    ASSERT_FALSE(d.ok()) << bad;
    EXPECT_EQ(d.status().code(), "usage");
  }
  EXPECT_TRUE(ParseDate("2000-02-29").ok());
}

TEST(TxBuilder, HexIsTakenAsIsAndTextIsHashed) {
  const std::string hex(64, 'a');
  EXPECT_EQ(*HashOrHex(hex), *FromHex(hex));
  EXPECT_EQ(*HashOrHex("loan-2024-0001"), crypto::Blake2b256("loan-2024-0001"));
  const std::string not_hex = std::string(63, 'a') + "z";  // 64 characters, not hex
  EXPECT_EQ(*HashOrHex(not_hex), crypto::Blake2b256(not_hex));
  EXPECT_EQ(HashOrHex("").status().code(), "usage");
}

TEST(TxBuilder, SignedTransactionsAreCanonicalAndVerify) {
  const crypto::KeyPair key = crypto::KeyPair::Generate();
  RecordEventFields f;
  f.subject_key = std::string(32, '\x11');
  f.event_type = pb::EVENT_OVERDUE_30;
  f.loan_ref_hash = std::string(32, '\x22');
  f.amount_minor = 123456;
  f.currency = "CNY";
  f.event_day = 20000;
  f.record_hash = std::string(32, '\x33');
  const pb::TxBody body = RecordEventBody("chain-x", "member-2", 99, 1000, 2000, f);
  const std::string raw = SignTx(body, key);

  pb::SignedTx tx;
  ASSERT_TRUE(proto::ParseCanonicalTx(raw, &tx).ok());
  EXPECT_EQ(tx.body().chain_id(), "chain-x");
  EXPECT_EQ(tx.body().sender(), "member-2");
  EXPECT_EQ(tx.body().nonce(), 99u);
  EXPECT_EQ(tx.body().not_before_ms(), 1000u);
  EXPECT_EQ(tx.body().not_after_ms(), 2000u);
  ASSERT_TRUE(tx.body().has_record_event());
  const auto& ev = tx.body().record_event();
  EXPECT_EQ(ev.subject_key(), f.subject_key);
  EXPECT_EQ(ev.event_type(), pb::EVENT_OVERDUE_30);
  EXPECT_EQ(ev.loan_ref_hash(), f.loan_ref_hash);
  EXPECT_EQ(ev.amount_minor(), 123456u);
  EXPECT_EQ(ev.currency(), "CNY");
  EXPECT_EQ(ev.event_day(), 20000u);
  EXPECT_EQ(ev.record_hash(), f.record_hash);
  EXPECT_TRUE(crypto::Verify(key.public_key(), proto::TxBodySigningBytes(tx.body()), tx.signature()));
  // Another key's signature does not verify; nonces make distinct transactions.
  EXPECT_FALSE(crypto::Verify(crypto::KeyPair::Generate().public_key(), proto::TxBodySigningBytes(tx.body()),
                              tx.signature()));
  EXPECT_NE(proto::TxId(raw),
            proto::TxId(SignTx(RecordEventBody("chain-x", "member-2", 100, 1000, 2000, f), key)));
}

}  // namespace
}  // namespace cc::cli
