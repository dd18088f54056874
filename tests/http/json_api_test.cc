#include "http/json_api.h"

#include <gtest/gtest.h>

#include <string>

namespace cc::http {
namespace {

using nlohmann::json;

Request JsonRequest(std::string body, std::string content_type = "application/json") {
  Request r;
  r.method = "POST";
  r.headers = {{"Content-Type", std::move(content_type)}};
  r.body = std::move(body);
  return r;
}

TEST(ErrorResponse, HasStableShape) {
  Response r = ErrorResponse(404, "not_found", "no block 9");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.content_type, "application/json");
  EXPECT_EQ(json::parse(r.body), json({{"error", {{"code", "not_found"}, {"message", "no block 9"}}}}));
  EXPECT_EQ(FindHeader(r.headers, "WWW-Authenticate"), std::nullopt);
  EXPECT_EQ(FindHeader(ErrorResponse(401, "unauthorized", "x").headers, "WWW-Authenticate"), "Bearer");
  Response from_status = ErrorResponse(429, Status::Error("too_many_requests", "quota"));
  EXPECT_EQ(json::parse(from_status.body)["error"]["code"], "too_many_requests");
}

TEST(JsonResponse, ReplacesInvalidUtf8InsteadOfThrowing) {
  Response r = JsonResponse(200, json{{"s", std::string("a\xff")}});
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(json::accept(r.body));
}

TEST(ParseJsonBody, AcceptsJsonWithCharsetParameter) {
  auto v = ParseJsonBody(JsonRequest(R"({"a":1})", "Application/JSON; charset=utf-8"));
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ((*v)["a"], 1);
}

TEST(ParseJsonBody, RejectsWrongOrMissingContentType) {
  EXPECT_EQ(ParseJsonBody(JsonRequest("{}", "text/plain")).status().code(), "unsupported_media_type");
  EXPECT_EQ(ParseJsonBody(JsonRequest("{}", "application/jsonx")).status().code(), "unsupported_media_type");
  Request no_type;
  no_type.body = "{}";
  EXPECT_EQ(ParseJsonBody(no_type).status().code(), "unsupported_media_type");
}

TEST(ParseJsonBody, RejectsMalformedJson) {
  for (const char* body : {"", "{", "{\"a\":}", "{} {}", "[1,]", "{'a':1}", "\"\xff\""}) {
    EXPECT_EQ(ParseJsonBody(JsonRequest(body)).status().code(), "malformed_json") << body;
  }
}

TEST(ParseJsonBody, RejectsDuplicateKeysAtAnyDepth) {
  auto top = ParseJsonBody(JsonRequest(R"({"a":1,"a":2})"));
  EXPECT_EQ(top.status().code(), "malformed_json");
  EXPECT_NE(top.status().message().find("'a'"), std::string::npos);
  EXPECT_EQ(ParseJsonBody(JsonRequest(R"({"o":{"b":1,"b":1}})")).status().code(), "malformed_json");
  // The same key in sibling objects is fine.
  EXPECT_TRUE(ParseJsonBody(JsonRequest(R"([{"b":1},{"b":2}])")).ok());
}

TEST(ParseJsonBody, RejectsExcessiveNesting) {
  const std::string ok = std::string(kMaxJsonDepth - 1, '[') + std::string(kMaxJsonDepth - 1, ']');
  EXPECT_TRUE(ParseJsonBody(JsonRequest(ok)).ok());
  const std::string deep = std::string(10000, '[') + std::string(10000, ']');
  EXPECT_EQ(ParseJsonBody(JsonRequest(deep)).status().code(), "malformed_json");
}

const std::vector<FieldSpec> kSpec = {
    {"subject", FieldType::kString},     {"amount", FieldType::kUnsignedInteger},
    {"urgent", FieldType::kBool, false}, {"meta", FieldType::kObject, false},
    {"tags", FieldType::kArray, false},
};

TEST(CheckFields, AcceptsAllDeclaredTypes) {
  EXPECT_TRUE(CheckFields(json::parse(R"({"subject":"s","amount":0})"), kSpec).ok());
  EXPECT_TRUE(CheckFields(json::parse(R"({"subject":"s","amount":18446744073709551615,
      "urgent":false,"meta":{},"tags":[1]})"),
                          kSpec)
                  .ok());
}

TEST(CheckFields, NamesTheUnknownField) {
  Status s = CheckFields(json::parse(R"({"subject":"s","amount":1,"extra":1})"), kSpec);
  EXPECT_EQ(s.code(), "unknown_field");
  EXPECT_NE(s.message().find("'extra'"), std::string::npos);
}

TEST(CheckFields, NamesTheMissingField) {
  Status s = CheckFields(json::parse(R"({"subject":"s"})"), kSpec);
  EXPECT_EQ(s.code(), "missing_field");
  EXPECT_NE(s.message().find("'amount'"), std::string::npos);
}

TEST(CheckFields, RejectsWrongTypesIncludingNullNegativeAndFractional) {
  for (const char* body :
       {R"({"subject":1,"amount":1})", R"({"subject":null,"amount":1})", R"({"subject":"s","amount":-1})",
        R"({"subject":"s","amount":1.5})", R"({"subject":"s","amount":1.0})",
        R"({"subject":"s","amount":"1"})", R"({"subject":"s","amount":1,"urgent":"yes"})",
        R"({"subject":"s","amount":1,"meta":[]})", R"({"subject":"s","amount":1,"tags":{}})"}) {
    Status s = CheckFields(json::parse(body), kSpec);
    EXPECT_EQ(s.code(), "wrong_type") << body;
    EXPECT_NE(s.message().find("'"), std::string::npos) << body;
  }
  EXPECT_EQ(CheckFields(json::parse("[1]"), kSpec).code(), "wrong_type");
}

TEST(ParseJsonRequest, CombinesParsingAndFieldChecks) {
  EXPECT_TRUE(ParseJsonRequest(JsonRequest(R"({"subject":"s","amount":3})"), kSpec).ok());
  EXPECT_EQ(ParseJsonRequest(JsonRequest(R"({"subject":"s"})"), kSpec).status().code(), "missing_field");
  EXPECT_EQ(ParseJsonRequest(JsonRequest("nope"), kSpec).status().code(), "malformed_json");
}

}  // namespace
}  // namespace cc::http
