// HttpServer over real sockets on 127.0.0.1: routing, errors, limits, auth, keep-alive,
// Server-Sent Events, robustness against hostile clients, metrics.
#include "http/server.h"

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include "http/json_api.h"
#include "http/sse.h"
#include "tests/http/test_client.h"

namespace cc::http {
namespace {

using nlohmann::json;
using testing::ClientResponse;
using testing::MakeRequest;
using testing::TestClient;

constexpr auto kWait = std::chrono::seconds(10);

// Streams opened by the SSE route, and how many of them have closed.
class StreamHub {
 public:
  void Add(const std::shared_ptr<SseStream>& s) {
    s->SetOnClose([this] {
      std::lock_guard<std::mutex> lock(mu_);
      ++closed_;
      cv_.notify_all();
    });
    std::lock_guard<std::mutex> lock(mu_);
    streams_.push_back(s);
    cv_.notify_all();
  }
  // Waits until `n` streams were opened; returns the n-th (nullptr on deadline).
  std::shared_ptr<SseStream> WaitOpened(size_t n) {
    std::unique_lock<std::mutex> lock(mu_);
    if (!cv_.wait_for(lock, kWait, [&] { return streams_.size() >= n; })) return nullptr;
    return streams_[n - 1];
  }
  bool WaitClosed(int n) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, kWait, [&] { return closed_ >= n; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::shared_ptr<SseStream>> streams_;
  int closed_ = 0;
};

class ServerTest : public ::testing::Test {
 protected:
  ServerTest() : http_metrics_(registry_) {
    auto store = TokenStore::Create({{"backend", Role::kWriter, crypto::HashApiToken(writer_)},
                                     {"scoring", Role::kReader, crypto::HashApiToken(reader_)},
                                     {"ops", Role::kAdmin, crypto::HashApiToken(admin_)}});
    EXPECT_TRUE(store.ok());
    tokens_ = *store;
  }

  Router MakeRouter() {
    Router router;
    router.Get("/healthz", Access::Public(), [](const Request&) {
      return JsonResponse(200, {{"status", "ok"}});
    });
    router.Get("/metrics", Access::Public(), [this](const Request&) {
      return Response::Text(200, registry_.Render(), "text/plain; version=0.0.4");
    });
    router.Get("/v1/blocks/{height}", Access::Public(), [](const Request& r) {
      return JsonResponse(200, {{"height", r.Param("height")}});
    });
    router.Get("/v1/blocks/latest", Access::Public(), [](const Request&) {
      return JsonResponse(200, {{"latest", true}});
    });
    router.Get("/v1/subjects/{key}", Access::Roles({Role::kReader, Role::kRegulator}), [](const Request& r) {
      return JsonResponse(200, {{"key", r.Param("key")},
                                {"purpose", r.Query("purpose").value_or("")},
                                {"client", r.principal->name}});
    });
    router.Post("/v1/events", Access::Roles({Role::kWriter}), [](const Request& r) {
      auto body = ParseJsonRequest(r, {{"subject", FieldType::kString},
                                       {"amount", FieldType::kUnsignedInteger},
                                       {"urgent", FieldType::kBool, false}});
      if (!body.ok()) {
        const int status = body.status().code() == "unsupported_media_type" ? 415 : 400;
        return ErrorResponse(status, body.status());
      }
      return JsonResponse(201, {{"accepted", (*body)["subject"]}});
    });
    router.Post("/v1/echo", Access::Public(), [](const Request& r) {
      return JsonResponse(200, {{"bytes", r.body.size()}});
    });
    router.Get("/v1/throw", Access::Public(),
               [](const Request&) -> Response { throw std::runtime_error("handler bug"); });
    router.Get("/v1/odd", Access::Public(), [](const Request& r) {
      Response resp = JsonResponse(r.Query("status") ? 42 : 200, {{"ok", true}});
      resp.SetHeader("X-Request-Id", "abc");
      resp.SetHeader("Content-Length", "99999");
      resp.SetHeader("X-Injected", "a\r\nSet-Cookie: evil=1");
      return resp;
    });
    router.Get("/v1/alerts/stream", Access::Roles({Role::kReader}), [this](const Request&) {
      auto stream = std::make_shared<SseStream>(8);
      hub_.Add(stream);
      return Response::EventStream(stream);
    });
    return router;
  }

