// RecordCreditEvent and AmendCreditEvent: validation, indexes, amendments, disputes.
#include <gtest/gtest.h>

#include "contracts/queries.h"
#include "tests/contracts/test_chain.h"

namespace cc::contracts {
namespace {

using testing::kAlice;
using testing::kLoan;
using testing::TestChain;
using testing::TxId;

pb::TxBody EventBody(TestChain& c, const std::string& sender) {
  pb::TxBody body = c.Body(sender);
  auto* p = body.mutable_record_event();
  p->set_subject_key(kAlice);
  p->set_event_type(pb::EVENT_LOAN_OPENED);
  p->set_loan_ref_hash(kLoan);
  p->set_amount_minor(100);
  p->set_currency("CNY");
  p->set_event_day(static_cast<uint32_t>(c.today()));
  p->set_record_hash(TestChain::Hash("record"));
  return body;
}

SubjectReport Report(TestChain& c, const std::string& subject = kAlice) {
  Result<SubjectReport> r = ReadSubjectReport(c.state(), subject, c.now_ms());
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : SubjectReport{};
}

TEST(RecordCreditEvent, ValidatesEveryField) {
  TestChain c;
  std::vector<std::pair<std::string, pb::TxBody>> cases;
  auto add = [&](const std::string& code, const std::function<void(pb::RecordCreditEvent*)>& f,
                 const std::string& sender = "bank-a") {
    pb::TxBody b = EventBody(c, sender);
    f(b.mutable_record_event());
    cases.emplace_back(code, b);
  };
  add("invalid_subject_key", [](auto* p) { p->set_subject_key("short"); });
  add("invalid_event_type", [](auto* p) { p->set_event_type(pb::EVENT_TYPE_UNSPECIFIED); });
  add("invalid_event_type", [](auto* p) { p->set_event_type(static_cast<pb::EventType>(77)); });
  add("invalid_hash", [](auto* p) { p->set_loan_ref_hash(std::string(31, 'x')); });
  add("invalid_hash", [](auto* p) { p->set_record_hash(""); });
  add("invalid_currency", [](auto* p) { p->set_currency("cny"); });
  add("invalid_currency", [](auto* p) { p->set_currency("CNYX"); });
  add("event_in_future", [&](auto* p) { p->set_event_day(static_cast<uint32_t>(c.today() + 1)); });
  add(
      "not_authorized", [](auto*) {}, "regulator");
  std::vector<std::string> txs;
  for (const auto& [code, body] : cases) txs.push_back(c.Sign(body));
  const BlockResult r = c.Run(txs);
  for (size_t i = 0; i < cases.size(); ++i) {
    EXPECT_EQ(r.receipts[i].code, cases[i].first) << "case " << i << ": " << r.receipts[i].message;
  }
  EXPECT_EQ(r.accepted, 0u);
}

TEST(RecordCreditEvent, IndexesBySubjectLoanAndMember) {
  TestChain c;
  c.AdvanceDays(10);
  const std::string opened =
      c.RecordEvent("bank-a", kAlice, pb::EVENT_LOAN_OPENED, kLoan, static_cast<uint32_t>(c.today() - 3));
  const std::string overdue = c.RecordEvent("bank-a", kAlice, pb::EVENT_OVERDUE_30, kLoan);
  const std::string elsewhere =
      c.RecordEvent("bank-b", kAlice, pb::EVENT_LOAN_OPENED, TestChain::Hash("b-loan"));
  const std::string bob = c.RecordEvent("bank-b", TestChain::Subject("bob"), pb::EVENT_REPAID, kLoan);
  ASSERT_EQ(c.Run({opened, overdue, elsewhere, bob}).accepted, 4u);

  const SubjectReport r = Report(c);
  ASSERT_EQ(r.events.size(), 3u);
  EXPECT_EQ(r.events[0].event.tx_id, TxId(opened));
  EXPECT_EQ(r.events[1].event.tx_id, TxId(overdue));
  EXPECT_EQ(r.events[2].event.reporter, "bank-b");
  EXPECT_EQ(r.events[0].status, EventStatus::kActive);
  EXPECT_EQ(r.risk.lenders_30d, 2u);
  EXPECT_EQ(r.risk.overdue_events, 1u);

  const std::vector<EventRecord> loan = ReadLoanEvents(c.state(), "bank-a", kLoan);
  ASSERT_EQ(loan.size(), 2u);  // bank-b's event with the same loan hash is another loan
  EXPECT_EQ(loan[1].event_type, pb::EVENT_OVERDUE_30);

  Result<MemberCompliance> m = ReadMemberCompliance(c.state(), "bank-a", c.now_ms());
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->stats.events_reported, 2u);
  EXPECT_EQ(m->stats.delay_sum_days, 3u);  // 3 days late, then on the day
  EXPECT_EQ(m->stats.delay_max_days, 3u);
  EXPECT_EQ(m->stats.delay_buckets[0], 1u);
  EXPECT_EQ(m->stats.delay_buckets[2], 1u);
  EXPECT_EQ(m->mean_delay_days_x100, 150u);
}

TEST(AmendCreditEvent, AmendmentsNeverDeleteTheOriginal) {
  TestChain c;
  const std::string ev = c.RecordEvent("bank-a", kAlice, pb::EVENT_DEFAULT, kLoan);
  ASSERT_EQ(c.RunOne(ev).code, "ok");
  const EventRecord original = Report(c).events.at(0).event;

  const std::string corrected = c.Amend("bank-a", TxId(ev), pb::AMEND_CORRECTED);
  ASSERT_EQ(c.RunOne(corrected).code, "ok");
  SubjectReport r = Report(c);
  ASSERT_EQ(r.events.size(), 1u);
  EXPECT_EQ(r.events[0].status, EventStatus::kCorrected);
  EXPECT_EQ(r.events[0].event.record_hash, original.record_hash);  // the original commitment stays
  EXPECT_NE(r.events[0].event.current_record_hash, original.record_hash);

  const std::string retracted = c.Amend("bank-a", TxId(ev), pb::AMEND_RETRACTED);
  ASSERT_EQ(c.RunOne(retracted).code, "ok");
  r = Report(c);
  ASSERT_EQ(r.events.size(), 1u);  // still listed, with its history
  const EventView& v = r.events[0];
  EXPECT_EQ(v.status, EventStatus::kRetracted);
  EXPECT_EQ(v.event.tx_id, TxId(ev));
  EXPECT_EQ(v.event.event_type, pb::EVENT_DEFAULT);
  ASSERT_EQ(v.event.amendments.size(), 2u);
  EXPECT_EQ(v.event.amendments[0].tx_id, TxId(corrected));
  EXPECT_EQ(v.event.amendments[0].kind, pb::AMEND_CORRECTED);
  EXPECT_EQ(v.event.amendments[1].tx_id, TxId(retracted));
  EXPECT_EQ(r.risk.default_events, 0u);  // a retracted event is not held against anyone
  // Retraction is final.
  EXPECT_EQ(c.RunOne(c.Amend("bank-a", TxId(ev), pb::AMEND_CORRECTED)).code, "event_retracted");
}

TEST(AmendCreditEvent, OnlyTheReporterOrARegulatorMayCorrect) {
  TestChain c;
  const std::string ev = c.RecordEvent("bank-a", kAlice, pb::EVENT_DEFAULT, kLoan);
  ASSERT_EQ(c.RunOne(ev).code, "ok");
  EXPECT_EQ(c.RunOne(c.Amend("bank-b", TxId(ev), pb::AMEND_CORRECTED)).code, "not_authorized");
  EXPECT_EQ(c.RunOne(c.Amend("bank-b", TxId(ev), pb::AMEND_RETRACTED)).code, "not_authorized");
  EXPECT_EQ(c.RunOne(c.Amend("regulator", TxId(ev), pb::AMEND_CORRECTED)).code, "ok");
  EXPECT_EQ(c.RunOne(c.Amend("bank-a", TestChain::Hash("nothing"), pb::AMEND_CORRECTED)).code,
            "unknown_event");
  EXPECT_EQ(c.RunOne(c.Amend("bank-a", TxId(ev), pb::AMEND_KIND_UNSPECIFIED)).code, "invalid_amend_kind");
  const EventView v = *ReadEvent(c.state(), TxId(ev), c.now_ms());
  ASSERT_EQ(v.event.amendments.size(), 1u);
  EXPECT_EQ(v.event.amendments[0].by, "regulator");
}

TEST(AmendCreditEvent, DisputeOpensWithADeadlineAndTheReporterAnswers) {
  TestChain c;
  const std::string ev = c.RecordEvent("bank-a", kAlice, pb::EVENT_OVERDUE_90, kLoan);
  ASSERT_EQ(c.RunOne(ev).code, "ok");
  // The reporter cannot dispute its own event; nothing to resolve yet.
  EXPECT_EQ(c.RunOne(c.Amend("bank-a", TxId(ev), pb::AMEND_DISPUTED)).code, "not_authorized");
  EXPECT_EQ(c.RunOne(c.Amend("bank-a", TxId(ev), pb::AMEND_DISPUTE_RESOLVED)).code, "no_open_dispute");
  // Another member files the borrower's dispute.
  const uint64_t day = c.today();
  ASSERT_EQ(c.RunOne(c.Amend("bank-b", TxId(ev), pb::AMEND_DISPUTED)).code, "ok");
  EXPECT_EQ(c.RunOne(c.Amend("regulator", TxId(ev), pb::AMEND_DISPUTED)).code, "already_disputed");
  SubjectReport r = Report(c);
  EXPECT_EQ(r.events[0].status, EventStatus::kDisputed);
  EXPECT_EQ(r.events[0].event.dispute_deadline_day, day + 20);
  EXPECT_FALSE(r.events[0].dispute_overdue);
  EXPECT_EQ(r.risk.disputed_events, 1u);
  // The reporter stands by the record.
  ASSERT_EQ(c.RunOne(c.Amend("bank-a", TxId(ev), pb::AMEND_DISPUTE_RESOLVED)).code, "ok");
  r = Report(c);
  EXPECT_EQ(r.events[0].status, EventStatus::kActive);
  Result<MemberCompliance> m = ReadMemberCompliance(c.state(), "bank-a", c.now_ms());
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->stats.disputes_received, 1u);
  EXPECT_EQ(m->stats.disputes_answered, 1u);
  EXPECT_EQ(m->stats.disputes_answered_late, 0u);
  EXPECT_EQ(m->open_disputes, 0u);
  EXPECT_EQ(m->dispute_rate_bps, 10000u);
}

