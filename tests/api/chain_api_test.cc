// The chain endpoints on a FakeBackend (no network, no daemon), called through
// the real request pipeline (http::Dispatcher: routing, tokens, roles).
//
// Each refusal test checks that nothing was admitted: a request the API refuses
// changes nothing.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "api/api.h"
#include "common/hex.h"
#include "crypto/api_token.h"
#include "crypto/hash.h"
#include "http/dispatcher.h"
#include "proto/canonical.h"
#include "tests/api/fake_backend.h"
#include "tests/support/temp_dir.h"
#include "wire/credit_json.h"

namespace cc::api::testing {
namespace {

using nlohmann::json;

class ChainApiTest : public ::testing::Test {
 protected:
  ChainApiTest() : clock_(kFakeStartMs), backend_(clock_) {
    monitor::Monitor::Options mopts;
    mopts.watchlist_path = dir_.Sub("watchlist");
    mopts.member_id = backend_.member_id();
    monitor_ = monitor::Monitor::Create(std::move(mopts), backend_.ledger(), backend_.state(), std::nullopt);
    monitor_->Start();
    http::Router router;
    RegisterRoutes(router, backend_, *monitor_);
    std::vector<http::TokenEntry> entries;
    for (const auto& [role_name, role] : {std::pair<const char*, http::Role>{"writer", http::Role::kWriter},
                                          {"reader", http::Role::kReader},
                                          {"regulator", http::Role::kRegulator}}) {
      entries.push_back({role_name, role, crypto::HashApiToken(std::string("token-") + role_name)});
    }
    tokens_ = std::move(http::TokenStore::Create(std::move(entries))).value();
    dispatcher_ = std::make_unique<http::Dispatcher>(std::move(router), &tokens_, nullptr);
  }
  ~ChainApiTest() override { monitor_->Stop(); }

  http::Response Call(const std::string& method, const std::string& target, const std::string& role,
                      const std::string& body = "", const std::string& content_type = "application/json") {
    http::Request req;
    req.method = method;
    req.target = target;
    req.body = body;
    req.remote_address = "127.0.0.1:1";
    req.headers.emplace_back("Authorization", "Bearer token-" + role);
    if (!content_type.empty()) req.headers.emplace_back("Content-Type", content_type);
    return dispatcher_->Handle(req);
  }

  static json Body(const http::Response& r) { return json::parse(r.body); }

  // A valid POST /v1/tx JSON body: a signed loan_opened event from bank-b.
  std::string TxJson(uint64_t nonce) {
    const std::string raw = backend_.Sign(backend_.EventBody(crypto::Blake2b256("subject"), nonce), "bank-b");
    return json{{"tx", ToHex(raw)}}.dump();
  }

  void ExpectRefusedAndNothingAdmitted(const http::Response& r, int status, const std::string& code) {
    EXPECT_EQ(r.status, status) << r.body;
    EXPECT_EQ(Body(r)["error"]["code"], code) << r.body;
    EXPECT_EQ(backend_.submitted(), 0u) << "a refused request admitted a transaction";
    EXPECT_EQ(backend_.ledger().Height(), 0u) << "a refused request committed a block";
  }

