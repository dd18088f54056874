// HTTP request and response values exchanged between HttpServer and handlers.
//
// These are plain structs with no dependency on Boost.Beast, so handler code and
// tests compile without the (slow) Beast headers. The server parses a wire request
// into a Request (decoded query, path parameters filled in by the Router) and
// serializes a Response back; a Response may instead carry an SseStream, which
// switches the connection into Server-Sent Events mode (see sse.h).
//
// Header names are matched case-insensitively (RFC 9110); values are kept verbatim.
//
// Thread safety: plain values; a Request is only read by the handler it is given to.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cc::http {

class SseStream;
enum class Role;

// An authenticated API client (set on a Request by the server when the route
// requires authentication).
struct Principal {
  std::string name;
  Role role;
};

using HeaderList = std::vector<std::pair<std::string, std::string>>;

// Value of the first header named `name` (case-insensitive), or nullopt.
std::optional<std::string_view> FindHeader(const HeaderList& headers, std::string_view name);

struct Request {
  std::string method;  // as sent, e.g. "GET"
  std::string target;  // as sent, e.g. "/v1/blocks/7?proof=true"
  std::string path;    // target up to '?', not decoded, e.g. "/v1/blocks/7"
  // Decoded query parameters ('+' is a space, %XX escapes). A repeated name keeps
  // its first value.
  std::map<std::string, std::string> query;
  // Decoded path parameters from the matched route pattern ("{height}" -> "7").
  std::map<std::string, std::string> params;
  HeaderList headers;
  std::string body;
  std::string remote_address;          // "ip:port" of the peer
  std::string route_pattern;           // the matched pattern, e.g. "/v1/blocks/{height}"
  std::optional<Principal> principal;  // set iff the route requires authentication

  std::optional<std::string_view> Header(std::string_view name) const { return FindHeader(headers, name); }
  // Path parameter by name ("" when absent); query parameter by name.
  std::string Param(const std::string& name) const;
  std::optional<std::string> Query(const std::string& name) const;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  HeaderList headers;  // extra headers; Content-Length/Connection are set by the server
  std::string body;
  // When set, the server sends the status line and headers, then streams the events
  // pushed into this stream until it is closed (by the node, by overflow, or by the
  // client disconnecting). `body` is ignored.
  std::shared_ptr<SseStream> stream;

  Response& SetHeader(std::string name, std::string value);

  static Response Text(int status, std::string body, std::string content_type = "text/plain; charset=utf-8");
  // 200 "text/event-stream" response that streams `stream`.
  static Response EventStream(std::shared_ptr<SseStream> stream);
};

// Percent-decoding. In query strings '+' means a space; in paths it does not.
// nullopt on a malformed escape ("%4", "%zz").
std::optional<std::string> UrlDecode(std::string_view in, bool plus_is_space);
// Parses "a=1&b=x%20y&flag" into {a:"1", b:"x y", flag:""}; first value wins.
// nullopt on a malformed escape.
std::optional<std::map<std::string, std::string>> ParseQueryString(std::string_view query);

}  // namespace cc::http
