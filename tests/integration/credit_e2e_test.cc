// The credit ledger end to end on a real local network (issue 5, "Must show"):
// 4 validators + 1 regulator observer, real creditd processes, real creditctl.
//
//   - members 0 and 1 report events for one borrower through their own nodes
//     (POST /v1/events?wait=commit, signed by each node's member key);
//   - member 2's risk team looks the borrower up by raw ID on member 2's node with
//     proofs, gets both events, and every proof verifies offline with
//     `creditctl verify-proof FILE --genesis G` (a tampered copy does not);
//   - the query shows in the subject's query records and in the regulator's audit
//     view on the observer;
//   - member 0's node watches the borrower; when member 1 records a default, member
//     0's alert stream delivers it (and `creditctl alerts` replays it).
//
// The steps go through the HTTP API and through the real creditctl (watch add,
// report-event, subject, verify-proof, alerts, lookup). Reuses the integration
// harness (TestNetwork, ChildProcess, RunCommand).
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <thread>

#include "cli/http_client.h"
#include "common/clock.h"
#include "common/hex.h"
#include "contracts/records.h"
#include "crypto/keys.h"
#include "crypto/subject_key.h"
#include "tests/integration/test_network.h"
#include "wire/credit_json.h"

namespace cc::integration {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

constexpr const char* kBorrowerId = "11010519491231002X";  // a valid cn_resident_id
constexpr auto kDeadline = std::chrono::seconds(60);

// "YYYY-MM-DD", `days` before today by the clock the nodes read too (the system
// clock: these are real processes). Events dated from it stay inside the report's
// 30-day window on any date; a fixed date falls out of it a month later.
std::string DaysAgo(int days) {
  return wire::FormatDate(SystemClock::Get().WallMs() / contracts::kMsPerDay - static_cast<uint64_t>(days));
}

// A JSON call to one node; the test fails (and the result is null) on no answer.
struct Answer {
  int status = 0;
  json body;
};

Answer CallJson(uint16_t port, const std::string& token, const std::string& method, const std::string& target,
                const json& body = nullptr) {
  cli::HttpClient client("127.0.0.1", port, std::chrono::milliseconds(30000));
  auto r = client.Send(method, target, token, body.is_null() ? "" : body.dump());
  EXPECT_TRUE(r.ok()) << method << " " << target << ": " << r.status().ToString();
  if (!r.ok()) return {};
  Answer a{r->status, json::parse(r->body, nullptr, false)};
  return a;
}

// Reads one node's alert stream (GET /v1/alerts/stream) over a plain socket.
class AlertStream {
 public:
  ~AlertStream() {
    if (fd_ >= 0) ::close(fd_);
  }
  // Connects and waits for the 200 head: once it is read, the node has
  // registered the subscriber, so no later alert can be missed.
  bool Open(uint16_t port, const std::string& token) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) return false;
    const std::string req = "GET /v1/alerts/stream HTTP/1.1\r\nHost: test\r\nAuthorization: Bearer " + token +
                            "\r\nAccept: text/event-stream\r\n\r\n";
    if (::send(fd_, req.data(), req.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(req.size())) return false;
    auto head = ReadUntil("\r\n\r\n", Clock::now() + std::chrono::seconds(10));
    return head && head->rfind("HTTP/1.1 200", 0) == 0;
  }
  // The data of the next "alert" event before `deadline`, skipping keep-alives.
  std::optional<json> NextAlert(Clock::time_point deadline) {
    for (;;) {
      auto event = ReadUntil("\n\n", deadline);
      if (!event) return std::nullopt;
      if (event->find("event: alert\n") == std::string::npos) continue;
      const size_t data = event->find("data: ");
      if (data == std::string::npos) continue;
      return json::parse(event->substr(data + 6, event->find('\n', data) - data - 6), nullptr, false);
    }
  }