  cc::testing::TempDir dir_;
  FakeClock clock_;
  FakeBackend backend_;
  std::unique_ptr<monitor::Monitor> monitor_;
  http::TokenStore tokens_;
  std::unique_ptr<http::Dispatcher> dispatcher_;
};

TEST_F(ChainApiTest, SubmitWaitsForTheCommitAndAnswersWithTheProof) {
  auto r = Call("POST", "/v1/tx?wait=commit&timeout_ms=60000", "writer", TxJson(1));
  ASSERT_EQ(r.status, 200) << r.body;
  const json body = Body(r);
  EXPECT_EQ(body["status"], "committed");
  EXPECT_EQ(body["height"], 1);
  EXPECT_EQ(body["receipt"]["code"], "ok");
  EXPECT_TRUE(body.contains("proof"));
  EXPECT_EQ(backend_.ledger().Height(), 1u);
}

TEST_F(ChainApiTest, TimeoutOverTheLimitIsRefusedBeforeAdmission) {
  ExpectRefusedAndNothingAdmitted(Call("POST", "/v1/tx?wait=commit&timeout_ms=60001", "writer", TxJson(1)),
                                  400, "invalid_argument");
}

TEST_F(ChainApiTest, TimeoutThatIsNotANumberIsRefusedBeforeAdmission) {
  ExpectRefusedAndNothingAdmitted(Call("POST", "/v1/tx?wait=commit&timeout_ms=abc", "writer", TxJson(1)), 400,
                                  "invalid_argument");
}

TEST_F(ChainApiTest, WaitOtherThanCommitIsRefusedBeforeAdmission) {
  ExpectRefusedAndNothingAdmitted(Call("POST", "/v1/tx?wait=forever", "writer", TxJson(1)), 400,
                                  "invalid_argument");
}

TEST_F(ChainApiTest, UnknownQueryParameterOnSubmitIsRefusedBeforeAdmission) {
  ExpectRefusedAndNothingAdmitted(Call("POST", "/v1/tx?wiat=commit", "writer", TxJson(1)), 400,
                                  "unknown_field");
  ExpectRefusedAndNothingAdmitted(Call("POST", "/v1/txs?dry_run=true", "writer",
                                       json{{"txs", json::array({json::parse(TxJson(1))["tx"]})}}.dump()),
                                  400, "unknown_field");
}

TEST_F(ChainApiTest, UnknownQueryParametersOnReadEndpointsAreRefused) {
  ASSERT_EQ(Call("POST", "/v1/tx", "writer", TxJson(1)).status, 202);
  for (const char* target : {"/v1/status?verbose=1", "/v1/blocks/1?proof=true", "/v1/blocks/latest?x",
                             "/healthz?probe=1", "/readyz?x=1", "/metrics?format=json"}) {
    auto r = Call("GET", target, "reader");
    EXPECT_EQ(r.status, 400) << target << ": " << r.body;
    EXPECT_EQ(Body(r)["error"]["code"], "unknown_field") << target;
  }
  auto full = Call("GET", "/v1/blocks/1?full=maybe", "reader");
  EXPECT_EQ(full.status, 400);
  EXPECT_EQ(Body(full)["error"]["code"], "invalid_argument");
  auto ok = Call("GET", "/v1/blocks/1?full=true", "reader");
  EXPECT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(Body(ok)["txs"].size(), 1u);
}

TEST_F(ChainApiTest, OtherMediaTypesAre415AndNameBothAcceptedTypes) {
  for (const char* type : {"text/plain", "application/xml", "application/x-protobufs", "application", ""}) {
    auto r = Call("POST", "/v1/tx", "writer", TxJson(1), type);
    EXPECT_EQ(r.status, 415) << "Content-Type '" << type << "': " << r.body;
    const std::string message = Body(r)["error"]["message"];
    EXPECT_NE(message.find("application/json"), std::string::npos) << message;
    EXPECT_NE(message.find("application/x-protobuf"), std::string::npos) << message;
  }
  EXPECT_EQ(backend_.submitted(), 0u);
  auto batch = Call("POST", "/v1/txs", "writer", "{}", "text/plain");
  EXPECT_EQ(batch.status, 415) << batch.body;
}

TEST_F(ChainApiTest, CharsetsOtherThanUtf8AreRefused) {
  for (const char* type : {"application/json; charset=utf-16", "application/json;charset=ISO-8859-1",
                           "application/json; charset=\"utf-32\""}) {
    auto r = Call("POST", "/v1/tx", "writer", TxJson(1), type);
    EXPECT_EQ(r.status, 415) << type << ": " << r.body;
    EXPECT_EQ(Body(r)["error"]["code"], "unsupported_media_type");
  }
  EXPECT_EQ(backend_.submitted(), 0u);
  auto utf8 = Call("POST", "/v1/tx", "writer", TxJson(1), "Application/JSON; Charset=\"UTF-8\"");
  EXPECT_EQ(utf8.status, 202) << utf8.body;
}

TEST_F(ChainApiTest, ProtobufBodiesAreAccepted) {
  const std::string raw = backend_.Sign(backend_.EventBody(crypto::Blake2b256("subject"), 7), "bank-b");
  auto r = Call("POST", "/v1/tx", "writer", raw, "application/x-protobuf");
  EXPECT_EQ(r.status, 202) << r.body;
  EXPECT_EQ(Body(r)["tx_id"], ToHex(proto::TxId(raw)));
}

TEST_F(ChainApiTest, BatchSubmitAnswersEachTransactionInOrder) {
  backend_.set_auto_commit(false);
  const std::string first = json::parse(TxJson(1))["tx"];
  const std::string second = json::parse(TxJson(2))["tx"];
  const json txs = json::array({first, "not hex", first, second});
  auto r = Call("POST", "/v1/txs", "writer", json{{"txs", txs}}.dump());
  ASSERT_EQ(r.status, 207) << r.body;
  const json body = Body(r);
  EXPECT_EQ(body["accepted"], 2);
  ASSERT_EQ(body["results"].size(), 4u);
  EXPECT_EQ(body["results"][0]["code"], "ok");
  EXPECT_EQ(body["results"][1]["code"], "wrong_type");
  EXPECT_FALSE(body["results"][1].contains("tx_id"));
  EXPECT_EQ(body["results"][2]["code"], "duplicate");
  EXPECT_EQ(body["results"][2]["tx_id"], body["results"][0]["tx_id"]);
  EXPECT_EQ(body["results"][3]["code"], "ok");
  EXPECT_EQ(backend_.submitted(), 2u);
}

TEST_F(ChainApiTest, PendingTransactionsAreReportedAsPending) {
  backend_.set_auto_commit(false);
  auto r = Call("POST", "/v1/tx?wait=commit&timeout_ms=0", "writer", TxJson(1));
  ASSERT_EQ(r.status, 202) << r.body;
  EXPECT_EQ(Body(r)["timed_out"], true);
  const std::string id = Body(r)["tx_id"];
  EXPECT_EQ(Body(Call("GET", "/v1/tx/" + id, "reader"))["status"], "pending");
  ASSERT_EQ(backend_.CommitPending(), 1u);
  EXPECT_EQ(Body(Call("GET", "/v1/tx/" + id, "reader"))["status"], "committed");
}

// The report's lender windows are judged from the clock the node reads, not from
// today's date: the same story gives the same answer in any year.
TEST_F(ChainApiTest, RiskWindowsFollowTheClockNotTheCalendar) {
  const std::string subject = crypto::Blake2b256("borrower");
  const std::string path =
      "/v1/subjects/" + ToHex(subject) + "?purpose=loan_application&authorization_ref=consent-1";
  uint64_t nonce = 100;
  auto report_both = [&] {
    const uint64_t today = clock_.WallMs() / contracts::kMsPerDay;
    json event{{"subject_key", ToHex(subject)},
               {"event_type", "loan_opened"},
               {"loan_ref", "L-" + std::to_string(nonce)},
               {"amount_minor", 100000},
               {"currency", "CNY"},
               {"event_date", wire::FormatDate(today - 3)},
               {"record_hash", ToHex(crypto::Blake2b256("file"))}};
    auto a = Call("POST", "/v1/events?wait=commit", "writer", event.dump());
    ASSERT_EQ(a.status, 200) << a.body;
    ASSERT_EQ(Body(a)["receipt"]["code"], "ok") << a.body;
    pb::TxBody b = backend_.EventBody(subject, ++nonce);
    b.mutable_record_event()->set_event_day(static_cast<uint32_t>(today - 2));
    auto r =
        Call("POST", "/v1/tx?wait=commit", "writer", json{{"tx", ToHex(backend_.Sign(b, "bank-b"))}}.dump());
    ASSERT_EQ(r.status, 200) << r.body;
    ASSERT_EQ(Body(r)["receipt"]["code"], "ok") << r.body;
  };
  auto risk = [&] {
    auto r = Call("GET", path, "reader");
    EXPECT_EQ(r.status, 200) << r.body;
    return Body(r)["risk"];
  };

  report_both();
  EXPECT_EQ(risk()["lenders_30d"], 2);
  clock_.Advance(std::chrono::hours(24 * 40));
  EXPECT_EQ(risk()["lenders_30d"], 0);
  EXPECT_EQ(risk()["lenders_90d"], 2);

  clock_.Advance(std::chrono::hours(24 * 3650));  // ten years on: the same story, the same answer
  report_both();
  EXPECT_EQ(risk()["lenders_30d"], 2);
  EXPECT_EQ(risk()["lenders_180d"], 2);
}

}  // namespace
}  // namespace cc::api::testing
