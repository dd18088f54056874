// Every request body and query string of the HTTP API's write routes, through the
// real request pipeline (http::Dispatcher: target parsing, routing, bearer tokens,
// roles, strict JSON) to the api/ handlers, over the API tests' FakeBackend (a real
// MemoryLedger with real contracts; tests/api/fake_backend.h) and a real Monitor
// watchlist.
//
// Input: route (U8), caller (U8: a writer, reader, regulator or admin token, no
// token, or a fuzzed Authorization header), Content-Type (U8: JSON, JSON with a
// charset, protobuf, none, text/plain, or fuzzed), the path parameter (Bytes, raw:
// it is pasted into the path undecoded), the query string (Bytes), then the body
// (Rest). The last route takes any method and the path parameter as the whole path,
// so every other route's target parsing and query checks are reached too.
//
// Checks: no handler throws (the dispatcher would answer 500 "internal"); every
// JSON answer parses, and an error answer carries {"error": {"code", "message"}};
// a refused request (4xx/5xx) changes nothing: no transaction submitted or
// committed, the watchlist unchanged. The world is rebuilt after any input that
// changed it, so every input starts from the same state.
#include <google/protobuf/stubs/logging.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "api/api.h"
#include "common/hex.h"
#include "common/log.h"
#include "crypto/api_token.h"
#include "crypto/hash.h"
#include "fuzz/fuzz_input.h"
#include "http/dispatcher.h"
#include "monitor/monitor.h"
#include "proto/canonical.h"
#include "tests/api/fake_backend.h"

namespace cc::fuzz {
namespace {

using api::testing::FakeBackend;
using nlohmann::json;

struct Route {
  const char* method;
  const char* path;  // "{}" is where the path parameter goes
};
constexpr Route kRoutes[] = {
    {"POST", "/v1/tx"},
    {"POST", "/v1/txs"},
    {"POST", "/v1/subjects/lookup"},
    {"POST", "/v1/events"},
    {"POST", "/v1/events/{}/amendments"},
    {"POST", "/v1/blacklist"},
    {"POST", "/v1/blacklist/{}/removal"},
    {"DELETE", "/v1/blacklist/{}"},
    {"POST", "/v1/governance/proposals"},
    {"POST", "/v1/governance/proposals/{}/approvals"},
    {"POST", "/v1/regulatory-actions"},
    {"PUT", "/v1/watchlist/{}"},
    {"DELETE", "/v1/watchlist/{}"},
};
constexpr size_t kRouteCount = sizeof(kRoutes) / sizeof(kRoutes[0]);
constexpr const char* kAnyMethods[] = {"GET", "POST", "PUT", "DELETE", "PATCH"};
constexpr const char* kRoles[] = {"writer", "reader", "regulator", "admin"};
constexpr const char* kContentTypes[] = {"application/json", "application/json; charset=utf-8",
                                         "application/x-protobuf", "", "text/plain"};

// A directory for the watchlist database, on tmpfs when there is one (every
// watchlist write is synced), removed at exit.
struct ScratchDir {
  ScratchDir() {
    const std::string base =
        std::filesystem::exists("/dev/shm") ? "/dev/shm" : std::filesystem::temp_directory_path().string();
    std::string tmpl = base + "/cc-api-fuzz-XXXXXX";
    if (mkdtemp(tmpl.data()) == nullptr) std::abort();
    path = tmpl;
  }
  ~ScratchDir() { std::filesystem::remove_all(path); }
  std::string path;
};

std::string& LastException() {
  static std::string text;
  return text;
}

// The backend, its monitor and the dispatcher, with a few committed transactions
// and one watched subject, so paths can name things that exist.
class World {
 public:
  explicit World(const std::string& dir)
      : watchlist_path_(dir + "/watchlist"), clock_(api::testing::kFakeStartMs), backend_(clock_) {
    std::filesystem::remove_all(WatchlistPath());
    monitor::Monitor::Options mopts;
    mopts.watchlist_path = WatchlistPath();
    mopts.member_id = backend_.member_id();
    monitor_ = monitor::Monitor::Create(std::move(mopts), backend_.ledger(), backend_.state(), std::nullopt);
    if (monitor_->watchlist() == nullptr) std::abort();
    http::Router router;
    api::RegisterRoutes(router, backend_, *monitor_);
    std::vector<http::TokenEntry> entries;
    for (const char* role : kRoles) {
      entries.push_back({role, *http::ParseRole(role), crypto::HashApiToken(std::string("token-") + role)});
    }
    tokens_ = std::move(http::TokenStore::Create(std::move(entries))).value();
    dispatcher_ = std::make_unique<http::Dispatcher>(
        std::move(router), &tokens_, nullptr, [](std::string_view m) { LastException() = std::string(m); });
    Populate();
    base_ = Snapshot();
  }
  ~World() {
    dispatcher_.reset();
    monitor_.reset();
    std::filesystem::remove_all(WatchlistPath());
  }

