// Blacklist entries, query audit and quotas, regulatory actions.
#include <gtest/gtest.h>

#include "contracts/queries.h"
#include "tests/contracts/test_chain.h"

namespace cc::contracts {
namespace {

using testing::kAlice;
using testing::TestChain;
using testing::TxId;

TEST(Blacklist, OnlyTheListingMemberOrARegulatorMayRemove) {
  TestChain c;
  const std::string by_a = c.AddBlacklist("bank-a", kAlice);
  const std::string by_b = c.AddBlacklist("bank-b", kAlice);
  ASSERT_EQ(c.Run({by_a, by_b}).accepted, 2u);

  EXPECT_EQ(c.RunOne(c.RemoveBlacklist("bank-b", TxId(by_a))).code, "not_authorized");
  EXPECT_EQ(c.RunOne(c.RemoveBlacklist("lender-e", TxId(by_a))).code, "not_authorized");
  const std::string removal = c.RemoveBlacklist("bank-a", TxId(by_a));
  EXPECT_EQ(c.RunOne(removal).code, "ok");
  EXPECT_EQ(c.RunOne(c.RemoveBlacklist("bank-a", TxId(by_a))).code, "already_removed");
  EXPECT_EQ(c.RunOne(c.RemoveBlacklist("regulator", TxId(by_b))).code, "ok");
  EXPECT_EQ(c.RunOne(c.RemoveBlacklist("regulator", TestChain::Hash("none"))).code, "unknown_entry");

  Result<SubjectReport> r = ReadSubjectReport(c.state(), kAlice, c.now_ms());
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->blacklist.size(), 2u);  // removed entries stay listed, marked removed
  EXPECT_EQ(r->blacklist[0].status, BlacklistStatus::kRemoved);
  EXPECT_EQ(r->blacklist[0].entry.removed_by, "bank-a");
  EXPECT_EQ(r->blacklist[0].entry.removal_tx_id, TxId(removal));
  EXPECT_EQ(r->blacklist[1].entry.removed_by, "regulator");
  EXPECT_EQ(r->risk.active_blacklist_entries, 0u);
}

TEST(Blacklist, ValidatesAndExpiresAtQueryTime) {
  TestChain c;
  pb::TxBody bad = c.Body("bank-a");
  bad.mutable_add_blacklist()->set_subject_key(kAlice);
  bad.mutable_add_blacklist()->set_evidence_hash(TestChain::Hash("e"));
  EXPECT_EQ(c.RunOne(c.Sign(bad)).code, "invalid_reason");
  EXPECT_EQ(c.RunOne(c.AddBlacklist("bank-a", kAlice, static_cast<uint32_t>(c.today()))).code,
            "invalid_expiry");
  const uint32_t expiry = static_cast<uint32_t>(c.today() + 10);
  const std::string entry = c.AddBlacklist("bank-a", kAlice, expiry);
  ASSERT_EQ(c.RunOne(entry).code, "ok");

  auto status_on = [&](uint64_t day) {
    Result<SubjectReport> r = ReadSubjectReport(c.state(), kAlice, day * kMsPerDay);
    EXPECT_TRUE(r.ok());
    return r->blacklist.at(0).status;
  };
  EXPECT_EQ(status_on(expiry - 1), BlacklistStatus::kActive);
  EXPECT_EQ(status_on(expiry), BlacklistStatus::kExpired);
  EXPECT_EQ(ReadBlacklistEntry(c.state(), TxId(entry), (expiry + 1) * kMsPerDay)->status,
            BlacklistStatus::kExpired);
}

TEST(QueryAudit, RecordsWhoLookedWhenAndWhy) {
  TestChain c;
  const std::string q1 = c.Query("bank-b", kAlice, pb::QUERY_LOAN_APPLICATION);
  const std::string q2 = c.Query("regulator", kAlice, pb::QUERY_REGULATOR_AUDIT);
  ASSERT_EQ(c.Run({q1, q2}).accepted, 2u);
  Result<SubjectReport> r = ReadSubjectReport(c.state(), kAlice, c.now_ms());
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->queries.size(), 2u);
  EXPECT_EQ(r->queries[0].member, "bank-b");
  EXPECT_EQ(r->queries[0].purpose, pb::QUERY_LOAN_APPLICATION);
  EXPECT_EQ(r->queries[0].tx_id, TxId(q1));
  EXPECT_EQ(r->queries[1].member, "regulator");
  EXPECT_EQ(r->queries[1].block_time_ms, c.last_block_time_ms());

