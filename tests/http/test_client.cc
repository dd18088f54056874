#include "tests/http/test_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>

namespace cc::http::testing {

std::string ClientResponse::Header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  return it == headers.end() ? std::string() : it->second;
}

nlohmann::json ClientResponse::Json() const {
  auto j = nlohmann::json::parse(body, nullptr, false);
  return j.is_discarded() ? nlohmann::json() : j;
}

std::string ClientResponse::ErrorCode() const {
  const nlohmann::json j = Json();
  if (!j.is_object() || !j.contains("error") || !j["error"].contains("code")) return "";
  return j["error"]["code"].get<std::string>();
}

std::string MakeRequest(std::string_view method, std::string_view target,
                        const std::vector<std::pair<std::string, std::string>>& headers,
                        std::string_view body) {
  std::string out = std::string(method) + " " + std::string(target) + " HTTP/1.1\r\nHost: test\r\n";
  for (const auto& [k, v] : headers) out += k + ": " + v + "\r\n";
  if (!body.empty()) out += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  out += "\r\n";
  out += body;
  return out;
}

std::unique_ptr<TestClient> TestClient::Connect(uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return nullptr;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    ::close(fd);
    return nullptr;
  }
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  return std::unique_ptr<TestClient>(new TestClient(fd));
}

TestClient::~TestClient() { Close(); }

void TestClient::Close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

bool TestClient::Send(std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

bool TestClient::Fill(std::chrono::steady_clock::time_point deadline) {
  if (fd_ < 0) return false;
  while (true) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd_, POLLIN, 0};
    const int ready = ::poll(&p, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) return false;
    char chunk[4096];
    const ssize_t n = ::recv(fd_, chunk, sizeof(chunk), 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    buffer_.append(chunk, static_cast<size_t>(n));
    return true;
  }
}

std::optional<std::string> TestClient::ReadUntil(std::string_view marker) {
  const auto deadline = std::chrono::steady_clock::now() + kReadDeadline;
  while (true) {
    const size_t pos = buffer_.find(marker);
    if (pos != std::string::npos) {
      std::string out = buffer_.substr(0, pos + marker.size());
      buffer_.erase(0, pos + marker.size());
      return out;
    }
    if (!Fill(deadline)) return std::nullopt;
  }
}

std::optional<ClientResponse> TestClient::ReadResponse() {
  const auto deadline = std::chrono::steady_clock::now() + kReadDeadline;
  auto head = ReadUntil("\r\n\r\n");
  if (!head) return std::nullopt;
  ClientResponse r;
  // "HTTP/1.1 200 OK"
  const size_t sp = head->find(' ');
  if (sp == std::string::npos) return std::nullopt;
  r.status = std::atoi(head->c_str() + sp + 1);
  size_t line = head->find("\r\n") + 2;
  while (line < head->size() - 2) {
    const size_t end = head->find("\r\n", line);
    const std::string field = head->substr(line, end - line);
    const size_t colon = field.find(':');
    if (colon != std::string::npos) {
      std::string name = field.substr(0, colon);
      std::transform(name.begin(), name.end(), name.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      size_t v = colon + 1;
      while (v < field.size() && field[v] == ' ') ++v;
      r.headers[name] = field.substr(v);
    }
    line = end + 2;
  }
  if (r.headers.count("content-length")) {
    const size_t length = std::strtoul(r.headers["content-length"].c_str(), nullptr, 10);
    while (buffer_.size() < length) {
      if (!Fill(deadline)) return std::nullopt;
    }
    r.body = buffer_.substr(0, length);
    buffer_.erase(0, length);
  } else if (r.status >= 200 && r.status != 204 && r.status != 304) {
    while (Fill(deadline)) {
    }
    r.body = std::move(buffer_);
    buffer_.clear();
  }
  return r;
}

bool TestClient::WaitForClose() {
  const auto deadline = std::chrono::steady_clock::now() + kReadDeadline;
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd p{fd_, POLLIN, 0};
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    const int ready = ::poll(&p, 1, static_cast<int>(std::max<int64_t>(left.count(), 1)));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) return false;
    char chunk[4096];
    const ssize_t n = ::recv(fd_, chunk, sizeof(chunk), 0);
    if (n == 0) return true;                                            // orderly close
    if (n < 0 && (errno == ECONNRESET || errno == EPIPE)) return true;  // reset
    if (n < 0 && errno != EINTR) return false;
  }
  return false;
}

std::optional<ClientResponse> TestClient::Request(
    std::string_view method, std::string_view target,
    const std::vector<std::pair<std::string, std::string>>& headers, std::string_view body) {
  if (!Send(MakeRequest(method, target, headers, body))) return std::nullopt;
  return ReadResponse();
}

}  // namespace cc::http::testing
