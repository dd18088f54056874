// Borrower checks (POST /v1/subjects/lookup, GET /v1/subjects/{key}) against a real
// node: the audit transaction is admitted before anything is answered, the raw ID
// never comes back, and every refusal is a 4xx JSON error that records nothing.
#include <fstream>

#include "common/hex.h"
#include "crypto/subject_key.h"
#include "tests/api/api_fixture.h"

namespace cc::node::testing {
namespace {

using nlohmann::json;

constexpr const char* kRawId = "11010519491231002X";

json LookupBody(const std::string& id = kRawId) {
  return json{{"id_type", "cn_resident_id"},
              {"id", id},
              {"purpose", "loan_application"},
              {"authorization_ref", "consent-2026-0001"}};
}

TEST_F(CreditApiTest, LookupHashesTheIdAndAdmitsTheAuditBeforeAnswering) {
  StartDefaultNode();
  const size_t before = node_->mempool().size();
  auto r = Call("POST", "/v1/subjects/lookup", token("reader"), LookupBody().dump());
  ASSERT_EQ(r.status, 200) << r.body;
  const json j = r.Json();
  auto expected = crypto::SubjectKey(alliance_secret(), "cn_resident_id", kRawId);
  ASSERT_TRUE(expected.ok());
  EXPECT_EQ(j["subject_key"], ToHex(*expected));
  EXPECT_EQ(r.body.find(kRawId), std::string::npos) << "the raw ID was echoed";
  EXPECT_EQ(r.body.find("110105"), std::string::npos) << "part of the raw ID was echoed";
  // The audit record is in the mempool, signed by this node's member.
  auto audit = FromHexSized(j["query"]["audit_tx_id"].get<std::string>(), 32);
  ASSERT_TRUE(audit.has_value());
  EXPECT_TRUE(node_->mempool().Contains(*audit));
  EXPECT_EQ(node_->mempool().size(), before + 1);
  EXPECT_EQ(j["query"]["member"], "member-0");
  EXPECT_EQ(j["query"]["purpose"], "loan_application");
  EXPECT_EQ(j["events"], json::array());
  EXPECT_EQ(j["blacklist"], json::array());
  EXPECT_EQ(j["risk"]["lenders_30d"], 0);
  EXPECT_EQ(j["quota"]["quota"], 10000);

  // The same ID written differently (lower-case x, spaces) is the same subject.
  auto again =
      Call("POST", "/v1/subjects/lookup", token("reader"), LookupBody("110105 19491231 002x").dump());
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(again.Json()["subject_key"], ToHex(*expected));
  EXPECT_EQ(node_->mempool().size(), before + 2);
}

TEST_F(CreditApiTest, LookupRefusesBadIdsWithTheirCodes) {
  StartDefaultNode();
  const size_t before = node_->mempool().size();
  json body = LookupBody("11010519491231002");  // 17 characters
  ExpectRefused(Call("POST", "/v1/subjects/lookup", token("reader"), body.dump()), 400, "format", before);
  body = LookupBody("110105194912310021");  // wrong check character
  ExpectRefused(Call("POST", "/v1/subjects/lookup", token("reader"), body.dump()), 400, "check_digit",
                before);
  body = LookupBody();
  body["id_type"] = "social_security";
  ExpectRefused(Call("POST", "/v1/subjects/lookup", token("reader"), body.dump()), 400, "unknown_id_type",
                before);
  auto r = Call("POST", "/v1/subjects/lookup", token("reader"), LookupBody("110105194912310021").dump());
  EXPECT_EQ(r.body.find("110105194912310021"), std::string::npos) << "an error echoed the raw ID";
}

TEST_F(CreditApiTest, LookupRequiresPurposeAndAuthorization) {
  StartDefaultNode();
  const size_t before = node_->mempool().size();
  for (const char* field : {"purpose", "authorization_ref", "id", "id_type"}) {
    json body = LookupBody();
    body.erase(field);
    auto r = Call("POST", "/v1/subjects/lookup", token("reader"), body.dump());
    ExpectRefused(r, 400, "missing_field", before);
    EXPECT_NE(r.Json()["error"]["message"].get<std::string>().find(field), std::string::npos) << r.body;
  }
  json body = LookupBody();
  body["purpose"] = "curiosity";
  auto r = Call("POST", "/v1/subjects/lookup", token("reader"), body.dump());
  ExpectRefused(r, 400, "invalid_argument", before);
  EXPECT_NE(r.body.find("purpose"), std::string::npos);
  body = LookupBody();
  body["authorization_ref"] = "";
  ExpectRefused(Call("POST", "/v1/subjects/lookup", token("reader"), body.dump()), 400, "invalid_argument",
                before);
  // A member may not query for the regulator's purpose: admission refuses the audit,
  // so the query is refused too.
  body = LookupBody();
  body["purpose"] = "regulator_audit";
  ExpectRefused(Call("POST", "/v1/subjects/lookup", token("reader"), body.dump()), 403, "not_authorized",
                before);
}

TEST_F(CreditApiTest, MalformedRequestsAreRefusedAndRecordNothing) {
  StartDefaultNode();
  const size_t before = node_->mempool().size();
  const std::string reader = token("reader");
  ExpectRefused(Call("POST", "/v1/subjects/lookup", reader, "{\"id_type\": "), 400, "malformed_json", before);
  ExpectRefused(Call("POST", "/v1/subjects/lookup", reader, "[1,2,3]"), 400, "wrong_type", before);
  json body = LookupBody();
  body["id"] = 110105194912310021ull;
  ExpectRefused(Call("POST", "/v1/subjects/lookup", reader, body.dump()), 400, "wrong_type", before);
  body = LookupBody();
  body["proofs"] = "yes";
  ExpectRefused(Call("POST", "/v1/subjects/lookup", reader, body.dump()), 400, "wrong_type", before);
  body = LookupBody();
  body["name"] = "Zhang San";
  ExpectRefused(Call("POST", "/v1/subjects/lookup", reader, body.dump()), 400, "unknown_field", before);
  ExpectRefused(Call("POST", "/v1/subjects/lookup", reader, LookupBody().dump(), "text/plain"), 415,
                "unsupported_media_type", before);
  ExpectRefused(Call("POST", "/v1/subjects/lookup?proof=true", reader, LookupBody().dump()), 400,
                "unknown_field", before);
  ExpectRefused(Call("POST", "/v1/subjects/lookup?proofs=maybe", reader, LookupBody().dump()), 400,
                "invalid_argument", before);
  // Oversized: announced larger than the limit; answered before the body is read.
  auto client = http::testing::TestClient::Connect(node_->http_port());
  ASSERT_NE(client, nullptr);
  ASSERT_TRUE(client->Send(http::testing::MakeRequest("POST", "/v1/subjects/lookup",
                                                      {{"Authorization", "Bearer " + reader},
                                                       {"Content-Type", "application/json"},
                                                       {"Content-Length", "5000000"}})));
  auto big = client->ReadResponse();
  ASSERT_TRUE(big.has_value());
  ExpectRefused(*big, 413, "body_too_large", before);
}

TEST_F(CreditApiTest, TokensAndRolesAreChecked) {
  StartDefaultNode();
  const size_t before = node_->mempool().size();
  const std::string body = LookupBody().dump();
  ExpectRefused(Call("POST", "/v1/subjects/lookup", "", body), 401, "unauthorized", before);
  ExpectRefused(Call("POST", "/v1/subjects/lookup", "cc_" + std::string(64, '0'), body), 401, "unauthorized",
                before);
  ExpectRefused(Call("POST", "/v1/subjects/lookup", token("writer"), body), 403, "forbidden", before);
  ExpectRefused(Call("POST", "/v1/events", token("reader"), EventRequest(std::string(64, 'b')).dump()), 403,
                "forbidden", before);
  ExpectRefused(Call("GET", "/v1/regulator/stats", token("reader"), ""), 403, "forbidden", before);
  ExpectRefused(Call("GET", "/v1/watchlist", token("regulator"), ""), 403, "forbidden", before);
  // Admin may call everything.
  EXPECT_EQ(Call("POST", "/v1/subjects/lookup", token("admin"), body).status, 200);
}

TEST_F(CreditApiTest, SubjectByKeyChecksItsParameters) {
  StartDefaultNode();
  const size_t before = node_->mempool().size();
  const std::string key(64, 'c');
  const std::string reader = token("reader");
  ExpectRefused(Call("GET", "/v1/subjects/" + key + "?authorization_ref=x", reader), 400, "missing_field",
                before);
  ExpectRefused(Call("GET", "/v1/subjects/" + key + "?purpose=loan_application", reader), 400,
                "missing_field", before);
  ExpectRefused(Call("GET", "/v1/subjects/abc?purpose=loan_application&authorization_ref=x", reader), 400,
                "invalid_argument", before);
  ExpectRefused(
      Call("GET", "/v1/subjects/" + key + "?purpose=loan_application&authorization_ref=x&limit=5", reader),
      400, "unknown_field", before);
  auto r = Call(
      "GET", "/v1/subjects/" + key + "?purpose=post_loan_monitoring&authorization_ref=x&proofs=true", reader);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Json()["subject_key"], key);
  EXPECT_EQ(node_->mempool().size(), before + 1);
}

TEST_F(CreditApiTest, QuotaExceededIsRefusedBeforeAnyAudit) {
  // A genesis whose daily query quota is 0.
  std::ifstream in(net_dir() + "/genesis.json");
  json genesis = json::parse(in);
  genesis["parameters"]["daily_query_quota"] = 0;
  const std::string path = test_dir() + "/genesis-no-quota.json";
  std::ofstream(path) << genesis.dump(2);
  node_ = StartNode(Config("data", [&](NodeConfig& c) { c.genesis_file = path; }));
  ASSERT_NE(node_, nullptr);
  const size_t before = node_->mempool().size();
  auto r = Call("POST", "/v1/subjects/lookup", token("reader"), LookupBody().dump());
  ExpectRefused(r, 429, "quota_exceeded", before);
  ExpectRefused(
      Call("GET", "/v1/subjects/" + std::string(64, 'd') + "?purpose=loan_application&authorization_ref=x",
           token("reader")),
      429, "quota_exceeded", before);
}

TEST_F(CreditApiTest, QuotaCountsAnsweredQueriesWhoseAuditsAreNotCommitted) {
  // Quota 2; this node cannot commit, so both answered queries stay pending.
  std::ifstream in(net_dir() + "/genesis.json");
  json genesis = json::parse(in);
  genesis["parameters"]["daily_query_quota"] = 2;
  const std::string path = test_dir() + "/genesis-quota-2.json";
  std::ofstream(path) << genesis.dump(2);
  node_ = StartNode(Config("data", [&](NodeConfig& c) { c.genesis_file = path; }));
  ASSERT_NE(node_, nullptr);
  EXPECT_EQ(Call("POST", "/v1/subjects/lookup", token("reader"), LookupBody().dump()).status, 200);
  // A refused audit does not use the quota.
  json refused = LookupBody();
  refused["purpose"] = "regulator_audit";
  EXPECT_EQ(Call("POST", "/v1/subjects/lookup", token("reader"), refused.dump()).status, 403);
  EXPECT_EQ(Call("POST", "/v1/subjects/lookup", token("reader"), LookupBody().dump()).status, 200);
  const size_t before = node_->mempool().size();
  ExpectRefused(Call("POST", "/v1/subjects/lookup", token("reader"), LookupBody().dump()), 429,
                "quota_exceeded", before);
}

TEST_F(CreditApiTest, NodeWithoutMemberKeyOrSecretRefusesQueries) {
  node_ = StartNode(Config("data", [](NodeConfig& c) {
    c.member_id.clear();
    c.member_key_file.clear();
    c.alliance_secret_file.clear();
  }));
  ASSERT_NE(node_, nullptr);
  const size_t before = node_->mempool().size();
  ExpectRefused(Call("POST", "/v1/subjects/lookup", token("reader"), LookupBody().dump()), 503,
                "no_alliance_secret", before);
  ExpectRefused(
      Call("GET", "/v1/subjects/" + std::string(64, 'e') + "?purpose=loan_application&authorization_ref=x",
           token("reader")),
      503, "no_member_key", before);
  ExpectRefused(Call("POST", "/v1/events", token("writer"), EventRequest(std::string(64, 'e')).dump()), 503,
                "no_member_key", before);
}

}  // namespace
}  // namespace cc::node::testing