  // Starts a server with the test routes; options adjusted by `tweak`.
  std::unique_ptr<HttpServer> StartServer(std::function<void(ServerOptions&)> tweak = {}) {
    ServerOptions o;
    o.address = "127.0.0.1";
    o.port = 0;
    o.threads = 2;
    o.max_body_bytes = 4096;
    o.sse_heartbeat = std::chrono::milliseconds(0);
    o.log = [this](std::string_view line) {
      std::lock_guard<std::mutex> lock(log_mu_);
      log_.emplace_back(line);
    };
    if (tweak) tweak(o);
    auto server = std::make_unique<HttpServer>(o, MakeRouter(), &tokens_, &http_metrics_);
    Status s = server->Start();
    EXPECT_TRUE(s.ok()) << s.ToString();
    return server;
  }

  void SetUp() override { server_ = StartServer(); }

  std::unique_ptr<TestClient> Connect() {
    auto c = TestClient::Connect(server_->port());
    EXPECT_NE(c, nullptr);
    return c;
  }
  ClientResponse Get(const std::string& target, const std::string& token = "") {
    auto c = Connect();
    std::vector<std::pair<std::string, std::string>> h;
    if (!token.empty()) h.emplace_back("Authorization", "Bearer " + token);
    auto r = c->Request("GET", target, h);
    EXPECT_TRUE(r.has_value()) << target;
    return r.value_or(ClientResponse{});
  }
  ClientResponse PostJson(const std::string& target, const std::string& body, const std::string& token,
                          const std::string& type = "application/json") {
    auto c = Connect();
    auto r = c->Request("POST", target, {{"Authorization", "Bearer " + token}, {"Content-Type", type}}, body);
    EXPECT_TRUE(r.has_value()) << target;
    return r.value_or(ClientResponse{});
  }
  // The server still answers a fresh connection.
  void ExpectAlive() {
    ClientResponse r = Get("/healthz");
    EXPECT_EQ(r.status, 200);
  }

  const std::string writer_ = crypto::GenerateApiToken();
  const std::string reader_ = crypto::GenerateApiToken();
  const std::string admin_ = crypto::GenerateApiToken();
  metrics::Registry registry_;
  HttpMetrics http_metrics_;
  TokenStore tokens_;
  StreamHub hub_;
  std::mutex log_mu_;
  std::vector<std::string> log_;
  std::unique_ptr<HttpServer> server_;
};

TEST_F(ServerTest, RoutesWithParametersAndQuery) {
  ClientResponse r = Get("/v1/blocks/42");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.Header("content-type"), "application/json");
  EXPECT_EQ(r.Json(), json({{"height", "42"}}));
  EXPECT_EQ(Get("/v1/blocks/latest").Json(), json({{"latest", true}}));
  ClientResponse s = Get("/v1/subjects/ab%2Fcd?purpose=loan+application&x=1", reader_);
  EXPECT_EQ(s.status, 200);
  EXPECT_EQ(s.Json(), json({{"key", "ab/cd"}, {"purpose", "loan application"}, {"client", "scoring"}}));
}

TEST_F(ServerTest, UnknownRouteIs404AndWrongMethodIs405AsJson) {
  ClientResponse r = Get("/v2/nothing");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.ErrorCode(), "not_found");
  EXPECT_TRUE(r.Json()["error"]["message"].is_string());
  auto c = Connect();
  auto m = c->Request("DELETE", "/v1/blocks/1");
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->status, 405);
  EXPECT_EQ(m->ErrorCode(), "method_not_allowed");
  EXPECT_EQ(m->Header("allow"), "GET");
}

TEST_F(ServerTest, BodyTooLargeByContentLengthIsRejectedBeforeTheBody) {
  auto c = Connect();
  // Only the header is sent: the server must answer from Content-Length alone.
  ASSERT_TRUE(
      c->Send("POST /v1/echo HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
              "Content-Length: 2000000\r\n\r\n"));
  auto r = c->ReadResponse();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 413);
  EXPECT_EQ(r->ErrorCode(), "body_too_large");
  EXPECT_TRUE(c->WaitForClose());
  ExpectAlive();
}

