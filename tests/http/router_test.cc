#include "http/router.h"

#include <gtest/gtest.h>

namespace cc::http {
namespace {

Handler Named(std::string name) {
  return [name](const Request&) { return Response::Text(200, name); };
}

std::string Call(const Router::Match& m) {
  Request r;
  return m.route->handler(r).body;
}

TEST(Router, MatchesLiteralsAndExtractsDecodedParameters) {
  Router router;
  router.Get("/healthz", Access::Public(), Named("health"));
  router.Get("/v1/subjects/{key}/events/{n}", Access::Roles({Role::kReader}), Named("events"));
  Router::Match m = router.Find("GET", "/v1/subjects/ab%2Fcd/events/7");
  ASSERT_EQ(m.kind, Router::Match::Kind::kFound);
  EXPECT_EQ(Call(m), "events");
  EXPECT_EQ(m.params.at("key"), "ab/cd");
  EXPECT_EQ(m.params.at("n"), "7");
  EXPECT_EQ(m.route->pattern, "/v1/subjects/{key}/events/{n}");
  EXPECT_EQ(router.Find("GET", "/healthz").kind, Router::Match::Kind::kFound);
}

TEST(Router, LiteralSegmentBeatsParameterRegardlessOfOrder) {
  Router router;
  router.Get("/v1/blocks/{height}", Access::Public(), Named("by-height"));
  router.Get("/v1/blocks/latest", Access::Public(), Named("latest"));
  EXPECT_EQ(Call(router.Find("GET", "/v1/blocks/latest")), "latest");
  EXPECT_EQ(Call(router.Find("GET", "/v1/blocks/12")), "by-height");
}

TEST(Router, UnknownPathIsNotFoundAndWrongMethodListsAllowed) {
  Router router;
  router.Get("/v1/watchlist", Access::Public(), Named("list"));
  router.Post("/v1/watchlist", Access::Public(), Named("add"));
  EXPECT_EQ(router.Find("GET", "/v1/nothing").kind, Router::Match::Kind::kNotFound);
  EXPECT_EQ(router.Find("GET", "/v1/watchlist/extra").kind, Router::Match::Kind::kNotFound);
  Router::Match m = router.Find("DELETE", "/v1/watchlist");
  EXPECT_EQ(m.kind, Router::Match::Kind::kMethodNotAllowed);
  EXPECT_EQ(m.allow, "GET, POST");
}

TEST(Router, ParametersNeverMatchEmptySegments) {
  Router router;
  router.Get("/v1/blocks/{height}", Access::Public(), Named("b"));
  EXPECT_EQ(router.Find("GET", "/v1/blocks/").kind, Router::Match::Kind::kNotFound);
  EXPECT_EQ(router.Find("GET", "/v1/blocks").kind, Router::Match::Kind::kNotFound);
}

TEST(Router, MalformedEscapeInParameterIsBadPath) {
  Router router;
  router.Get("/v1/subjects/{key}", Access::Public(), Named("s"));
  EXPECT_EQ(router.Find("GET", "/v1/subjects/%zz").kind, Router::Match::Kind::kBadPath);
}

TEST(Access, AdminIsAllowedEverywhereOthersOnlyWhenListed) {
  const Access writers = Access::Roles({Role::kWriter});
  EXPECT_TRUE(writers.Allows(Role::kWriter));
  EXPECT_TRUE(writers.Allows(Role::kAdmin));
  EXPECT_FALSE(writers.Allows(Role::kReader));
  EXPECT_FALSE(writers.Allows(Role::kRegulator));
  EXPECT_FALSE(writers.is_public());
  const Access admin = Access::AdminOnly();
  EXPECT_TRUE(admin.Allows(Role::kAdmin));
  EXPECT_FALSE(admin.Allows(Role::kRegulator));
  EXPECT_TRUE(Access::Public().is_public());
}

TEST(RouterDeathTest, DuplicateRouteIsAProgrammingError) {
  Router router;
  router.Get("/a/{x}", Access::Public(), Named("1"));
  EXPECT_DEATH(router.Get("/a/{y}", Access::Public(), Named("2")), "");
  EXPECT_DEATH(router.Get("/b/{x}/{x}", Access::Public(), Named("3")), "");
  EXPECT_DEATH(router.Get("no-slash", Access::Public(), Named("4")), "");
}

}  // namespace
}  // namespace cc::http