  struct State {
    size_t submitted = 0;
    uint64_t height = 0;
    size_t watched = 0;
    bool operator==(const State&) const = default;
  };
  State Snapshot() const {
    return {backend_.submitted(), backend_.ledger().Height(), monitor_->watchlist()->size()};
  }
  bool changed() const { return !(Snapshot() == base_); }

  http::Response Handle(http::Request& request) const { return dispatcher_->Handle(request); }
  // Hex ids of what Populate committed, by kind ("event", "blacklist", "proposal", "watched").
  static std::map<std::string, std::string> Ids() {
    FakeClock clock(api::testing::kFakeStartMs);
    FakeBackend b(clock);
    return {{"event", ToHex(proto::TxId(EventTx(b)))},
            {"blacklist", ToHex(proto::TxId(b.Sign(BlacklistBody(b), b.member_id())))},
            {"proposal", ToHex(proto::TxId(b.Sign(ProposalBody(b), "bank-b")))},
            {"watched", ToHex(crypto::Blake2b256("watched subject"))}};
  }

 private:
  const std::string& WatchlistPath() const { return watchlist_path_; }
  static std::string EventTx(const FakeBackend& b) {
    return b.Sign(b.EventBody(crypto::Blake2b256("subject alice"), 1), "bank-b");
  }
  static pb::TxBody BlacklistBody(const FakeBackend& b) {
    pb::TxBody body = b.EventBody(crypto::Blake2b256("subject bob"), 2);
    auto* e = body.mutable_add_blacklist();
    e->set_subject_key(crypto::Blake2b256("subject bob"));
    e->set_reason(pb::BLACKLIST_FRAUD);
    e->set_evidence_hash(crypto::Blake2b256("evidence"));
    return body;
  }
  static pb::TxBody ProposalBody(const FakeBackend& b) {
    pb::TxBody body = b.EventBody(crypto::Blake2b256("subject carol"), 3);
    auto* p = body.mutable_propose_change();
    p->set_kind(pb::CHANGE_SUSPEND_MEMBER);
    p->set_member_id("bank-d");
    return body;
  }
  void Populate() {
    const bool ok =
        backend_.Submit(EventTx(backend_)).ok() &&
        backend_.Submit(backend_.Sign(BlacklistBody(backend_), backend_.member_id())).ok() &&
        backend_.Submit(backend_.Sign(ProposalBody(backend_), "bank-b")).ok() &&
        monitor_->watchlist()->Add(crypto::Blake2b256("watched subject"), "", clock_.WallMs()).ok();
    if (!ok || backend_.ledger().Height() != 3) {
      std::fprintf(stderr, "api fuzz: the world could not be populated\n");
      std::abort();
    }
  }