TEST(AmendCreditEvent, ADisputePastItsDeadlineShowsAsOverdue) {
  TestChain c;
  const std::string ev = c.RecordEvent("bank-a", kAlice, pb::EVENT_DEFAULT, kLoan);
  ASSERT_EQ(c.RunOne(ev).code, "ok");
  const std::string dispute = c.Amend("regulator", TxId(ev), pb::AMEND_DISPUTED);
  ASSERT_EQ(c.RunOne(dispute).code, "ok");
  const uint64_t deadline = c.today() + 20;

  // On the deadline day the dispute is open but not overdue.
  const uint64_t on_deadline = deadline * kMsPerDay + 1000;
  Result<MemberCompliance> m = ReadMemberCompliance(c.state(), "bank-a", on_deadline);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->open_disputes, 1u);
  EXPECT_TRUE(m->overdue_disputes.empty());
  EXPECT_FALSE(ReadSubjectReport(c.state(), kAlice, on_deadline)->events.at(0).dispute_overdue);
  // The day after, it is overdue, judged from the given day.
  const uint64_t after = (deadline + 3) * kMsPerDay;
  m = ReadMemberCompliance(c.state(), "bank-a", after);
  ASSERT_TRUE(m.ok());
  ASSERT_EQ(m->overdue_disputes.size(), 1u);
  EXPECT_EQ(m->overdue_disputes[0].event_tx_id, TxId(ev));
  EXPECT_EQ(m->overdue_disputes[0].dispute_tx_id, TxId(dispute));
  EXPECT_EQ(m->overdue_disputes[0].deadline_day, deadline);
  EXPECT_EQ(m->overdue_disputes[0].days_overdue, 3u);
  Result<SubjectReport> r = ReadSubjectReport(c.state(), kAlice, after);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->events[0].dispute_overdue);
  // Another member's figures are untouched.
  EXPECT_TRUE(ReadMemberCompliance(c.state(), "bank-b", after)->overdue_disputes.empty());

  // A late correction closes it and is booked as late.
  c.SetNow(after);
  ASSERT_EQ(c.RunOne(c.Amend("bank-a", TxId(ev), pb::AMEND_CORRECTED)).code, "ok");
  m = ReadMemberCompliance(c.state(), "bank-a", after);
  EXPECT_EQ(m->open_disputes, 0u);
  EXPECT_TRUE(m->overdue_disputes.empty());
  EXPECT_EQ(m->stats.disputes_answered_late, 1u);
  EXPECT_EQ(m->amendment_rate_bps, 10000u);
}

}  // namespace
}  // namespace cc::contracts