TEST_F(ServerTest, ChunkedBodyIsLimitedWhileReading) {
  const std::string chunk = std::string("3e8\r\n") + std::string(1000, 'x') + "\r\n";
  auto small = Connect();
  ASSERT_TRUE(small->Send("POST /v1/echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n" + chunk +
                          chunk + "0\r\n\r\n"));
  auto ok = small->ReadResponse();
  ASSERT_TRUE(ok.has_value());
  EXPECT_EQ(ok->status, 200);
  EXPECT_EQ(ok->Json()["bytes"], 2000);

  auto big = Connect();
  std::string request = "POST /v1/echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 6; ++i) request += chunk;  // 6000 bytes > 4096
  request += "0\r\n\r\n";
  ASSERT_TRUE(big->Send(request));
  auto r = big->ReadResponse();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 413);
  EXPECT_EQ(r->ErrorCode(), "body_too_large");
  EXPECT_TRUE(big->WaitForClose());
  ExpectAlive();
}

TEST_F(ServerTest, JsonBodyErrorsHaveStableCodes) {
  ClientResponse malformed = PostJson("/v1/events", "{\"subject\":", writer_);
  EXPECT_EQ(malformed.status, 400);
  EXPECT_EQ(malformed.ErrorCode(), "malformed_json");

  ClientResponse media = PostJson("/v1/events", "{}", writer_, "text/plain");
  EXPECT_EQ(media.status, 415);
  EXPECT_EQ(media.ErrorCode(), "unsupported_media_type");

  ClientResponse unknown = PostJson("/v1/events", R"({"subject":"s","amount":1,"colour":"red"})", writer_);
  EXPECT_EQ(unknown.status, 400);
  EXPECT_EQ(unknown.ErrorCode(), "unknown_field");
  EXPECT_NE(unknown.Json()["error"]["message"].get<std::string>().find("colour"), std::string::npos);

  ClientResponse wrong = PostJson("/v1/events", R"({"subject":"s","amount":-5})", writer_);
  EXPECT_EQ(wrong.status, 400);
  EXPECT_EQ(wrong.ErrorCode(), "wrong_type");
  EXPECT_NE(wrong.Json()["error"]["message"].get<std::string>().find("amount"), std::string::npos);

  ClientResponse missing = PostJson("/v1/events", R"({"amount":5})", writer_);
  EXPECT_EQ(missing.status, 400);
  EXPECT_EQ(missing.ErrorCode(), "missing_field");
  EXPECT_NE(missing.Json()["error"]["message"].get<std::string>().find("subject"), std::string::npos);

  ClientResponse good = PostJson("/v1/events", R"({"subject":"s","amount":5,"urgent":true})", writer_);
  EXPECT_EQ(good.status, 201);
  EXPECT_EQ(good.Json(), json({{"accepted", "s"}}));
}

TEST_F(ServerTest, BearerTokensAndRoles) {
  ClientResponse none = Get("/v1/subjects/k");
  EXPECT_EQ(none.status, 401);
  EXPECT_EQ(none.ErrorCode(), "unauthorized");
  EXPECT_EQ(none.Header("www-authenticate"), "Bearer");
  EXPECT_EQ(Get("/v1/subjects/k", crypto::GenerateApiToken()).status, 401);
  EXPECT_EQ(Get("/v1/subjects/k", crypto::HashApiToken(reader_)).status, 401);

  ClientResponse forbidden = Get("/v1/subjects/k", writer_);
  EXPECT_EQ(forbidden.status, 403);
  EXPECT_EQ(forbidden.ErrorCode(), "forbidden");
  EXPECT_EQ(PostJson("/v1/events", R"({"subject":"s","amount":1})", reader_).status, 403);

  EXPECT_EQ(Get("/v1/subjects/k", reader_).status, 200);
  EXPECT_EQ(Get("/v1/subjects/k", admin_).status, 200);
  EXPECT_EQ(PostJson("/v1/events", R"({"subject":"s","amount":1})", admin_).status, 201);
  EXPECT_EQ(Get("/healthz").status, 200);
}

