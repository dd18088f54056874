// The credit API's JSON words and dates (wire/credit_json.h).
#include "wire/credit_json.h"

#include <gtest/gtest.h>

#include "contracts/retention.h"

namespace cc::wire {
namespace {

TEST(CreditJson, DatesRoundTripAndRejectNonDays) {
  EXPECT_EQ(ParseDate("1970-01-01"), 0u);
  EXPECT_EQ(ParseDate("2026-11-24"), 20781u);
  EXPECT_EQ(FormatDate(20781), "2026-11-24");
  EXPECT_EQ(ParseDate("2024-02-29"), 19782u);
  for (uint32_t d : {0u, 59u, 19782u, 2932896u}) EXPECT_EQ(ParseDate(FormatDate(d)), d);
  for (const char* bad : {"2026-02-29", "2026-13-01", "2026-00-10", "1969-12-31", "2026-1-01", "2026/01/01",
                          "20260101", "", "2026-01-01T00"}) {
    EXPECT_FALSE(ParseDate(bad).has_value()) << bad;
  }
}

TEST(CreditJson, EnumNamesRoundTrip) {
  for (int v = 1; v <= 9; ++v) {
    auto type = static_cast<pb::EventType>(v);
    EXPECT_EQ(ParseEventType(EventTypeName(type)), type);
  }
  EXPECT_FALSE(ParseEventType("unspecified").has_value());
  EXPECT_EQ(ParsePurpose("regulator_audit"), pb::QUERY_REGULATOR_AUDIT);
  EXPECT_EQ(ParseAmendKind("dispute_resolved"), pb::AMEND_DISPUTE_RESOLVED);
  EXPECT_EQ(ParseBlacklistReason("court_enforced"), pb::BLACKLIST_COURT_ENFORCED);
  EXPECT_EQ(ParseChangeKind("reinstate_member"), pb::CHANGE_REINSTATE_MEMBER);
  EXPECT_EQ(ParseRegulatoryAction("rectification_order"), pb::REGULATORY_RECTIFICATION_ORDER);
  EXPECT_TRUE(contracts::IsNegativeEvent(pb::EVENT_WRITTEN_OFF));
  EXPECT_FALSE(contracts::IsNegativeEvent(pb::EVENT_SETTLED));
}

}  // namespace
}  // namespace cc::wire
