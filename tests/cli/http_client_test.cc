// HttpClient against a scripted raw-socket server on 127.0.0.1: keep-alive reuse,
// the three ways a body can end (Content-Length, chunked, EOF), the one safe retry
// when the server closed an idle kept-alive connection, and the error codes.
#include "cli/http_client.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <condition_variable>
#include <mutex>
#include <thread>

namespace cc::cli {
namespace {

// Accepts connections one after another; on connection i it answers each request
// it reads with the next response of scripts[i], then closes the connection.
class ScriptedServer {
 public:
  explicit ScriptedServer(std::vector<std::vector<std::string>> scripts) : scripts_(std::move(scripts)) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    EXPECT_EQ(::listen(listen_fd_, 8), 0);
    socklen_t len = sizeof addr;
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { Run(); });
  }
  ~ScriptedServer() {
    ::shutdown(listen_fd_, SHUT_RDWR);
    ::close(listen_fd_);
    thread_.join();
  }

  uint16_t port() const { return port_; }
  // Blocks until `n` connections have been served and closed.
  void WaitClosed(size_t n) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return closed_ >= n; });
  }
  std::vector<std::string> requests() {
    std::lock_guard<std::mutex> lock(mu_);
    return requests_;
  }

 private:
  void Run() {
    for (const auto& script : scripts_) {
      const int fd = ::accept(listen_fd_, nullptr, nullptr);
      if (fd < 0) return;
      std::string buffer;
      for (const auto& response : script) {
        if (!ReadRequest(fd, buffer)) break;
        size_t off = 0;
        while (off < response.size()) {
          const ssize_t n = ::send(fd, response.data() + off, response.size() - off, MSG_NOSIGNAL);
          if (n <= 0) break;
          off += static_cast<size_t>(n);
        }
      }
      ::close(fd);
      std::lock_guard<std::mutex> lock(mu_);
      ++closed_;
      cv_.notify_all();
    }
  }

  bool ReadRequest(int fd, std::string& buffer) {
    size_t head_end;
    char buf[4096];
    while ((head_end = buffer.find("\r\n\r\n")) == std::string::npos) {
      const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n <= 0) return false;
      buffer.append(buf, static_cast<size_t>(n));
    }
    size_t length = 0;
    const size_t cl = buffer.find("Content-Length: ");
    if (cl != std::string::npos && cl < head_end) length = std::stoul(buffer.substr(cl + 16));
    while (buffer.size() < head_end + 4 + length) {
      const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n <= 0) return false;
      buffer.append(buf, static_cast<size_t>(n));
    }
    std::lock_guard<std::mutex> lock(mu_);
    requests_.push_back(buffer.substr(0, head_end + 4 + length));
    buffer.erase(0, head_end + 4 + length);
    return true;
  }

  std::vector<std::vector<std::string>> scripts_;
  int listen_fd_ = -1;
  uint16_t port_ = 0;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  size_t closed_ = 0;
  std::vector<std::string> requests_;
};

std::string Ok(const std::string& body) {
  return "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\n\r\n" + body;
}