TEST_F(ServerTest, ThrowingHandlerIs500AndTheConnectionKeepsWorking) {
  auto c = Connect();
  auto r = c->Request("GET", "/v1/throw");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 500);
  EXPECT_EQ(r->ErrorCode(), "internal");
  EXPECT_EQ(r->body.find("handler bug"), std::string::npos);
  auto next = c->Request("GET", "/healthz");
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ(next->status, 200);
  std::lock_guard<std::mutex> lock(log_mu_);
  ASSERT_EQ(log_.size(), 1u);
  EXPECT_NE(log_[0].find("handler bug"), std::string::npos);
}

TEST_F(ServerTest, HandlerHeadersPassThroughButCannotBreakFraming) {
  auto c = Connect();
  auto r = c->Request("GET", "/v1/odd");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->Header("x-request-id"), "abc");
  EXPECT_EQ(r->Header("content-length"), std::to_string(r->body.size()));
  EXPECT_EQ(r->Header("x-injected"), "");
  EXPECT_EQ(r->Header("set-cookie"), "");
  EXPECT_EQ(r->Json(), json({{"ok", true}}));
  // An impossible status from a handler is a bug: 500, and the connection goes on.
  auto bad = c->Request("GET", "/v1/odd?status=bad");
  ASSERT_TRUE(bad.has_value());
  EXPECT_EQ(bad->status, 500);
  EXPECT_EQ(bad->ErrorCode(), "internal");
  EXPECT_EQ(c->Request("GET", "/healthz")->status, 200);
}

TEST_F(ServerTest, KeepAliveServesManyRequestsOnOneConnectionUntilClose) {
  auto c = Connect();
  for (int i = 0; i < 5; ++i) {
    auto r = c->Request("GET", "/v1/blocks/" + std::to_string(i));
    ASSERT_TRUE(r.has_value()) << i;
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->Json()["height"], std::to_string(i));
  }
  // Pipelined: two requests sent at once are answered in order.
  ASSERT_TRUE(c->Send(MakeRequest("GET", "/v1/blocks/7") + MakeRequest("GET", "/v1/blocks/8")));
  auto a = c->ReadResponse();
  auto b = c->ReadResponse();
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->Json()["height"], "7");
  EXPECT_EQ(b->Json()["height"], "8");
  auto last = c->Request("GET", "/healthz", {{"Connection", "close"}});
  ASSERT_TRUE(last.has_value());
  EXPECT_EQ(last->status, 200);
  EXPECT_EQ(last->Header("connection"), "close");
  EXPECT_TRUE(c->WaitForClose());
}

TEST_F(ServerTest, Http10ClosesAfterTheResponse) {
  auto c = Connect();
  ASSERT_TRUE(c->Send("GET /healthz HTTP/1.0\r\n\r\n"));
  auto r = c->ReadResponse();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 200);
  EXPECT_TRUE(c->WaitForClose());
}

TEST_F(ServerTest, ExpectContinueIsHonoured) {
  auto c = Connect();
  const std::string body = R"({"subject":"s","amount":2})";
  ASSERT_TRUE(c->Send("POST /v1/events HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer " + writer_ +
                      "\r\nContent-Type: application/json\r\nExpect: 100-continue\r\n"
                      "Content-Length: " +
                      std::to_string(body.size()) + "\r\n\r\n"));
  auto interim = c->ReadUntil("\r\n\r\n");
  ASSERT_TRUE(interim.has_value());
  EXPECT_EQ(interim->rfind("HTTP/1.1 100", 0), 0u) << *interim;
  ASSERT_TRUE(c->Send(body));
  auto r = c->ReadResponse();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 201);
}

