#include "http/json_api.h"

#include <cctype>
#include <optional>
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
  Response r =
      JsonResponse(status, json{{"error", {{"code", std::string(code)}, {"message", std::string(message)}}}});
  if (status == 401) r.SetHeader("WWW-Authenticate", "Bearer");
  return r;
}

Response ErrorResponse(int status, const Status& s) { return ErrorResponse(status, s.code(), s.message()); }

namespace {

std::string_view Trim(std::string_view v) {
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  return v;
}

std::string Lower(std::string_view v) {
  std::string out(v);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// RFC 9110 media type: type "/" subtype *( ";" name "=" value ). The type, and
// the charset parameter if any (nullopt: absent; "" : malformed).
struct MediaType {
  std::string type;
  std::optional<std::string> charset;
};

std::optional<MediaType> ParseMediaType(std::string_view text) {
  MediaType out;
  const size_t semi = text.find(';');
  out.type = Lower(Trim(text.substr(0, semi)));
  const size_t slash = out.type.find('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 == out.type.size() ||
      out.type.find_first_of(" \t/", slash + 1) != std::string::npos) {
    return std::nullopt;
  }
  std::string_view rest = semi == std::string_view::npos ? std::string_view() : text.substr(semi + 1);
  while (!rest.empty()) {
    const size_t next = rest.find(';');
    std::string_view param = Trim(rest.substr(0, next));
    rest = next == std::string_view::npos ? std::string_view() : rest.substr(next + 1);
    if (param.empty()) continue;
    const size_t eq = param.find('=');
    if (eq == std::string_view::npos) return std::nullopt;
    std::string name = Lower(Trim(param.substr(0, eq)));
    std::string_view value = Trim(param.substr(eq + 1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"')
      value = value.substr(1, value.size() - 2);
    if (name == "charset") out.charset = Lower(value);
  }
  return out;
}

std::string AcceptedList(const std::vector<std::string>& accepted) {
  std::string out;
  for (size_t i = 0; i < accepted.size(); ++i) {
    if (i > 0) out += i + 1 == accepted.size() ? " or " : ", ";
    out += accepted[i];
  }
  return out;
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

Result<std::string> AcceptedMediaType(const Request& request, const std::vector<std::string>& accepted) {
  const std::string expected = "Content-Type must be " + AcceptedList(accepted);
  auto content_type = request.Header("Content-Type");
  if (!content_type) return Status::Error("unsupported_media_type", expected + " (none was given)");
  auto media = ParseMediaType(*content_type);
  if (!media) return Status::Error("unsupported_media_type", expected + " (Content-Type is malformed)");
  bool known = false;
  for (const auto& a : accepted) known = known || a == media->type;
  if (!known) return Status::Error("unsupported_media_type", expected + ", not " + media->type);
  if (media->charset && *media->charset != "utf-8" && *media->charset != "utf8") {
    return Status::Error("unsupported_media_type",
                         "charset " + *media->charset + " is not supported: bodies are read as UTF-8");
  }
  return media->type;
}

Result<json> ParseJsonBody(const Request& request) {
  auto media = AcceptedMediaType(request, {"application/json"});
  if (!media.ok()) return media.status();
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
      return Status::Error("wrong_type", "field '" + f.name + "' must be " + TypeName(f.type));
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