TEST(HttpClient, KeepAliveSendsRequestsOnOneConnection) {
  const std::string chunked =
      "HTTP/1.1 207 Multi-Status\r\nTransfer-Encoding: chunked\r\n\r\n"
      "5;ext=1\r\nhello\r\n7\r\n, world\r\n0\r\nX-Trailer: t\r\n\r\n";
  ScriptedServer server({{Ok("{\"a\":1}"), chunked, Ok("")}});
  HttpClient client("127.0.0.1", server.port());
  auto first = client.Get("/v1/status", "tok");
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->status, 200);
  EXPECT_EQ(first->body, "{\"a\":1}");
  EXPECT_EQ(first->Header("content-type"), "application/json");
  auto second = client.PostJson("/v1/txs", "tok", "{\"txs\":[]}");
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(second->status, 207);
  EXPECT_EQ(second->body, "hello, world");
  auto third = client.Send("POST", "/empty", "");
  ASSERT_TRUE(third.ok()) << third.status().ToString();
  EXPECT_EQ(third->body, "");
  EXPECT_EQ(client.connections_opened(), 1u);

  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[0].rfind("GET /v1/status HTTP/1.1\r\n", 0), 0u) << requests[0];
  EXPECT_NE(requests[0].find("Authorization: Bearer tok\r\n"), std::string::npos);
  EXPECT_EQ(requests[1].rfind("POST /v1/txs HTTP/1.1\r\n", 0), 0u);
  EXPECT_NE(requests[1].find("Content-Type: application/json\r\n"), std::string::npos);
  EXPECT_EQ(requests[1].substr(requests[1].size() - 10), "{\"txs\":[]}");
  EXPECT_EQ(requests[2].find("Authorization"), std::string::npos);
  EXPECT_NE(requests[2].find("Content-Length: 0\r\n"), std::string::npos);
}

TEST(HttpClient, RetriesOnceOnAFreshConnectionWhenTheServerClosedAnIdleOne) {
  ScriptedServer server({{Ok("one")}, {Ok("two")}});
  HttpClient client("127.0.0.1", server.port());
  ASSERT_TRUE(client.Get("/").ok());
  server.WaitClosed(1);  // the server dropped the kept-alive connection
  auto again = client.PostJson("/v1/txs", "t", "{}");
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->body, "two");
  EXPECT_EQ(client.connections_opened(), 2u);
  EXPECT_EQ(server.requests().size(), 2u) << "the request reached the server exactly once";
}

TEST(HttpClient, ABodyWithoutLengthEndsAtCloseAndTheNextRequestReconnects) {
  ScriptedServer server({{"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nuntil the end"}, {Ok("next")}});
  HttpClient client("127.0.0.1", server.port());
  auto r = client.Get("/metrics");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->body, "until the end");
  auto next = client.Get("/metrics");
  ASSERT_TRUE(next.ok()) << next.status().ToString();
  EXPECT_EQ(next->body, "next");
  EXPECT_EQ(client.connections_opened(), 2u);
}

TEST(HttpClient, ErrorsAreStatusValues) {
  {
    ScriptedServer server({{"SMTP ready\r\n\r\n"}});
    HttpClient client("127.0.0.1", server.port());
    auto r = client.Get("/");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), "protocol");
  }
  {
    ScriptedServer server({{"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort"}});
    HttpClient client("127.0.0.1", server.port());
    auto r = client.Get("/");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), "io");
  }
  // A port nobody listens on: bind one, then close it.
  uint16_t port = 0;
  {
    ScriptedServer server({});
    port = server.port();
  }
  HttpClient client("127.0.0.1", port);
  auto r = client.Get("/");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), "connect");
}

TEST(HttpClient, ParsesUrls) {
  auto u = ParseHttpUrl("http://127.0.0.1:26700");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->host, "127.0.0.1");
  EXPECT_EQ(u->port, 26700);
  EXPECT_EQ(u->path, "");
  u = ParseHttpUrl("localhost:8080/v1/status");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->host, "localhost");
  EXPECT_EQ(u->port, 8080);
  EXPECT_EQ(u->path, "/v1/status");
  u = ParseHttpUrl("http://[::1]:9000/");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->host, "::1");
  EXPECT_EQ(u->port, 9000);
  u = ParseHttpUrl("http://node.example");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->port, 80);
  for (const char* bad :
       {"https://x:1", "http://:80", "http://x:0", "http://x:70000", "http://x:8a", "http://[::1"}) {
    auto b = ParseHttpUrl(bad);
    ASSERT_FALSE(b.ok()) << bad;
    EXPECT_EQ(b.status().code(), "usage") << bad;
  }
}

}  // namespace
}  // namespace cc::cli
