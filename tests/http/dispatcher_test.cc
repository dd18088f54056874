#include "http/dispatcher.h"

#include <gtest/gtest.h>

#include <stdexcept>

#include "crypto/api_token.h"
#include "http/json_api.h"

namespace cc::http {
namespace {

using nlohmann::json;

class DispatcherTest : public ::testing::Test {
 protected:
  DispatcherTest() : metrics_(registry_) {
    auto store = TokenStore::Create({{"auditor", Role::kRegulator, crypto::HashApiToken(regulator_)},
                                     {"ops", Role::kAdmin, crypto::HashApiToken(admin_)}});
    EXPECT_TRUE(store.ok());
    tokens_ = *store;
    Router router;
    router.Get("/healthz", Access::Public(), [](const Request&) {
      return JsonResponse(200, {{"ok", true}});
    });
    router.Get("/v1/audit/{member}", Access::Roles({Role::kRegulator}), [](const Request& r) {
      return JsonResponse(200, {{"member", r.Param("member")},
                                {"from", r.Query("from").value_or("-")},
                                {"caller", r.principal->name},
                                {"route", r.route_pattern}});
    });
    router.Post("/v1/admin/thing", Access::AdminOnly(),
                [](const Request&) { return JsonResponse(200, json::object()); });
    router.Get("/boom", Access::Public(),
               [](const Request&) -> Response { throw std::runtime_error("secret detail"); });
    router.Get("/boom2", Access::Public(), [](const Request&) -> Response { throw 42; });
    dispatcher_ = std::make_unique<Dispatcher>(std::move(router), &tokens_, &metrics_,
                                               [this](std::string_view line) { log_.emplace_back(line); });
  }

  Response Handle(std::string method, std::string target, std::string token = "") {
    Request r;
    r.method = std::move(method);
    r.target = std::move(target);
    if (!token.empty()) r.headers.emplace_back("Authorization", "Bearer " + token);
    return dispatcher_->Handle(r);
  }
  static std::string Code(const Response& r) { return json::parse(r.body)["error"]["code"]; }

  const std::string regulator_ = crypto::GenerateApiToken();
  const std::string admin_ = crypto::GenerateApiToken();
  metrics::Registry registry_;
  HttpMetrics metrics_;
  TokenStore tokens_;
  std::vector<std::string> log_;
  std::unique_ptr<Dispatcher> dispatcher_;
};

TEST_F(DispatcherTest, RoutesWithParamsQueryAndPrincipal) {
  Response r = Handle("GET", "/v1/audit/bank%20a?from=page%202&x", regulator_);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json::parse(r.body), json({{"member", "bank a"},
                                       {"from", "page 2"},
                                       {"caller", "auditor"},
                                       {"route", "/v1/audit/{member}"}}));
}

TEST_F(DispatcherTest, NotFoundMethodNotAllowedAndBadEscapes) {
  EXPECT_EQ(Code(Handle("GET", "/nope")), "not_found");
  Response r = Handle("PUT", "/healthz");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(Code(r), "method_not_allowed");
  EXPECT_EQ(FindHeader(r.headers, "Allow"), "GET");
  EXPECT_EQ(Handle("GET", "/healthz?a=%z").status, 400);
  EXPECT_EQ(Code(Handle("GET", "/v1/audit/%zz", regulator_)), "bad_request");
}

TEST_F(DispatcherTest, AuthenticatesThenAuthorizes) {
  Response missing = Handle("GET", "/v1/audit/m");
  EXPECT_EQ(missing.status, 401);
  EXPECT_EQ(Code(missing), "unauthorized");
  EXPECT_EQ(Handle("GET", "/v1/audit/m", crypto::GenerateApiToken()).status, 401);
  Response forbidden = Handle("POST", "/v1/admin/thing", regulator_);
  EXPECT_EQ(forbidden.status, 403);
  EXPECT_EQ(Code(forbidden), "forbidden");
  EXPECT_EQ(Handle("POST", "/v1/admin/thing", admin_).status, 200);
  EXPECT_EQ(Handle("GET", "/v1/audit/m", admin_).status, 200);  // admin everywhere
  EXPECT_EQ(Handle("GET", "/healthz").status, 200);             // public
}

TEST_F(DispatcherTest, NoTokenStoreMeansEveryAuthenticatedRouteIs401) {
  Router router;
  router.Get("/x", Access::Roles({Role::kReader}),
             [](const Request&) { return JsonResponse(200, json::object()); });
  Dispatcher d(std::move(router), nullptr, nullptr);
  Request r;
  r.method = "GET";
  r.target = "/x";
  EXPECT_EQ(d.Handle(r).status, 401);
}

TEST_F(DispatcherTest, ThrowingHandlerBecomes500WithoutLeakingAndIsLogged) {
  Response r = Handle("GET", "/boom");
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(Code(r), "internal");
  EXPECT_EQ(r.body.find("secret"), std::string::npos);
  EXPECT_EQ(Handle("GET", "/boom2").status, 500);
  ASSERT_EQ(log_.size(), 2u);
  EXPECT_NE(log_[0].find("secret detail"), std::string::npos);
  EXPECT_NE(log_[0].find("/boom"), std::string::npos);
  EXPECT_EQ(Handle("GET", "/healthz").status, 200);
}

TEST_F(DispatcherTest, RecordsMetricsPerRoutePattern) {
  Handle("GET", "/v1/audit/a", regulator_);
  Handle("GET", "/v1/audit/b", regulator_);
  Handle("GET", "/v1/audit/c");  // 401, still counted on the route
  Handle("GET", "/unknown/path");
  dispatcher_->RecordUnrouted(413);
  const std::string text = registry_.Render();
  EXPECT_NE(text.find("creditd_http_requests_total{method=\"GET\",route=\"/v1/audit/{member}\","
                      "class=\"2xx\"} 2\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("creditd_http_requests_total{method=\"GET\",route=\"/v1/audit/{member}\","
                      "class=\"4xx\"} 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("creditd_http_requests_total{method=\"other\",route=\"unmatched\","
                      "class=\"4xx\"} 2\n"),
            std::string::npos);
  EXPECT_EQ(text.find("/unknown/path"), std::string::npos);
}

}  // namespace
}  // namespace cc::http
