// The read side: retention, risk summary, alliance statistics.
#include "contracts/queries.h"

#include <gtest/gtest.h>

#include "contracts/retention.h"
#include "tests/contracts/test_chain.h"

namespace cc::contracts {
namespace {

using testing::kAlice;
using testing::TestChain;
using testing::TxId;

SubjectReport ReportOn(TestChain& c, uint64_t day) {
  Result<SubjectReport> r = ReadSubjectReport(c.state(), kAlice, day * kMsPerDay);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : SubjectReport{};
}

TEST(Retention, HidesADefaultOlderThanThePeriodButNotAYoungerOne) {
  TestChain c([](Genesis& g) { g.params.retention_days = 100; });
  const uint32_t day = static_cast<uint32_t>(c.today());
  const std::string old_default =
      c.RecordEvent("bank-a", kAlice, pb::EVENT_DEFAULT, TestChain::Hash("old"), day - 50);
  const std::string young_default =
      c.RecordEvent("bank-b", kAlice, pb::EVENT_DEFAULT, TestChain::Hash("young"), day);
  const std::string opened =
      c.RecordEvent("bank-a", kAlice, pb::EVENT_LOAN_OPENED, TestChain::Hash("old"), day - 60);
  ASSERT_EQ(c.Run({old_default, young_default, opened}).accepted, 3u);

  // 100 days after the old default: it is hidden, the younger one is not, and the
  // loan_opened event (not negative) never expires.
  SubjectReport r = ReportOn(c, day - 50 + 100);
  EXPECT_EQ(r.hidden_by_retention, 1u);
  ASSERT_EQ(r.events.size(), 2u);
  EXPECT_EQ(r.events[0].event.tx_id, TxId(young_default));
  EXPECT_EQ(r.events[1].event.tx_id, TxId(opened));
  EXPECT_EQ(r.risk.default_events, 1u);
  // One day earlier both are shown.
  r = ReportOn(c, day - 50 + 99);
  EXPECT_EQ(r.hidden_by_retention, 0u);
  EXPECT_EQ(r.events.size(), 3u);
  EXPECT_EQ(r.risk.default_events, 2u);
  // Retention hides it from answers only: the record is still in state.
  EXPECT_TRUE(ReadEvent(c.state(), TxId(old_default), (day + 1000) * kMsPerDay).has_value());
}

TEST(Retention, CountsFromTheDayTheLoanWasClosed) {
  TestChain c([](Genesis& g) { g.params.retention_days = 100; });
  c.AdvanceDays(200);
  const uint32_t day = static_cast<uint32_t>(c.today());
  const std::string loan = TestChain::Hash("loan");
  const std::string overdue = c.RecordEvent("bank-a", kAlice, pb::EVENT_OVERDUE_90, loan, day - 150);
  const std::string settled = c.RecordEvent("bank-a", kAlice, pb::EVENT_SETTLED, loan, day - 20);
  ASSERT_EQ(c.Run({overdue, settled}).accepted, 2u);
  const EventRecord ev = ReadEvent(c.state(), TxId(overdue), c.now_ms())->event;
  EXPECT_EQ(EndedDay(c.state(), ev), day - 20u);
  EXPECT_EQ(ReportOn(c, day).hidden_by_retention, 0u);             // 150 days after, but closed 20 ago
  EXPECT_EQ(ReportOn(c, day - 20 + 100).hidden_by_retention, 1u);  // 100 days after closing
  // A retracted closing event does not extend it.
  ASSERT_EQ(c.RunOne(c.Amend("bank-a", TxId(settled), pb::AMEND_RETRACTED)).code, "ok");
  EXPECT_EQ(EndedDay(c.state(), ev), day - 150u);
  EXPECT_EQ(ReportOn(c, day).hidden_by_retention, 1u);
}

TEST(SubjectReport, RiskSummaryCountsDistinctRecentLenders) {
  TestChain c;
  c.AdvanceDays(400);
  const uint32_t day = static_cast<uint32_t>(c.today());
  ASSERT_EQ(c.Run({c.RecordEvent("bank-a", kAlice, pb::EVENT_LOAN_OPENED, TestChain::Hash("1"), day - 10),
                   c.RecordEvent("bank-a", kAlice, pb::EVENT_LOAN_OPENED, TestChain::Hash("2"), day - 20),
                   c.RecordEvent("bank-b", kAlice, pb::EVENT_LOAN_OPENED, TestChain::Hash("3"), day - 60),
                   c.RecordEvent("bank-c", kAlice, pb::EVENT_LOAN_OPENED, TestChain::Hash("4"), day - 120),
                   c.RecordEvent("bank-d", kAlice, pb::EVENT_LOAN_OPENED, TestChain::Hash("5"), day - 300),
                   c.RecordEvent("bank-d", kAlice, pb::EVENT_FRAUD_CONFIRMED, TestChain::Hash("5"), day),
                   c.AddBlacklist("bank-d", kAlice)})
                .accepted,
            7u);
  const SubjectReport r = ReportOn(c, day);
  EXPECT_EQ(r.risk.lenders_30d, 1u);
  EXPECT_EQ(r.risk.lenders_90d, 2u);
  EXPECT_EQ(r.risk.lenders_180d, 3u);
  EXPECT_EQ(r.risk.fraud_events, 1u);
  EXPECT_EQ(r.risk.active_blacklist_entries, 1u);
  EXPECT_FALSE(r.truncated);
  EXPECT_EQ(ReadSubjectReport(c.state(), "short", c.now_ms()).status().code(), "invalid_subject_key");
  const SubjectReport nobody = *ReadSubjectReport(c.state(), TestChain::Subject("nobody"), c.now_ms());
  EXPECT_TRUE(nobody.events.empty());
  EXPECT_TRUE(nobody.queries.empty());
}

TEST(AllianceStats, CountsWhatTheLedgerHolds) {
  TestChain c;
  const BlockResult r =
      c.Run({c.RecordEvent("bank-a", kAlice, pb::EVENT_LOAN_OPENED, TestChain::Hash("l")),
             c.RecordEvent("bank-a", kAlice, pb::EVENT_OVERDUE_30, TestChain::Hash("l")),
             c.Query("bank-b", kAlice), c.AddBlacklist("bank-c", kAlice), c.Query("bank-b", "bad")});
  ASSERT_EQ(r.accepted, 4u);
  Result<AllianceStats> s = ReadAllianceStats(c.state());
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->counters.events_by_type[pb::EVENT_LOAN_OPENED], 1u);
  EXPECT_EQ(s->counters.events_by_type[pb::EVENT_OVERDUE_30], 1u);
  EXPECT_EQ(s->counters.queries_by_purpose[pb::QUERY_LOAN_APPLICATION], 1u);
  EXPECT_EQ(s->counters.blacklist_added, 1u);
  EXPECT_EQ(s->counters.txs_accepted, 4u);
  EXPECT_EQ(s->counters.txs_rejected, 1u);
  EXPECT_EQ(s->members_active, 5u);
  EXPECT_EQ(s->regulators, 1u);
  EXPECT_EQ(s->validators, 4u);
  EXPECT_EQ(s->height, 1u);
}

}  // namespace
}  // namespace cc::contracts
