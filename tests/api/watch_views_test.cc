// Watchlist, alert and regulator endpoints against a real node: the watchlist is
// node-local and survives a restart; the alert stream opens as SSE; regulator views
// answer from state with strict parameters.
#include "contracts/records.h"
#include "tests/api/api_fixture.h"
#include "wire/credit_json.h"

namespace cc::node::testing {
namespace {

using nlohmann::json;

const std::string kA = std::string(63, 'a') + "1";
const std::string kB = std::string(63, 'a') + "2";

TEST_F(CreditApiTest, WatchlistSurvivesARestart) {
  const NodeConfig config = Config("data");
  node_ = StartNode(config);
  ASSERT_NE(node_, nullptr);
  const std::string reader = token("reader");
  auto put = Call("PUT", "/v1/watchlist/" + kA, reader, json{{"note", "loan 77"}}.dump());
  ASSERT_EQ(put.status, 201) << put.body;
  EXPECT_EQ(put.Json()["created"], true);
  put = Call("PUT", "/v1/watchlist/" + kB, token("writer"));
  ASSERT_EQ(put.status, 201) << put.body;
  put = Call("PUT", "/v1/watchlist/" + kA, reader, json{{"note", "loan 78"}}.dump());
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(put.Json()["created"], false);
  EXPECT_EQ(node_->mempool().size(), 0u) << "a watchlist change reached the ledger path";

  node_.reset();  // stop and close everything
  node_ = StartNode(config);
  ASSERT_NE(node_, nullptr);
  auto list = Call("GET", "/v1/watchlist", reader);
  ASSERT_EQ(list.status, 200) << list.body;
  const json j = list.Json();
  EXPECT_EQ(j["total"], 2);
  ASSERT_EQ(j["subjects"].size(), 2u);
  EXPECT_EQ(j["subjects"][0]["subject_key"], kA);
  EXPECT_EQ(j["subjects"][0]["note"], "loan 78");
  EXPECT_EQ(j["subjects"][1]["subject_key"], kB);

  // Paging.
  auto page = Call("GET", "/v1/watchlist?limit=1", reader);
  ASSERT_EQ(page.status, 200);
  EXPECT_EQ(page.Json()["next_after"], kA);
  page = Call("GET", "/v1/watchlist?limit=1&after=" + kA, reader);
  ASSERT_EQ(page.Json()["subjects"].size(), 1u);
  EXPECT_EQ(page.Json()["subjects"][0]["subject_key"], kB);

  auto del = Call("DELETE", "/v1/watchlist/" + kB, reader);
  EXPECT_EQ(del.status, 200) << del.body;
  ExpectRefused(Call("DELETE", "/v1/watchlist/" + kB, reader), 404, "not_found", 0);
  ExpectRefused(Call("PUT", "/v1/watchlist/nothex", reader), 400, "invalid_argument", 0);
  ExpectRefused(Call("PUT", "/v1/watchlist/" + kA, reader, json{{"note", 5}}.dump()), 400, "wrong_type", 0);
  ExpectRefused(Call("PUT", "/v1/watchlist/" + kA, reader, json{{"note", std::string(300, 'n')}}.dump()), 400,
                "invalid_argument", 0);
  ExpectRefused(Call("GET", "/v1/watchlist?limit=100000", reader), 400, "invalid_argument", 0);
  EXPECT_EQ(Call("GET", "/v1/watchlist", reader).Json()["total"], 1);
}

TEST_F(CreditApiTest, AlertStreamOpensAndResumeIdIsChecked) {
  StartDefaultNode();
  auto client = http::testing::TestClient::Connect(node_->http_port());
  ASSERT_NE(client, nullptr);
  ASSERT_TRUE(client->Send(http::testing::MakeRequest(
      "GET", "/v1/alerts/stream", {{"Authorization", "Bearer " + token("reader")}, {"Last-Event-ID", "0"}})));
  auto head = client->ReadUntil("\r\n\r\n");
  ASSERT_TRUE(head.has_value());
  EXPECT_NE(head->find("200"), std::string::npos) << *head;
  EXPECT_NE(head->find("text/event-stream"), std::string::npos) << *head;
  // The node started at genesis and scans every block: a resume from 0 reports no
  // gap, and the stream stays open.
  EXPECT_EQ(node_->ledger().Height(), 0u);
  ExpectRefused(Call("GET", "/v1/alerts/stream?last_event_id=x", token("reader")), 400, "invalid_argument",
                0);
  ExpectRefused(Call("GET", "/v1/alerts/stream", token("regulator")), 403, "forbidden", 0);
  auto recent = Call("GET", "/v1/alerts?after=0&limit=10", token("reader"));
  ASSERT_EQ(recent.status, 200) << recent.body;
  EXPECT_EQ(recent.Json()["alerts"], json::array());
}

TEST_F(CreditApiTest, RegulatorViewsAnswerFromState) {
  StartDefaultNode();
  const std::string regulator = token("regulator");
  auto members = Call("GET", "/v1/regulator/members", regulator);
  ASSERT_EQ(members.status, 200) << members.body;
  const json m = members.Json()["members"];
  ASSERT_EQ(m.size(), 5u);  // network init: member-0..3 and regulator-0
  EXPECT_EQ(m[0]["id"], "member-0");
  EXPECT_EQ(m[0]["role"], "member");
  EXPECT_EQ(m[0]["daily_quota"], 10000);
  EXPECT_EQ(m[0]["operates_validator"], true);
  EXPECT_EQ(m[0]["queries_today"]["used"], 0);
  EXPECT_EQ(m[4]["id"], "regulator-0");
  EXPECT_EQ(m[4]["role"], "regulator");

  auto stats = Call("GET", "/v1/regulator/stats", regulator);
  ASSERT_EQ(stats.status, 200) << stats.body;
  EXPECT_EQ(stats.Json()["members"]["active"], 4);
  EXPECT_EQ(stats.Json()["members"]["regulators"], 1);
  EXPECT_EQ(stats.Json()["parameters"]["retention_days"], 1825);

  auto compliance = Call("GET", "/v1/regulator/members/member-1/compliance?days=7", regulator);
  ASSERT_EQ(compliance.status, 200) << compliance.body;
  EXPECT_EQ(compliance.Json()["queries"]["per_day"].size(), 7u);
  ExpectRefused(Call("GET", "/v1/regulator/members/nobody/compliance", regulator), 404, "unknown_member", 0);
  ExpectRefused(Call("GET", "/v1/regulator/members/member-1/compliance?days=0", regulator), 400,
                "invalid_argument", 0);

  const uint64_t today = clock().WallMs() / contracts::kMsPerDay;
  auto audit = Call("GET",
                    "/v1/regulator/query-audit?member=member-2&from=" + wire::FormatDate(today - 30) +
                        "&to=" + wire::FormatDate(today),
                    regulator);
  ASSERT_EQ(audit.status, 200) << audit.body;
  EXPECT_EQ(audit.Json()["records"], json::array());
  ExpectRefused(Call("GET", "/v1/regulator/query-audit", regulator), 400, "missing_field", 0);
  ExpectRefused(Call("GET", "/v1/regulator/query-audit?member=member-2&from=yesterday", regulator), 400,
                "invalid_argument", 0);
  ExpectRefused(Call("GET",
                     "/v1/regulator/query-audit?member=member-2&from=" + wire::FormatDate(today - 6 * 365) +
                         "&to=" + wire::FormatDate(today),
                     regulator),
                400, "range_too_long", 0);

  auto proposals = Call("GET", "/v1/governance/proposals", token("reader"));
  ASSERT_EQ(proposals.status, 200) << proposals.body;
  EXPECT_EQ(proposals.Json()["proposals"], json::array());
  ExpectRefused(Call("GET", "/v1/governance/proposals/" + std::string(64, '2'), token("reader")), 404,
                "not_found", 0);
}

}  // namespace
}  // namespace cc::node::testing
