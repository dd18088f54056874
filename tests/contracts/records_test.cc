#include "contracts/records.h"

#include <gtest/gtest.h>

#include "common/canonical.h"
#include "contracts/keys.h"
#include "contracts/state_root.h"
#include "crypto/hash.h"

namespace cc::contracts {
namespace {

EventRecord SampleEvent() {
  EventRecord ev;
  ev.tx_id = std::string(32, 'T');
  ev.reporter = "bank-a";
  ev.subject_key = std::string(32, 'S');
  ev.event_type = pb::EVENT_DEFAULT;
  ev.loan_ref_hash = std::string(32, 'L');
  ev.amount_minor = 123456789;
  ev.currency = "CNY";
  ev.event_day = 20000;
  ev.record_hash = std::string(32, 'R');
  ev.height = 7;
  ev.index = 3;
  ev.block_day = 20001;
  ev.amendments.push_back(
      {std::string(32, 'A'), pb::AMEND_DISPUTED, "bank-b", std::string(32, 'D'), 8, 20002});
  ev.dispute_open = true;
  ev.dispute_deadline_day = 20022;
  return ev;
}

TEST(Records, RoundTripThroughTheCanonicalEncoding) {
  const EventRecord ev = SampleEvent();
  const std::optional<EventRecord> back = Decode<EventRecord>(Encode(ev));
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(Encode(*back), Encode(ev));
  EXPECT_EQ(back->amendments.at(0).by, "bank-b");
  EXPECT_EQ(back->amendments.at(0).kind, pb::AMEND_DISPUTED);
  EXPECT_EQ(back->amount_minor, 123456789u);

  MemberRecord m;
  m.id = "bank-a";
  m.quota_override = 42;
  m.previous_keys = {"old"};
  const std::optional<MemberRecord> mb = Decode<MemberRecord>(Encode(m));
  ASSERT_TRUE(mb.has_value());
  EXPECT_EQ(mb->quota_override, 42u);
  EXPECT_EQ(mb->previous_keys, std::vector<std::string>{"old"});
}

TEST(Records, EncodingIsTheDocumentedByteLayout) {
  // ChainTip = bytes tag, u64 height, u64 block_time_ms.
  CanonicalWriter w("cc/state/tip/v1");
  w.U64(5).U64(1700000000000);
  EXPECT_EQ(Encode(ChainTip{5, 1700000000000}), w.bytes());
}

TEST(Records, DecodeRefusesTruncatedTrailingOrForeignBytes) {
  const std::string bytes = Encode(SampleEvent());
  EXPECT_FALSE(Decode<EventRecord>(bytes.substr(0, bytes.size() - 1)).has_value());
  EXPECT_FALSE(Decode<EventRecord>(bytes + "x").has_value());
  EXPECT_FALSE(Decode<BlacklistRecord>(bytes).has_value());  // another record's tag
  EXPECT_FALSE(Decode<EventRecord>("").has_value());
}

TEST(StateRoot, IsTheDocumentedHashAndIgnoresWriteOrder) {
  const std::string prev(32, '\x07');
  const StateWrites writes = {{"b", "2"}, {"a", std::nullopt}};
  CanonicalWriter w(kStateRootTag);
  w.Bytes(prev).U64(9).U32(2);
  w.Bytes("a").U8(0).Bytes("");
  w.Bytes("b").U8(1).Bytes("2");
  const std::string expected = crypto::Blake2b256(w.bytes());
  EXPECT_EQ(ComputeStateRoot(prev, 9, writes), expected);
  EXPECT_EQ(ComputeStateRoot(prev, 9, {{"a", std::nullopt}, {"b", "2"}}), expected);
}

TEST(StateRoot, ChangesWithEveryInput) {
  const std::string prev(32, '\0');
  const std::string base = ComputeStateRoot(prev, 1, {{"k", "v"}});
  EXPECT_NE(ComputeStateRoot(prev, 2, {{"k", "v"}}), base);
  EXPECT_NE(ComputeStateRoot(std::string(32, '\1'), 1, {{"k", "v"}}), base);
  EXPECT_NE(ComputeStateRoot(prev, 1, {{"k", "w"}}), base);
  EXPECT_NE(ComputeStateRoot(prev, 1, {{"k", std::nullopt}}), base);
  EXPECT_NE(ComputeStateRoot(prev, 1, {{"k", ""}}), ComputeStateRoot(prev, 1, {{"k", std::nullopt}}));
}

TEST(Keys, PositionsSortInLedgerOrder) {
  EXPECT_LT(keys::Pos(1, 900), keys::Pos(2, 0));
  EXPECT_LT(keys::Pos(255, 0), keys::Pos(256, 0));
  EXPECT_EQ(keys::ParseFixedHex(keys::Day(20123)), 20123u);
  EXPECT_FALSE(keys::ParseFixedHex("12G4").has_value());
  // A member's prefix never matches another member whose id extends it.
  EXPECT_FALSE(
      keys::OpenDispute("bank-a", 1, std::string(32, 'x')).starts_with(keys::OpenDisputesPrefix("bank")));
  EXPECT_TRUE(
      keys::OpenDispute("bank", 1, std::string(32, 'x')).starts_with(keys::OpenDisputesPrefix("bank")));
}

}  // namespace
}  // namespace cc::contracts
