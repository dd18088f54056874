// JSON conventions of the HTTP API (docs/api.md, "Conventions").
//
// Every error is answered as
//   {"error": {"code": "<stable snake_case code>", "message": "<human text>"}}
// Codes used by the server itself: bad_request (400), malformed_json (400),
// unknown_field / missing_field / wrong_type (400), unauthorized (401),
// forbidden (403), not_found (404), method_not_allowed (405), body_too_large (413),
// unsupported_media_type (415), header_too_large (431), too_many_requests (429),
// internal (500), unavailable (503).
//
// Request bodies are parsed strictly: Content-Type must be application/json, the
// body must be one JSON value with no duplicate object keys and nesting at most
// kMaxJsonDepth, and CheckFields rejects unknown fields, missing required fields and
// wrong types, naming the field.
//
// Thread safety: pure functions.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "http/message.h"

namespace cc::http {

inline constexpr int kMaxJsonDepth = 64;

// A JSON response (Content-Type application/json).
Response JsonResponse(int status, const nlohmann::json& body);
// The error object above. A 401 also carries "WWW-Authenticate: Bearer".
Response ErrorResponse(int status, std::string_view code, std::string_view message);
// ErrorResponse(status, s.code(), s.message()). REQUIRES: !s.ok().
Response ErrorResponse(int status, const Status& s);

// The media type of the request's Content-Type, lower-cased, if it is one of
// `accepted` (lower-case "type/subtype" strings). A charset parameter, when
// present, must name UTF-8 (any case, quoted or not): every text body is read as
// UTF-8, so a body declared in another charset is refused rather than misread.
// Error code unsupported_media_type, whose message names every accepted type:
// a missing or malformed Content-Type, a type not in `accepted`, or another charset.
Result<std::string> AcceptedMediaType(const Request& request, const std::vector<std::string>& accepted);

// Parses the body of a request that must carry JSON. Error codes:
// unsupported_media_type (Content-Type is not application/json, or names a charset
// other than UTF-8),
// malformed_json (empty, not JSON, trailing data, duplicate key, too deep).
Result<nlohmann::json> ParseJsonBody(const Request& request);

enum class FieldType {
  kString,
  kUnsignedInteger,  // a JSON integer >= 0 that fits in uint64
  kBool,
  kObject,
  kArray,
};

struct FieldSpec {
  std::string name;
  FieldType type;
  bool required = true;
};

// Checks that `object` is a JSON object whose fields are all listed in `fields`, that
// every required field is present, and that every present field has its declared
// type (null is never accepted). Error codes, each naming the field:
// unknown_field, missing_field, wrong_type ("wrong_type" also when `object` is not an
// object). Unknown fields are reported first, then fields in `fields` order.
Status CheckFields(const nlohmann::json& object, const std::vector<FieldSpec>& fields);

// ParseJsonBody followed by CheckFields.
Result<nlohmann::json> ParseJsonRequest(const Request& request, const std::vector<FieldSpec>& fields);

}  // namespace cc::http