TEST_F(ServerTest, SseStreamDeliversPushedEventsAndClosesWhenClientLeaves) {
  auto c = Connect();
  ASSERT_TRUE(
      c->Send(MakeRequest("GET", "/v1/alerts/stream",
                          {{"Authorization", "Bearer " + reader_}, {"Accept", "text/event-stream"}})));
  auto head = c->ReadUntil("\r\n\r\n");
  ASSERT_TRUE(head.has_value());
  EXPECT_EQ(head->rfind("HTTP/1.1 200", 0), 0u) << *head;
  EXPECT_NE(head->find("Content-Type: text/event-stream"), std::string::npos) << *head;
  EXPECT_EQ(head->find("Content-Length"), std::string::npos) << *head;

  std::shared_ptr<SseStream> stream = hub_.WaitOpened(1);
  ASSERT_NE(stream, nullptr);
  ASSERT_TRUE(stream->Push("alert", R"({"subject":"ab","event":"overdue_90"})", "1"));
  ASSERT_TRUE(stream->Push("alert", "two\nlines", "2"));
  auto first = c->ReadUntil("\n\n");
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(*first, "id: 1\nevent: alert\ndata: {\"subject\":\"ab\",\"event\":\"overdue_90\"}\n\n");
  auto second = c->ReadUntil("\n\n");
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(*second, "id: 2\nevent: alert\ndata: two\ndata: lines\n\n");

  c->Close();
  ASSERT_TRUE(hub_.WaitClosed(1));
  EXPECT_EQ(stream->close_reason(), SseStream::CloseReason::kDisconnected);
  EXPECT_FALSE(stream->Push("alert", "nobody listens"));
  ExpectAlive();
}

TEST_F(ServerTest, SseProducerCloseFlushesThenEndsTheConnection) {
  auto c = Connect();
  ASSERT_TRUE(c->Send(MakeRequest("GET", "/v1/alerts/stream", {{"Authorization", "Bearer " + reader_}})));
  ASSERT_TRUE(c->ReadUntil("\r\n\r\n").has_value());
  std::shared_ptr<SseStream> stream = hub_.WaitOpened(1);
  ASSERT_NE(stream, nullptr);
  ASSERT_TRUE(stream->Push("bye", "last"));
  stream->Close();
  auto last = c->ReadUntil("\n\n");
  ASSERT_TRUE(last.has_value());
  EXPECT_EQ(*last, "event: bye\ndata: last\n\n");
  EXPECT_TRUE(c->WaitForClose());
}

TEST_F(ServerTest, SseHeartbeatsAreSentAndServerStopClosesStreams) {
  server_ = StartServer([](ServerOptions& o) { o.sse_heartbeat = std::chrono::milliseconds(20); });
  auto c = Connect();
  ASSERT_TRUE(c->Send(MakeRequest("GET", "/v1/alerts/stream", {{"Authorization", "Bearer " + reader_}})));
  ASSERT_TRUE(c->ReadUntil("\r\n\r\n").has_value());
  auto beat = c->ReadUntil(": keep-alive\n\n");
  ASSERT_TRUE(beat.has_value());
  std::shared_ptr<SseStream> stream = hub_.WaitOpened(1);
  ASSERT_NE(stream, nullptr);
  server_->Stop();
  EXPECT_TRUE(hub_.WaitClosed(1));
  EXPECT_EQ(stream->close_reason(), SseStream::CloseReason::kServerStopped);
  EXPECT_TRUE(c->WaitForClose());
}

TEST_F(ServerTest, GarbageIsAnswered400AndTheServerKeepsServing) {
  auto c = Connect();
  static const char kGarbage[] = "\x16\x03\x01\x02\x00 GARBAGE\r\n\r\n";  // a TLS-ish hello
  ASSERT_TRUE(c->Send(std::string(kGarbage, sizeof(kGarbage) - 1)));
  auto r = c->ReadResponse();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(r->ErrorCode(), "bad_request");
  EXPECT_TRUE(c->WaitForClose());

  auto bad_version = Connect();
  ASSERT_TRUE(bad_version->Send("GET / HTTP/9.9x\r\n\r\n"));
  auto v = bad_version->ReadResponse();
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->status, 400);
  ExpectAlive();
}

TEST_F(ServerTest, OversizedHeaderIsAnswered431) {
  auto c = Connect();
  ASSERT_TRUE(c->Send("GET /healthz HTTP/1.1\r\nHost: t\r\nX-Big: " + std::string(20000, 'a') + "\r\n\r\n"));
  auto r = c->ReadResponse();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 431);
  EXPECT_EQ(r->ErrorCode(), "header_too_large");
  EXPECT_TRUE(c->WaitForClose());
  ExpectAlive();
}

