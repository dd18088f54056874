// HttpServer: an HTTP/1.1 server on Boost.Beast for the node's API.
//
// The server accepts connections on one address, reads requests with strict limits,
// passes each complete request through a Dispatcher (routing, auth, metrics,
// exception boundary; see dispatcher.h) and writes the Response. Connections are
// kept alive per HTTP/1.1 rules. A Response carrying an SseStream turns the
// connection into a Server-Sent Events stream (sse.h).
//
// Limits and robustness (each answered without disturbing other connections):
//   - request header section > max_header_bytes      -> 431 header_too_large, close
//   - Content-Length > max_body_bytes                 -> 413 body_too_large before the
//     body is read, close
//   - chunked body growing past max_body_bytes        -> 413 body_too_large, close
//   - unparsable request                              -> 400 bad_request, close
//   - a request not complete within read_timeout (also the idle limit between
//     keep-alive requests; defeats slowloris)         -> connection closed
//   - a client not reading a response within write_timeout -> connection closed
//   - more than max_connections open                  -> 503 unavailable, close
// Error responses that end a connection before its request was fully read are
// followed by a short lingering close, so the client reads the answer rather than a
// reset.
//
// Thread safety: Start and Stop are called from one owner thread. Handlers run on
// the server's `threads` I/O threads and must be thread-safe (router.h).
// Lifetime: the TokenStore and HttpMetrics passed in (may be null) must outlive the
// server. Stop (also run by the destructor) closes every connection; open SSE
// streams close with CloseReason::kServerStopped.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"
#include "http/auth.h"
#include "http/http_metrics.h"
#include "http/router.h"

namespace cc::http {

struct ServerOptions {
  std::string address = "127.0.0.1";
  uint16_t port = 0;  // 0: an ephemeral port, see HttpServer::port()
  int threads = 2;
  size_t max_body_bytes = 1 << 20;
  size_t max_header_bytes = 16 * 1024;
  // Time allowed to receive one whole request, counted from when the server starts
  // waiting for it (so it also bounds idle keep-alive connections).
  std::chrono::milliseconds read_timeout{10'000};
  std::chrono::milliseconds write_timeout{10'000};
  size_t max_connections = 512;
  // Interval of SSE keep-alive comments (they also detect dead peers); 0 disables.
  std::chrono::milliseconds sse_heartbeat{15'000};
  // Receives operator-relevant errors (a handler threw, accept failed). May be empty.
  std::function<void(std::string_view)> log;
};

class HttpServer {
 public:
  using Options = ServerOptions;

  HttpServer(Options options, Router router, const TokenStore* tokens, HttpMetrics* metrics);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds, listens and starts the I/O threads. Codes: "invalid_argument" (bad
  // address or options), "bind" (cannot listen, e.g. port in use), "state" (already
  // started).
  Status Start();
  // Stops accepting, closes all connections and joins the threads (so it waits for
  // handlers that are running to return). Idempotent; the server cannot be
  // restarted.
  void Stop();
  // The bound port. REQUIRES: Start() succeeded.
  uint16_t port() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace cc::http
