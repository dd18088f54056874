// A tiny blocking HTTP/1.1 client over POSIX sockets for the server tests: it
// sends raw bytes (so tests can send garbage, partial and oversized requests) and
// parses responses. Every read waits at most kReadDeadline, so a broken server
// fails a test instead of hanging it.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cc::http::testing {

inline constexpr std::chrono::seconds kReadDeadline{10};

struct ClientResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;

  std::string Header(const std::string& lower_name) const;
  nlohmann::json Json() const;    // parsed body; null when not JSON
  std::string ErrorCode() const;  // body's error.code, or ""
};

// "METHOD target HTTP/1.1" with Host, the given headers, and Content-Length when
// `body` is non-empty.
std::string MakeRequest(std::string_view method, std::string_view target,
                        const std::vector<std::pair<std::string, std::string>>& headers = {},
                        std::string_view body = {});

class TestClient {
 public:
  // Connects to 127.0.0.1:port; nullptr on failure.
  static std::unique_ptr<TestClient> Connect(uint16_t port);
  ~TestClient();

  bool Send(std::string_view bytes);
  // Reads one response (Content-Length framed, or until close when there is none).
  // nullopt if the connection ends or the deadline passes first.
  std::optional<ClientResponse> ReadResponse();
  // Reads until the received bytes contain `marker`; returns everything up to and
  // including it (the rest stays buffered). nullopt on close or deadline.
  std::optional<std::string> ReadUntil(std::string_view marker);
  // True when the server closes the connection (EOF or reset) before the deadline;
  // received bytes are discarded.
  bool WaitForClose();
  // Convenience: Send(MakeRequest(...)) then ReadResponse().
  std::optional<ClientResponse> Request(std::string_view method, std::string_view target,
                                        const std::vector<std::pair<std::string, std::string>>& headers = {},
                                        std::string_view body = {});
  void Close();

 private:
  explicit TestClient(int fd) : fd_(fd) {}
  // Receives more bytes into buffer_; false on EOF, error or deadline.
  bool Fill(std::chrono::steady_clock::time_point deadline);

  int fd_;
  std::string buffer_;
};

}  // namespace cc::http::testing
