#include "node/http/json_api.h"

#include <strings.h>

#include <set>

namespace cc::http {

using nlohmann::json;

Response JsonResponse(int status, const json& body) {
  Response r;
  r.status = status;
  r.content_type = "application/json";
  // Replace invalid UTF-8 rather than throwing: a response must always serialize.
  r.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
  return r;
}

Response ErrorResponse(int status, std::string_view code, std::string_view message) {
  Response r = JsonResponse(
      status, json{{"error", {{"code", std::string(code)}, {"message", std::string(message)}}}});
  if (status == 401) r.SetHeader("WWW-Authenticate", "Bearer");
  return r;
}

Response ErrorResponse(int status, const Status& s) {
  return ErrorResponse(status, s.code(), s.message());
}

namespace {

bool IsJsonMediaType(std::string_view content_type) {
  const size_t semi = content_type.find(';');
  std::string_view type = content_type.substr(0, semi);
  while (!type.empty() && (type.back() == ' ' || type.back() == '\t')) type.remove_suffix(1);
  while (!type.empty() && (type.front() == ' ' || type.front() == '\t')) type.remove_prefix(1);
  static constexpr std::string_view kJson = "application/json";
  return type.size() == kJson.size() && strncasecmp(type.data(), kJson.data(), kJson.size()) == 0;
}

const char* TypeName(FieldType t) {
  switch (t) {
    case FieldType::kString:
      return "a string";
    case FieldType::kUnsignedInteger:
      return "an integer >= 0";
    case FieldType::kBool:
      return "a boolean";
    case FieldType::kObject:
      return "an object";
    case FieldType::kArray:
      return "an array";
  }
  return "?";
}

bool HasType(const json& v, FieldType t) {
  switch (t) {
    case FieldType::kString:
      return v.is_string();
    case FieldType::kUnsignedInteger:
      // nlohmann stores non-negative integer literals as unsigned; "-0" and 1.0 are not.
      return v.is_number_unsigned();
    case FieldType::kBool:
      return v.is_boolean();
    case FieldType::kObject:
      return v.is_object();
    case FieldType::kArray:
      return v.is_array();
  }
  return false;
}

}  // namespace

Result<json> ParseJsonBody(const Request& request) {
  auto content_type = request.Header("Content-Type");
  if (!content_type || !IsJsonMediaType(*content_type)) {
    return Status::Error("unsupported_media_type", "Content-Type must be application/json");
  }
  if (request.body.empty()) return Status::Error("malformed_json", "request body is empty");

  // The callback sees every key and depth change: reject duplicate keys (a signed
  // request must mean one thing) and deep nesting (bounded work per request).
  std::vector<std::set<std::string>> keys;
  std::string problem;
  auto callback = [&](int depth, json::parse_event_t event, json& parsed) {
    if (!problem.empty()) return false;
    if (depth > kMaxJsonDepth) {
      problem = "JSON nesting deeper than " + std::to_string(kMaxJsonDepth);
      return false;
    }
    switch (event) {
      case json::parse_event_t::object_start:
        keys.emplace_back();
        break;
      case json::parse_event_t::object_end:
        if (!keys.empty()) keys.pop_back();
        break;
      case json::parse_event_t::key:
        if (!keys.empty() && !keys.back().insert(parsed.get<std::string>()).second) {
          problem = "duplicate key '" + parsed.get<std::string>() + "'";
          return false;
        }
        break;
      default:
        break;
    }
    return true;
  };
  json value = json::parse(request.body, callback, /*allow_exceptions=*/false);
  if (!problem.empty()) return Status::Error("malformed_json", problem);
  if (value.is_discarded()) {
    return Status::Error("malformed_json", "request body is not valid JSON");
  }
  return value;
}

Status CheckFields(const json& object, const std::vector<FieldSpec>& fields) {
  if (!object.is_object()) return Status::Error("wrong_type", "request body must be a JSON object");
  for (const auto& [key, value] : object.items()) {
    bool known = false;
    for (const FieldSpec& f : fields) known = known || f.name == key;
    if (!known) return Status::Error("unknown_field", "unknown field '" + key + "'");
  }
  for (const FieldSpec& f : fields) {
    auto it = object.find(f.name);
    if (it == object.end()) {
      if (f.required) return Status::Error("missing_field", "missing field '" + f.name + "'");
      continue;
    }
    if (!HasType(*it, f.type)) {
      return Status::Error("wrong_type",
                           "field '" + f.name + "' must be " + TypeName(f.type));
    }
  }
  return Status::Ok();
}

Result<json> ParseJsonRequest(const Request& request, const std::vector<FieldSpec>& fields) {
  Result<json> parsed = ParseJsonBody(request);
  if (!parsed.ok()) return parsed.status();
  CC_RETURN_IF_ERROR(CheckFields(*parsed, fields));
  return parsed;
}

}  // namespace cc::http
