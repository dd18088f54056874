#include "http/message.h"

#include <gtest/gtest.h>

#include "http/sse.h"

namespace cc::http {
namespace {

TEST(UrlDecode, DecodesEscapesAndPlusOnlyInQueries) {
  EXPECT_EQ(UrlDecode("a%20b%2Fc", false), "a b/c");
  EXPECT_EQ(UrlDecode("a+b", false), "a+b");
  EXPECT_EQ(UrlDecode("a+b", true), "a b");
  EXPECT_EQ(UrlDecode("%e4%B8%ad", false), "\xe4\xb8\xad");
  EXPECT_EQ(UrlDecode("", true), "");
}

TEST(UrlDecode, RejectsMalformedEscapes) {
  EXPECT_EQ(UrlDecode("%", true), std::nullopt);
  EXPECT_EQ(UrlDecode("%4", true), std::nullopt);
  EXPECT_EQ(UrlDecode("ab%zz", true), std::nullopt);
  EXPECT_EQ(UrlDecode("%%41", true), std::nullopt);
}

TEST(ParseQueryString, SplitsDecodesAndKeepsFirstValue) {
  auto q = ParseQueryString("purpose=loan_application&ref=a%2Bb+c&flag&&x=1&x=2");
  ASSERT_TRUE(q.has_value());
  EXPECT_EQ(q->at("purpose"), "loan_application");
  EXPECT_EQ(q->at("ref"), "a+b c");
  EXPECT_EQ(q->at("flag"), "");
  EXPECT_EQ(q->at("x"), "1");
  EXPECT_EQ(q->size(), 4u);
  EXPECT_FALSE(ParseQueryString("a=%zz").has_value());
  EXPECT_TRUE(ParseQueryString("")->empty());
}

TEST(Headers, LookupIsCaseInsensitive) {
  Request r;
  r.headers = {{"Content-Type", "application/json"}, {"X-A", "1"}, {"x-a", "2"}};
  EXPECT_EQ(r.Header("content-type"), "application/json");
  EXPECT_EQ(r.Header("X-a"), "1");  // first wins
  EXPECT_EQ(r.Header("missing"), std::nullopt);
}

TEST(Response, SetHeaderReplacesCaseInsensitively) {
  Response r = Response::Text(200, "hi");
  r.SetHeader("X-Test", "1").SetHeader("x-test", "2");
  ASSERT_EQ(r.headers.size(), 1u);
  EXPECT_EQ(r.headers[0].second, "2");
  EXPECT_EQ(r.content_type, "text/plain; charset=utf-8");
}

TEST(Response, EventStreamCarriesTheStream) {
  auto stream = std::make_shared<SseStream>();
  Response r = Response::EventStream(stream);
  EXPECT_EQ(r.stream, stream);
  EXPECT_EQ(r.content_type, "text/event-stream");
  EXPECT_EQ(FindHeader(r.headers, "cache-control"), "no-cache");
}

}  // namespace
}  // namespace cc::http
