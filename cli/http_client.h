// HttpClient: a minimal blocking HTTP/1.1 client over plain POSIX sockets, for
// creditctl's calls to a node's API (submit, bench).
//
// One HttpClient holds at most one keep-alive connection to one host:port and sends
// one request at a time. A request on a kept-alive connection that the server has
// closed meanwhile (idle timeout) is retried once on a fresh connection; nothing
// else is retried, so a POST is never sent twice after the server may have read it.
// Responses may use Content-Length, chunked transfer coding, or (with
// "Connection: close") end at EOF. Every socket operation is bounded by `timeout`.
//
// Errors are Status values: "usage" (a bad URL), "connect" (cannot connect),
// "io" (send/receive failed or timed out), "protocol" (unparsable response).
//
// Thread safety: none; use one HttpClient per thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"

namespace cc::cli {

struct HttpUrl {
  std::string host;  // name or IPv4/IPv6 literal (without brackets)
  uint16_t port = 80;
  std::string path;  // "" when the URL names no path
};

// Parses "http://host:port[/path]" or "host:port". Code "usage" otherwise.
Result<HttpUrl> ParseHttpUrl(const std::string& text);

struct HttpResponse {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;  // names as sent
  std::string body;
  // The value of the first header named `name` (case-insensitive), or "".
  std::string Header(const std::string& name) const;
};

class HttpClient {
 public:
  HttpClient(std::string host, uint16_t port,
             std::chrono::milliseconds timeout = std::chrono::milliseconds(30000));
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Sends one request; `bearer_token` "" sends no Authorization header.
  // `content_type` is sent only with a non-empty body.
  Result<HttpResponse> Send(const std::string& method, const std::string& target,
                            const std::string& bearer_token = "", const std::string& body = "",
                            const std::string& content_type = "application/json");

  Result<HttpResponse> Get(const std::string& target, const std::string& bearer_token = "") {
    return Send("GET", target, bearer_token);
  }
  Result<HttpResponse> PostJson(const std::string& target, const std::string& bearer_token,
                                const std::string& body) {
    return Send("POST", target, bearer_token, body);
  }

  // Closes the connection (the next request opens a new one).
  void Close();
  // Connections opened so far (keep-alive reuse makes this small).
  uint64_t connections_opened() const { return connections_opened_; }

 private:
  Status Connect();
  Status WriteAll(const std::string& data);
  Result<HttpResponse> ReadResponse(bool head_request, bool* keep_alive);
  Status Fill();  // reads more bytes into buffer_; "io" on EOF or error

  std::string host_;
  uint16_t port_;
  std::chrono::milliseconds timeout_;
  int fd_ = -1;
  std::string buffer_;  // received but not yet consumed
  bool eof_ = false;
  uint64_t bytes_received_ = 0;
  uint64_t connections_opened_ = 0;
};

}  // namespace cc::cli
