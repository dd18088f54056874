// Request routing: (method, path pattern) -> handler, with per-route access rules.
//
// A pattern is "/"-separated segments, each either a literal or a parameter
// "{name}" that matches one non-empty path segment (percent-decoded into
// Request::params). Examples: "/healthz", "/v1/blocks/{height}",
// "/v1/subjects/{key}/events". When several patterns match a path, the most specific
// wins: segments are compared left to right and a literal beats a parameter, so
// "/v1/blocks/latest" is chosen over "/v1/blocks/{height}" for "/v1/blocks/latest".
// A path that matches some pattern but not with the request's method yields
// "method not allowed" with the allowed methods; no match at all yields "not found".
//
// Handlers are called on the server's I/O threads, possibly several at once (one
// per connection): a handler MUST be thread-safe and should not block for long (a
// blocked handler holds one I/O thread). A handler may throw; the server answers 500
// "internal" and keeps serving (exceptions stop at the request boundary).
//
// Thread safety: build the Router on one thread, then hand it to the server; Find
// is const and thread-safe.
#pragma once

#include <functional>
#include <initializer_list>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "http/auth.h"
#include "http/message.h"

namespace cc::http {

using Handler = std::function<Response(const Request&)>;

// Who may call a route. Public routes (/healthz, /readyz, /metrics) need no token;
// the others need a valid bearer token whose role is listed, and admin is always
// allowed.
class Access {
 public:
  static Access Public() { return Access(true, {}); }
  static Access Roles(std::initializer_list<Role> roles) { return Access(false, roles); }
  static Access AdminOnly() { return Access(false, {}); }

  bool is_public() const { return public_; }
  bool Allows(Role role) const;

 private:
  Access(bool is_public, std::vector<Role> roles) : public_(is_public), roles_(std::move(roles)) {}
  bool public_;
  std::vector<Role> roles_;
};

class Router {
 public:
  struct Route {
    std::string method;
    std::string pattern;
    Access access;
    Handler handler;
    std::vector<std::string> segments;  // "{x}" marks a parameter
  };

  struct Match {
    enum class Kind { kFound, kNotFound, kMethodNotAllowed, kBadPath };
    Kind kind = Kind::kNotFound;
    const Route* route = nullptr;               // kFound
    std::map<std::string, std::string> params;  // kFound: decoded path parameters
    std::string allow;                          // kMethodNotAllowed: "GET, POST"
  };

  // REQUIRES: pattern starts with '/', parameter names are non-empty and unique in
  // the pattern, and (method, pattern) is not already registered. A violation is a
  // programming error and aborts.
  void Add(std::string method, std::string pattern, Access access, Handler handler);
  void Get(std::string pattern, Access access, Handler handler) {
    Add("GET", std::move(pattern), std::move(access), std::move(handler));
  }
  void Post(std::string pattern, Access access, Handler handler) {
    Add("POST", std::move(pattern), std::move(access), std::move(handler));
  }
  void Delete(std::string pattern, Access access, Handler handler) {
    Add("DELETE", std::move(pattern), std::move(access), std::move(handler));
  }

  // `path` is the raw (not decoded) path without the query string. kBadPath when
  // a matching parameter segment holds a malformed percent escape.
  Match Find(std::string_view method, std::string_view path) const;

  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
};

}  // namespace cc::http
