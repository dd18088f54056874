#include "http/dispatcher.h"

#include <chrono>
#include <exception>

#include "http/json_api.h"

namespace cc::http {

Dispatcher::Dispatcher(Router router, const TokenStore* tokens, HttpMetrics* metrics,
                       std::function<void(std::string_view)> log)
    : router_(std::move(router)), tokens_(tokens), metrics_(metrics), log_(std::move(log)) {}

Response Dispatcher::Handle(Request& request) const {
  const auto start = std::chrono::steady_clock::now();
  Response response = Route(request);
  if (metrics_ != nullptr) {
    const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
    metrics_->RecordRequest(request.method, request.route_pattern, response.status, elapsed.count());
  }
  return response;
}

void Dispatcher::RecordUnrouted(int status) const {
  if (metrics_ != nullptr) metrics_->RecordRequest("", "", status, 0);
}

Response Dispatcher::Route(Request& request) const {
  const size_t q = request.target.find('?');
  request.path = request.target.substr(0, q);
  if (q != std::string::npos) {
    auto query = ParseQueryString(std::string_view(request.target).substr(q + 1));
    if (!query) return ErrorResponse(400, "bad_request", "malformed percent-escape in query");
    request.query = std::move(*query);
  }

  Router::Match match = router_.Find(request.method, request.path);
  switch (match.kind) {
    case Router::Match::Kind::kNotFound:
      return ErrorResponse(404, "not_found", "no route for " + request.path);
    case Router::Match::Kind::kMethodNotAllowed: {
      Response r =
          ErrorResponse(405, "method_not_allowed", request.method + " is not allowed on " + request.path);
      r.SetHeader("Allow", match.allow);
      return r;
    }
    case Router::Match::Kind::kBadPath:
      return ErrorResponse(400, "bad_request", "malformed percent-escape in path");
    case Router::Match::Kind::kFound:
      break;
  }
  const Router::Route& route = *match.route;
  request.route_pattern = route.pattern;
  request.params = std::move(match.params);

  if (!route.access.is_public()) {
    if (tokens_ == nullptr) return ErrorResponse(401, "unauthorized", "no API tokens configured");
    Result<Principal> principal = tokens_->Authenticate(request.Header("Authorization"));
    if (!principal.ok()) return ErrorResponse(401, principal.status());
    if (!route.access.Allows(principal->role)) {
      return ErrorResponse(403, "forbidden",
                           "role '" + std::string(RoleName(principal->role)) + "' may not call " +
                               request.method + " " + route.pattern);
    }
    request.principal = std::move(*principal);
  }

  // Exceptions stop here: the client gets a generic 500 (the exception text may hold
  // internals), the operator gets the text in the log.
  std::string what;
  try {
    return route.handler(request);
  } catch (const std::exception& e) {
    what = e.what();
  } catch (...) {
    what = "non-standard exception";
  }
  if (log_) log_("http handler " + request.method + " " + route.pattern + " threw: " + what);
  return ErrorResponse(500, "internal", "internal error");
}

}  // namespace cc::http