  const std::string watchlist_path_;
  FakeClock clock_;
  FakeBackend backend_;
  std::unique_ptr<monitor::Monitor> monitor_;
  http::TokenStore tokens_;
  std::unique_ptr<http::Dispatcher> dispatcher_;
  State base_;
};

// The scratch directory outlives the world (statics die in reverse order).
std::unique_ptr<World>& TheWorld() {
  static const ScratchDir scratch;
  static std::unique_ptr<World> world;
  if (!world) world = std::make_unique<World>(scratch.path);
  return world;
}

void CheckAnswer(const http::Response& r) {
  if (r.status == 500) std::fprintf(stderr, "handler threw: %s\n", LastException().c_str());
  FUZZ_CHECK(r.status != 500);
  FUZZ_CHECK(r.status >= 200 && r.status <= 599);
  if (r.stream || r.content_type != "application/json") return;
  const json body = json::parse(r.body, nullptr, /*allow_exceptions=*/false);
  FUZZ_CHECK(!body.is_discarded());
  if (r.status >= 400) {
    FUZZ_CHECK(body.is_object() && body.contains("error") && body["error"].is_object());
    FUZZ_CHECK(body["error"].contains("code") && body["error"]["code"].is_string());
    FUZZ_CHECK(body["error"].contains("message") && body["error"]["message"].is_string());
  }
}

std::string Input(uint8_t route, uint8_t caller, uint8_t content_type, const std::string& param,
                  const std::string& query, const std::string& body) {
  return FuzzWriter().U8(route).U8(caller).U8(content_type).Bytes(param).Bytes(query).Rest(body).Take();
}

}  // namespace

std::vector<Seed> FuzzSeeds() {
  const auto ids = World::Ids();
  FakeClock clock(api::testing::kFakeStartMs);
  FakeBackend b(clock);
  const std::string subject = ToHex(crypto::Blake2b256("subject dave"));
  const std::string hash = ToHex(crypto::Blake2b256("a document"));
  const std::string fresh_tx = b.Sign(b.EventBody(crypto::Blake2b256("subject erin"), 40), "bank-b");
  std::vector<Seed> seeds;
  seeds.emplace_back("tx_json", Input(0, 0, 0, "", "", json{{"tx", ToHex(fresh_tx)}}.dump()));
  seeds.emplace_back("tx_wait",
                     Input(0, 0, 0, "", "wait=commit&timeout_ms=10", json{{"tx", ToHex(fresh_tx)}}.dump()));
  seeds.emplace_back("tx_protobuf", Input(0, 0, 2, "", "", fresh_tx));
  seeds.emplace_back("txs",
                     Input(1, 0, 0, "", "", json{{"txs", {ToHex(fresh_tx), "zz", ToHex(fresh_tx)}}}.dump()));
  seeds.emplace_back("lookup", Input(2, 1, 0, "", "proofs=true",
                                     json{{"id_type", "cn_resident_id"},
                                          {"id", "11010519491231002X"},
                                          {"purpose", "loan_application"},
                                          {"authorization_ref", "consent-123"},
                                          {"proofs", true}}
                                         .dump()));
  seeds.emplace_back("event", Input(3, 0, 1, "", "wait=commit",
                                    json{{"subject_key", subject},
                                         {"event_type", "overdue_30"},
                                         {"loan_ref", "loan-77"},
                                         {"amount_minor", 125000},
                                         {"currency", "CNY"},
                                         {"event_date", "2026-11-20"},
                                         {"record_hash", hash}}
                                        .dump()));
  seeds.emplace_back("amendment", Input(4, 0, 0, ids.at("event"), "",
                                        json{{"kind", "disputed"}, {"record_hash", hash}}.dump()));
  seeds.emplace_back("blacklist", Input(5, 0, 0, "", "",
                                        json{{"subject_key", subject},
                                             {"reason", "identity_theft"},
                                             {"evidence_hash", hash},
                                             {"expiry_date", "2030-01-01"}}
                                            .dump()));
  seeds.emplace_back("removal", Input(6, 3, 0, ids.at("blacklist"), "", json{{"reason_hash", hash}}.dump()));
  seeds.emplace_back("delete_blacklist", Input(7, 0, 3, ids.at("blacklist"), "reason_hash=" + hash, ""));
  seeds.emplace_back(
      "proposal",
      Input(8, 0, 0, "", "",
            json{{"kind", "set_parameter"}, {"parameter", "daily_query_quota"}, {"value", 50}}.dump()));
  seeds.emplace_back("approval", Input(9, 0, 0, ids.at("proposal"), "", "{}"));
  seeds.emplace_back(
      "regulatory_action",
      Input(10, 0, 0, "", "",
            json{{"kind", "sanction"}, {"target_member", "bank-b"}, {"document_hash", hash}}.dump()));
  seeds.emplace_back("watch", Input(11, 0, 0, subject, "", json{{"note", "loan 77"}}.dump()));
  seeds.emplace_back("unwatch", Input(12, 0, 3, ids.at("watched"), "", ""));
  seeds.emplace_back("any_subject_get", Input(kRouteCount, 1, 3, "v1/subjects/" + subject,
                                              "purpose=dispute_handling&authorization_ref=x", ""));
  seeds.emplace_back("any_blocks", Input(kRouteCount + 5 * 0, 1, 3, "v1/blocks/2", "full=true", ""));
  seeds.emplace_back("bad_json", Input(3, 0, 0, "", "", "{\"subject_key\": "));
  seeds.emplace_back("bad_unknown_query", Input(5, 0, 0, "", "x=%zz", "{}"));
  seeds.emplace_back("bad_no_token", Input(3, 4, 0, "", "", "{}"));
  return seeds;
}

}  // namespace cc::fuzz

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  google::protobuf::SetLogHandler(nullptr);  // invalid UTF-8 in string fields is expected here
  cc::SetLogLevel(cc::LogLevel::kError);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace cc;
  using namespace cc::fuzz;
  FuzzInput in(data, size);
  const uint32_t route = in.Below(kRouteCount + std::size(kAnyMethods) + 1);
  const uint32_t caller = in.Below(std::size(kRoles) + 2);
  const uint32_t content_type = in.Below(std::size(kContentTypes) + 1);
  const std::string param = in.Bytes();
  const std::string query = in.Bytes();

  http::Request req;
  if (route < kRouteCount) {
    req.method = kRoutes[route].method;
    std::string path = kRoutes[route].path;
    if (const size_t at = path.find("{}"); at != std::string::npos) path.replace(at, 2, param);
    req.target = path;
  } else if (route < kRouteCount + std::size(kAnyMethods)) {
    req.method = kAnyMethods[route - kRouteCount];
    req.target = "/" + param;
  } else {
    req.method = in.Bytes();
    req.target = "/" + param;
  }
  if (!query.empty()) req.target += "?" + query;
  if (caller < std::size(kRoles)) {
    req.headers.emplace_back("Authorization", std::string("Bearer token-") + kRoles[caller]);
  } else if (caller == std::size(kRoles) + 1) {
    req.headers.emplace_back("Authorization", in.Bytes());
  }
  if (content_type < std::size(kContentTypes)) {
    if (kContentTypes[content_type][0] != '\0')
      req.headers.emplace_back("Content-Type", kContentTypes[content_type]);
  } else {
    req.headers.emplace_back("Content-Type", in.Bytes());
  }
  req.body = in.Rest();
  req.remote_address = "127.0.0.1:40000";

  std::unique_ptr<World>& world = TheWorld();
  const http::Response r = world->Handle(req);
  static const bool verbose = std::getenv("CC_FUZZ_VERBOSE") != nullptr;
  if (verbose)
    std::fprintf(stderr, "%s %s -> %d %.200s\n", req.method.c_str(), req.target.c_str(), r.status,
                 r.body.c_str());
  CheckAnswer(r);
  if (r.status >= 400) FUZZ_CHECK(!world->changed());
  if (world->changed()) world.reset();
  return 0;
}
