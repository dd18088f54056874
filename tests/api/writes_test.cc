// Write endpoints against a real node: a valid request is signed with the node's
// member key and admitted; any invalid field, enum, date, hex or query parameter is
// refused with a code naming it before anything is signed.
#include "common/hex.h"
#include "contracts/records.h"
#include "proto/canonical.h"
#include "tests/api/api_fixture.h"
#include "wire/credit_json.h"

namespace cc::node::testing {
namespace {

using nlohmann::json;

const std::string kSubject(64, 'b');

TEST_F(CreditApiTest, EventIsSignedByTheMemberAndAdmitted) {
  StartDefaultNode();
  const size_t before = node_->mempool().size();
  auto r = Call("POST", "/v1/events", token("writer"), EventRequest(kSubject).dump());
  ASSERT_EQ(r.status, 202) << r.body;
  EXPECT_EQ(r.Json()["status"], "pending");
  auto id = FromHexSized(r.Json()["tx_id"].get<std::string>(), 32);
  ASSERT_TRUE(id.has_value());
  EXPECT_TRUE(node_->mempool().Contains(*id));
  EXPECT_EQ(node_->mempool().size(), before + 1);
  // Two identical requests are two transactions (fresh nonces), not a replay.
  auto again = Call("POST", "/v1/events", token("writer"), EventRequest(kSubject).dump());
  ASSERT_EQ(again.status, 202) << again.body;
  EXPECT_NE(again.Json()["tx_id"], r.Json()["tx_id"]);
  // ?wait=commit on a node that cannot commit answers 202 timed_out.
  auto waited =
      Call("POST", "/v1/events?wait=commit&timeout_ms=50", token("writer"), EventRequest(kSubject).dump());
  ASSERT_EQ(waited.status, 202) << waited.body;
  EXPECT_EQ(waited.Json()["timed_out"], true);
}

TEST_F(CreditApiTest, EventFieldsAreCheckedAndNamed) {
  StartDefaultNode();
  const size_t before = node_->mempool().size();
  const std::string writer = token("writer");
  // Malformed dates built from the fixture clock's year: February never has a
  // 30th, and a two-digit year is refused whatever the year.
  const std::string today = wire::FormatDate(clock().WallMs() / contracts::kMsPerDay);
  struct Case {
    const char* field;
    json value;
    const char* code;
  };
  const Case cases[] = {
      {"event_type", "late", "invalid_argument"},
      {"event_type", 3, "wrong_type"},
      {"subject_key", "abcd", "invalid_argument"},
      {"subject_key", std::string(64, 'z'), "invalid_argument"},
      {"record_hash", "not-hex", "invalid_argument"},
      {"event_date", today.substr(0, 4) + "-02-30", "invalid_argument"},
      {"event_date", today.substr(2), "invalid_argument"},
      {"currency", "cny", "invalid_argument"},
      {"currency", "CNYY", "invalid_argument"},
      {"amount_minor", -5, "wrong_type"},
      {"amount_minor", 1.5, "wrong_type"},
      {"amount_minor", "100", "wrong_type"},
      {"loan_ref", "", "invalid_argument"},
      {"event_date", wire::FormatDate(clock().WallMs() / contracts::kMsPerDay + 1), "event_in_future"},
  };
  for (const auto& c : cases) {
    json body = EventRequest(kSubject);
    body[c.field] = c.value;
    auto r = Call("POST", "/v1/events", writer, body.dump());
    ExpectRefused(r, 400, c.code, before);
    if (std::string(c.code) != "event_in_future") {
      EXPECT_NE(r.body.find(c.field), std::string::npos) << c.field << ": " << r.body;
    }
  }
  json body = EventRequest(kSubject);
  body.erase("record_hash");
  ExpectRefused(Call("POST", "/v1/events", writer, body.dump()), 400, "missing_field", before);
  body = EventRequest(kSubject);
  body["borrower_name"] = "x";
  ExpectRefused(Call("POST", "/v1/events", writer, body.dump()), 400, "unknown_field", before);
  ExpectRefused(Call("POST", "/v1/events?wait=forever", writer, EventRequest(kSubject).dump()), 400,
                "invalid_argument", before);
  ExpectRefused(Call("POST", "/v1/events?timeout_ms=999999", writer, EventRequest(kSubject).dump()), 400,
                "invalid_argument", before);
  ExpectRefused(Call("POST", "/v1/events?dry_run=1", writer, EventRequest(kSubject).dump()), 400,
                "unknown_field", before);
}

TEST_F(CreditApiTest, AmendmentsBlacklistGovernanceAndActionsAreChecked) {
  StartDefaultNode();
  const std::string writer = token("writer");
  const std::string tx(64, '1');
  size_t before = node_->mempool().size();
  // Amendment of an event that does not exist: the contracts' code.
  ExpectRefused(Call("POST", "/v1/events/" + tx + "/amendments", writer,
                     json{{"kind", "corrected"}, {"record_hash", std::string(64, 'a')}}.dump()),
                400, "unknown_event", before);
  ExpectRefused(Call("POST", "/v1/events/" + tx + "/amendments", writer,
                     json{{"kind", "deleted"}, {"record_hash", std::string(64, 'a')}}.dump()),
                400, "invalid_argument", before);
  ExpectRefused(Call("POST", "/v1/events/xyz/amendments", writer,
                     json{{"kind", "corrected"}, {"record_hash", std::string(64, 'a')}}.dump()),
                400, "invalid_argument", before);
  // Blacklist.
  json entry{{"subject_key", kSubject}, {"reason", "fraud"}, {"evidence_hash", std::string(64, 'e')}};
  json bad = entry;
  bad["reason"] = "dislike";
  ExpectRefused(Call("POST", "/v1/blacklist", writer, bad.dump()), 400, "invalid_argument", before);
  bad = entry;
  bad["expiry_date"] = "tomorrow";
  ExpectRefused(Call("POST", "/v1/blacklist", writer, bad.dump()), 400, "invalid_argument", before);
  ExpectRefused(Call("DELETE", "/v1/blacklist/" + tx, writer), 400, "missing_field", before);
  ExpectRefused(Call("DELETE", "/v1/blacklist/" + tx + "?reason_hash=" + std::string(64, 'f'), writer), 400,
                "unknown_entry", before);
  ExpectRefused(Call("POST", "/v1/blacklist/" + tx + "/removal", writer, json{{"reason_hash", "zz"}}.dump()),
                400, "invalid_argument", before);
  // Governance and regulatory actions.
  ExpectRefused(Call("POST", "/v1/governance/proposals", writer, json{{"kind", "elect_king"}}.dump()), 400,
                "invalid_argument", before);
  ExpectRefused(Call("POST", "/v1/governance/proposals/" + tx + "/approvals", writer, "{\"x\":1}"), 400,
                "unknown_field", before);
  ExpectRefused(Call("POST", "/v1/governance/proposals/" + tx + "/approvals", writer, ""), 400,
                "unknown_proposal", before);
  ExpectRefused(
      Call("POST", "/v1/regulatory-actions", writer,
           json{{"kind", "sanction"}, {"target_member", "member-1"}, {"document_hash", std::string(64, 'd')}}
               .dump()),
      403, "not_authorized", before);

  // Valid ones are admitted.
  auto added = Call("POST", "/v1/blacklist", writer, entry.dump());
  EXPECT_EQ(added.status, 202) << added.body;
  auto proposal =
      Call("POST", "/v1/governance/proposals", writer,
           json{{"kind", "set_parameter"}, {"parameter", "retention_days"}, {"value", 3650}}.dump());
  EXPECT_EQ(proposal.status, 202) << proposal.body;
  EXPECT_EQ(node_->mempool().size(), before + 2);
}

}  // namespace
}  // namespace cc::node::testing