 private:
  std::optional<std::string> ReadUntil(const std::string& marker, Clock::time_point deadline) {
    size_t at;
    while ((at = buffer_.find(marker)) == std::string::npos) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
      if (left <= 0) return std::nullopt;
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left)) <= 0) continue;
      char buf[4096];
      const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) return std::nullopt;
      buffer_.append(buf, static_cast<size_t>(n));
    }
    std::string out = buffer_.substr(0, at + marker.size());
    buffer_.erase(0, at + marker.size());
    return out;
  }

  int fd_ = -1;
  std::string buffer_;
};

class CreditEndToEnd : public ::testing::Test {
 protected:
  void SetUp() override {
    auto net = TestNetwork::Create();
    ASSERT_TRUE(net.ok()) << net.status().ToString();
    net_ = std::move(net).value();
    std::ifstream in(net_->net_dir() + "/tokens.json");
    tokens_ = json::parse(in, nullptr, false);
    ASSERT_TRUE(tokens_.is_object());
    Status st = net_->StartAll();
    ASSERT_TRUE(st.ok()) << st.ToString();
    st = net_->WaitAllReady(kDeadline);
    ASSERT_TRUE(st.ok()) << st.ToString();
  }
  void TearDown() override {
    if (net_ && HasFailure()) std::cout << "network folder: " << net_->dir() << "\n" << net_->AllLogTails(60);
    net_.reset();
  }

  std::string Token(const std::string& role) const { return tokens_[role].get<std::string>(); }
  uint16_t Port(size_t node) const { return net_->node(node).http_port; }
  std::string Url(size_t node) const { return "http://127.0.0.1:" + std::to_string(Port(node)); }
  std::string Genesis() const { return net_->net_dir() + "/genesis.json"; }

  // POST /v1/events?wait=commit on `node`; returns the committed tx id (hex).
  std::string Report(size_t node, const std::string& subject_hex, const std::string& type,
                     const std::string& loan) {
    json body{{"subject_key", subject_hex},
              {"event_type", type},
              {"loan_ref", loan},
              {"amount_minor", 5'000'000},
              {"currency", "CNY"},
              {"event_date", DaysAgo(3)},
              {"record_hash", ToHex(crypto::RandomBytes(32))}};
    Answer a = CallJson(Port(node), Token("writer"), "POST", "/v1/events?wait=commit&timeout_ms=30000", body);
    EXPECT_EQ(a.status, 200) << a.body.dump();
    EXPECT_EQ(a.body["status"], "committed") << a.body.dump();
    EXPECT_EQ(a.body["receipt"]["code"], "ok") << a.body.dump();
    return a.body.value("tx_id", "");
  }