TEST_F(ServerTest, SlowlorisIsCutOffAfterTheReadTimeoutWhileOthersAreServed) {
  server_ = StartServer([](ServerOptions& o) { o.read_timeout = std::chrono::milliseconds(300); });
  auto slow = Connect();
  ASSERT_TRUE(slow->Send("GET /healthz HTTP/1.1\r\nHost: t\r\nX-Dribble: a"));
  ExpectAlive();  // served while the slow request is pending
  EXPECT_TRUE(slow->WaitForClose());
  // An idle keep-alive connection is closed by the same limit.
  auto idle = Connect();
  ASSERT_TRUE(idle->Request("GET", "/healthz").has_value());
  EXPECT_TRUE(idle->WaitForClose());
  ExpectAlive();
}

TEST_F(ServerTest, ConnectionsBeyondTheLimitGet503) {
  server_ = StartServer([](ServerOptions& o) { o.max_connections = 2; });
  auto a = Connect();
  auto b = Connect();
  ASSERT_EQ(a->Request("GET", "/healthz")->status, 200);
  ASSERT_EQ(b->Request("GET", "/healthz")->status, 200);
  auto c = Connect();
  auto r = c->Request("GET", "/healthz");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 503);
  EXPECT_EQ(r->ErrorCode(), "unavailable");
  EXPECT_TRUE(c->WaitForClose());
  // Once a connection leaves, a new one is served (the server notices the close
  // asynchronously, so retry until the deadline).
  a->Close();
  const auto deadline = std::chrono::steady_clock::now() + kWait;
  int status = 0;
  while (status != 200 && std::chrono::steady_clock::now() < deadline) {
    auto d = Connect();
    auto resp = d->Request("GET", "/healthz");
    status = resp ? resp->status : 0;
  }
  EXPECT_EQ(status, 200);
}

TEST_F(ServerTest, MetricsCountRequestsPerRoutePatternAndStatusClass) {
  EXPECT_EQ(Get("/v1/blocks/1").status, 200);
  EXPECT_EQ(Get("/v1/blocks/2").status, 200);
  EXPECT_EQ(Get("/v1/subjects/k").status, 401);
  EXPECT_EQ(Get("/nowhere").status, 404);
  ClientResponse m = Get("/metrics");
  EXPECT_EQ(m.status, 200);
  EXPECT_EQ(m.Header("content-type"), "text/plain; version=0.0.4");
  EXPECT_NE(m.body.find("creditd_http_requests_total{method=\"GET\",route=\"/v1/blocks/{height}\","
                        "class=\"2xx\"} 2\n"),
            std::string::npos)
      << m.body;
  EXPECT_NE(m.body.find("creditd_http_requests_total{method=\"GET\",route=\"/v1/subjects/{key}\","
                        "class=\"4xx\"} 1\n"),
            std::string::npos);
  EXPECT_NE(m.body.find("creditd_http_requests_total{method=\"other\",route=\"unmatched\","
                        "class=\"4xx\"} 1\n"),
            std::string::npos);
  EXPECT_NE(m.body.find("creditd_http_request_duration_seconds_bucket{method=\"GET\","
                        "route=\"/v1/blocks/{height}\",le=\"+Inf\"} 2\n"),
            std::string::npos);
  EXPECT_NE(m.body.find("# TYPE creditd_http_connections gauge\n"), std::string::npos);
}

TEST(HttpServer, StartReportsBindErrorsAsStatus) {
  ServerOptions o;
  o.address = "not-an-ip";
  HttpServer bad_address(o, Router(), nullptr, nullptr);
  EXPECT_EQ(bad_address.Start().code(), "invalid_argument");

  ServerOptions first_options;
  HttpServer first(first_options, Router(), nullptr, nullptr);
  ASSERT_TRUE(first.Start().ok());
  ServerOptions same_port;
  same_port.port = first.port();
  HttpServer second(same_port, Router(), nullptr, nullptr);
  EXPECT_EQ(second.Start().code(), "bind");
  EXPECT_EQ(first.Start().code(), "state");
}

}  // namespace
}  // namespace cc::http
