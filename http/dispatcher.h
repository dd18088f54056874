// The request pipeline between the wire and the handlers, free of any socket code:
// parse the target (path, query), route, authenticate and authorize, call the
// handler with exceptions stopped at this boundary, and record metrics.
//
//   unknown path                 -> 404 not_found
//   path known, method not       -> 405 method_not_allowed (+ Allow header)
//   bad %-escape in path/query   -> 400 bad_request
//   no / unknown bearer token    -> 401 unauthorized (+ WWW-Authenticate: Bearer)
//   role not allowed             -> 403 forbidden
//   handler throws               -> 500 internal (the exception text is not sent)
//
// Thread safety: Handle is const and thread-safe given thread-safe handlers.
// The TokenStore and HttpMetrics (either may be null) must outlive the Dispatcher.
#pragma once

#include <functional>
#include <string_view>

#include "http/auth.h"
#include "http/http_metrics.h"
#include "http/message.h"
#include "http/router.h"

namespace cc::http {

class Dispatcher {
 public:
  // Null `tokens`: authenticated routes always answer 401. Null `metrics`: none kept.
  // `log` (may be empty) receives one line per handler that threw.
  Dispatcher(Router router, const TokenStore* tokens, HttpMetrics* metrics,
             std::function<void(std::string_view)> log = {});

  // REQUIRES: request.method, target, headers, body (and remote_address) are set.
  // Fills path, query, params, route_pattern and principal, then answers.
  Response Handle(Request& request) const;

  // Records a response the server produced without routing (malformed request,
  // oversized body, over capacity).
  void RecordUnrouted(int status) const;

 private:
  Response Route(Request& request) const;

  Router router_;
  const TokenStore* tokens_;
  HttpMetrics* metrics_;
  std::function<void(std::string_view)> log_;
};

}  // namespace cc::http