  // Polls GET /v1/tx/{id} on `node` until it is committed there.
  bool WaitCommitted(size_t node, const std::string& tx_hex) {
    const auto deadline = Clock::now() + kDeadline;
    auto api = net_->Api(node);
    while (Clock::now() < deadline) {
      auto t = api->Tx(tx_hex);
      if (t.ok() && t->committed) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
  }

  std::unique_ptr<TestNetwork> net_;
  json tokens_;
};

TEST_F(CreditEndToEnd, TwoMembersReportAThirdChecksWithProofsTheRegulatorAuditsAWatcherIsAlerted) {
  auto secret = crypto::LoadSecretFile(net_->net_dir() + "/secrets/alliance.secret");
  ASSERT_TRUE(secret.ok()) << secret.status().ToString();
  auto subject = crypto::SubjectKey(*secret, "cn_resident_id", kBorrowerId);
  ASSERT_TRUE(subject.ok());
  const std::string subject_hex = ToHex(*subject);
  const size_t kObserver = net_->validators();

  // Member 0 watches the borrower (node-local) and listens to its alert stream.
  auto watch = RunCommand(net_->creditctl(), {"watch", "add", "--node", Url(0), "--token", Token("reader"),
                                              "--key", subject_hex, "--note", "L-0001"});
  ASSERT_TRUE(watch.exit.exited && watch.exit.code == 0) << watch.output;
  EXPECT_NE(watch.output.find("\"created\":true"), std::string::npos) << watch.output;
  AlertStream alerts;
  ASSERT_TRUE(alerts.Open(Port(0), Token("reader")));

  // Members 0 and 1 report, each through its own node (member 1 with creditctl).
  const std::string event0 = Report(0, subject_hex, "loan_opened", "L-0001");
  auto reported =
      RunCommand(net_->creditctl(),
                 {"report-event", "--node", Url(1), "--token", Token("writer"), "--subject-key", subject_hex,
                  "--event", "loan_opened", "--loan-ref", "M1-778", "--amount", "5000000", "--date",
                  DaysAgo(2), "--record-hash", "member-1 loan file M1-778", "--wait"});
  ASSERT_TRUE(reported.exit.exited && reported.exit.code == 0) << reported.output;
  const json answer1 = json::parse(reported.output, nullptr, false);
  ASSERT_TRUE(answer1.is_object()) << reported.output;
  EXPECT_EQ(answer1["receipt"]["code"], "ok") << reported.output;
  const std::string event1 = answer1.value("tx_id", "");
  ASSERT_FALSE(event0.empty());
  ASSERT_FALSE(event1.empty());

  // Member 2's risk team: lookup by raw ID on its own node, with proofs.
  json lookup{{"id_type", "cn_resident_id"},
              {"id", kBorrowerId},
              {"purpose", "loan_application"},
              {"authorization_ref", "consent/2026/000123"},
              {"proofs", true}};
  WaitCommitted(2, event1);
  Answer report = CallJson(Port(2), Token("reader"), "POST", "/v1/subjects/lookup", lookup);
  ASSERT_EQ(report.status, 200) << report.body.dump();
  EXPECT_EQ(report.body["subject_key"], subject_hex);
  ASSERT_EQ(report.body["events"].size(), 2u) << report.body.dump();
  std::set<std::string> reporters, ids;
  for (const auto& e : report.body["events"]) {
    reporters.insert(e["reporter"].get<std::string>());
    ids.insert(e["tx_id"].get<std::string>());
  }
  EXPECT_EQ(reporters, (std::set<std::string>{"member-0", "member-1"}));
  EXPECT_EQ(ids, (std::set<std::string>{event0, event1}));
  EXPECT_EQ(report.body["risk"]["lenders_30d"], 2);
  EXPECT_EQ(report.body["query"]["member"], "member-2");
  const std::string audit_tx = report.body["query"]["audit_tx_id"].get<std::string>();

  // Every proof verifies offline against the genesis validator set; a tampered copy
  // does not.
  int proof_no = 0;
  for (const auto& e : report.body["events"]) {
    ASSERT_TRUE(e["proof"].is_object()) << e.dump();
    const std::string file = net_->dir() + "/proof-" + std::to_string(proof_no++) + ".json";
    std::ofstream(file) << e["proof"].dump(2);
    auto ok = RunCommand(net_->creditctl(), {"verify-proof", file, "--genesis", Genesis()});
    EXPECT_TRUE(ok.exit.exited && ok.exit.code == 0) << ok.exit.ToString() << "\n" << ok.output;
    EXPECT_NE(ok.output.find("proof valid: tx " + e["tx_id"].get<std::string>()), std::string::npos)
        << ok.output;

    json tampered = e["proof"];
    std::string tx = tampered["tx"].get<std::string>();
    tx[tx.size() / 2] = tx[tx.size() / 2] == '0' ? '1' : '0';  // one hex digit of the transaction
    tampered["tx"] = tx;
    const std::string bad = file + ".tampered";
    std::ofstream(bad) << tampered.dump(2);
    auto refused = RunCommand(net_->creditctl(), {"verify-proof", bad, "--genesis", Genesis()});
    EXPECT_TRUE(refused.exit.exited && refused.exit.code == 1) << refused.exit.ToString() << "\n"
                                                               << refused.output;
    EXPECT_NE(refused.output.find("proof INVALID"), std::string::npos) << refused.output;

    // A proof whose tx_id names another transaction than the one it carries.
    json renamed = e["proof"];
    renamed["tx_id"] = ToHex(crypto::RandomBytes(32));
    const std::string other = file + ".renamed";
    std::ofstream(other) << renamed.dump(2);
    auto misnamed = RunCommand(net_->creditctl(), {"verify-proof", other, "--genesis", Genesis()});
    EXPECT_TRUE(misnamed.exit.exited && misnamed.exit.code == 1) << misnamed.exit.ToString() << "\n"
                                                                 << misnamed.output;
    EXPECT_NE(misnamed.output.find("proof INVALID: tx_id_mismatch"), std::string::npos) << misnamed.output;
  }

  // The query is on the ledger: in the subject's query records...
  ASSERT_TRUE(WaitCommitted(2, audit_tx)) << "the query audit " << audit_tx << " did not commit";
  auto subject_cli = RunCommand(
      net_->creditctl(), {"subject", "--node", Url(2), "--token", Token("reader"), "--key", subject_hex,
                          "--purpose", "loan_application", "--authorization-ref", "consent-2"});
  ASSERT_TRUE(subject_cli.exit.exited && subject_cli.exit.code == 0) << subject_cli.output;
  const json again = json::parse(subject_cli.output, nullptr, false);
  ASSERT_TRUE(again.is_object()) << subject_cli.output;
  bool listed = false;
  for (const auto& q : again["queries"]) {
    if (q["tx_id"] == audit_tx) {
      listed = true;
      EXPECT_EQ(q["member"], "member-2");
      EXPECT_EQ(q["purpose"], "loan_application");
    }
  }
  EXPECT_TRUE(listed) << again["queries"].dump();

  // ...and in the regulator's audit view on the observer.
  ASSERT_TRUE(WaitCommitted(kObserver, audit_tx));
  Answer audit =
      CallJson(Port(kObserver), Token("regulator"), "GET", "/v1/regulator/query-audit?member=member-2");
  ASSERT_EQ(audit.status, 200) << audit.body.dump();
  bool audited = false;
  for (const auto& r : audit.body["records"]) {
    if (r["tx_id"] == audit_tx) {
      audited = true;
      EXPECT_EQ(r["subject_key"], subject_hex);
      EXPECT_EQ(r["purpose"], "loan_application");
    }
  }
  EXPECT_TRUE(audited) << audit.body.dump();

  // Member 1 records a default: member 0's stream delivers the alert. Its own
  // report and member 1's loan_opened raised none, so this is the first one.
  const std::string default_tx = Report(1, subject_hex, "default", "M1-778");
  auto alert = alerts.NextAlert(Clock::now() + kDeadline);
  ASSERT_TRUE(alert.has_value()) << "no alert within the deadline";
  EXPECT_EQ((*alert)["kind"], "negative_event") << alert->dump();
  EXPECT_EQ((*alert)["event_type"], "default");
  EXPECT_EQ((*alert)["reporter"], "member-1");
  EXPECT_EQ((*alert)["subject_key"], subject_hex);
  EXPECT_EQ((*alert)["tx_id"], default_tx);

  // creditctl alerts replays it from the node's recent alerts.
  auto replay = RunCommand(
      net_->creditctl(),
      {"alerts", "--node", Url(0), "--token", Token("reader"), "--last-event-id",
       std::to_string((*alert)["alert_id"].get<uint64_t>() - 1), "--count", "1", "--timeout", "30"});
  EXPECT_TRUE(replay.exit.exited && replay.exit.code == 0) << replay.exit.ToString() << "\n" << replay.output;
  EXPECT_NE(replay.output.find(default_tx), std::string::npos) << replay.output;

  // creditctl lookup by raw ID on member 3's node sees all three events.
  ASSERT_TRUE(WaitCommitted(3, default_tx));
  auto cli_lookup =
      RunCommand(net_->creditctl(), {"lookup", "--node", Url(3), "--token", Token("reader"), "--id-type",
                                     "cn_resident_id", "--id", kBorrowerId, "--purpose",
                                     "post_loan_monitoring", "--authorization-ref", "consent-3"});
  ASSERT_TRUE(cli_lookup.exit.exited && cli_lookup.exit.code == 0) << cli_lookup.output;
  EXPECT_NE(cli_lookup.output.find(default_tx), std::string::npos);
  EXPECT_EQ(cli_lookup.output.find(kBorrowerId), std::string::npos) << "the raw ID came back";
}

}  // namespace
}  // namespace cc::integration