  Result<QueryAuditPage> page = ReadQueryAudit(c.state(), "bank-b", c.now_ms() - kMsPerDay, c.now_ms());
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->records.size(), 1u);
  EXPECT_EQ(page->records[0].tx_id, TxId(q1));
  EXPECT_TRUE(ReadQueryAudit(c.state(), "bank-b", c.now_ms() - 3 * kMsPerDay, c.now_ms() - kMsPerDay)
                  ->records.empty());
  EXPECT_EQ(ReadQueryAudit(c.state(), "bank-b", 0, c.now_ms()).status().code(), "range_too_long");
  EXPECT_EQ(ReadQueryAudit(c.state(), "bank-b", 5, 4).status().code(), "invalid_range");
  EXPECT_EQ(ReadQueryAudit(c.state(), "nobody", 0, 1).status().code(), "unknown_member");
}

TEST(QueryAudit, PurposeMustFitTheRole) {
  TestChain c;
  const BlockResult r = c.Run({c.Query("bank-a", kAlice, pb::QUERY_REGULATOR_AUDIT),
                               c.Query("regulator", kAlice, pb::QUERY_LOAN_APPLICATION),
                               c.Query("bank-a", kAlice, pb::QUERY_PURPOSE_UNSPECIFIED)});
  EXPECT_EQ(r.receipts[0].code, "not_authorized");
  EXPECT_EQ(r.receipts[1].code, "not_authorized");
  EXPECT_EQ(r.receipts[2].code, "invalid_purpose");
}

TEST(QueryAudit, AQueryOverQuotaIsRefused) {
  TestChain c([](Genesis& g) { g.member_quotas["bank-a"] = 2; });
  Result<QuotaStatus> q = ReadQuotaStatus(c.state(), "bank-a", c.now_ms());
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->quota, 2u);
  EXPECT_EQ(q->remaining, 2u);
  const BlockResult r = c.Run({c.Query("bank-a", kAlice), c.Query("bank-a", kAlice),
                               c.Query("bank-a", kAlice), c.Query("bank-b", kAlice)});
  EXPECT_EQ(r.receipts[0].code, "ok");
  EXPECT_EQ(r.receipts[1].code, "ok");
  EXPECT_EQ(r.receipts[2].code, "quota_exceeded");
  EXPECT_EQ(r.receipts[3].code, "ok");  // bank-b has the alliance quota
  q = ReadQuotaStatus(c.state(), "bank-a", c.now_ms());
  EXPECT_EQ(q->used, 2u);
  EXPECT_EQ(q->remaining, 0u);
  EXPECT_EQ(PrecheckTx(c.state(), c.Query("bank-a", kAlice), c.now_ms()).code(), "quota_exceeded");
  // The ledger never holds more than the quota for that day.
  Result<MemberCompliance> m = ReadMemberCompliance(c.state(), "bank-a", c.now_ms(), 2);
  ASSERT_TRUE(m.ok());
  ASSERT_EQ(m->queries_per_day.size(), 2u);
  EXPECT_EQ(m->queries_per_day[1].day, c.today());
  EXPECT_EQ(m->queries_per_day[1].count, 2u);
  EXPECT_EQ(m->daily_quota, 2u);
  // A new day, a new budget.
  c.AdvanceDays(1);
  EXPECT_EQ(c.RunOne(c.Query("bank-a", kAlice)).code, "ok");
}

TEST(RegulatoryAction, OnlyRegulatorsRecordThem) {
  TestChain c;
  EXPECT_EQ(c.RunOne(c.RegulatoryAction("bank-a", "bank-b")).code, "not_authorized");
  EXPECT_EQ(c.RunOne(c.RegulatoryAction("regulator", "nobody")).code, "unknown_target");
  const std::string order = c.RegulatoryAction("regulator", "bank-b");
  ASSERT_EQ(c.RunOne(order).code, "ok");
  Result<MemberCompliance> m = ReadMemberCompliance(c.state(), "bank-b", c.now_ms());
  ASSERT_TRUE(m.ok());
  ASSERT_EQ(m->regulatory_actions.size(), 1u);
  EXPECT_EQ(m->regulatory_actions[0].tx_id, TxId(order));
  EXPECT_EQ(m->regulatory_actions[0].regulator, "regulator");
  EXPECT_EQ(m->regulatory_actions[0].kind, pb::REGULATORY_RECTIFICATION_ORDER);
  EXPECT_TRUE(ReadMemberCompliance(c.state(), "bank-a", c.now_ms())->regulatory_actions.empty());
}

}  // namespace
}  // namespace cc::contracts
