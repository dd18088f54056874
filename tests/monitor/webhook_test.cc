// WebhookSender against an in-test HTTP server on 127.0.0.1: signed bodies, retry
// with back-off on failures that may pass, no retry on a refusal, bounded attempts
// against a dead endpoint. Also the node-local Watchlist store.
#include "monitor/webhook.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <mutex>
#include <thread>

#include "common/hex.h"
#include "crypto/keys.h"
#include "monitor/watchlist.h"

namespace cc::monitor {
namespace {

// Accepts connections one at a time, reads one request each, answers with the next
// scripted status (200 once the script is used up) and records what it got.
class ScriptedServer {
 public:
  struct Received {
    std::string head;
    std::string body;
  };

  explicit ScriptedServer(std::deque<int> statuses) : statuses_(std::move(statuses)) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    EXPECT_EQ(::listen(fd_, 16), 0);
    socklen_t len = sizeof addr;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { Run(); });
  }
  ~ScriptedServer() {
    stop_ = true;
    thread_.join();
    ::close(fd_);
  }
  uint16_t port() const { return port_; }

  // Waits until `n` requests arrived (or 20 s passed); returns them.
  std::vector<Received> WaitFor(size_t n) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_for(lock, std::chrono::seconds(20), [&] { return received_.size() >= n; });
    return received_;
  }

 private:
  void Run() {
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      const int c = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (c < 0) continue;
      std::string data;
      size_t need = std::string::npos;
      while (data.size() < need) {
        pollfd q{c, POLLIN, 0};
        if (::poll(&q, 1, 5000) <= 0) break;
        char buf[4096];
        const ssize_t n = ::recv(c, buf, sizeof buf, 0);
        if (n <= 0) break;
        data.append(buf, static_cast<size_t>(n));
        const size_t end = data.find("\r\n\r\n");
        if (end != std::string::npos && need == std::string::npos) {
          const size_t cl = data.find("Content-Length: ");
          need = end + 4 + (cl == std::string::npos ? 0 : std::stoul(data.substr(cl + 16)));
        }
      }
      int status = 200;
      {
        std::lock_guard<std::mutex> lock(mu_);
        const size_t end = data.find("\r\n\r\n");
        received_.push_back({data.substr(0, end), end == std::string::npos ? "" : data.substr(end + 4)});
        if (!statuses_.empty()) {
          status = statuses_.front();
          statuses_.pop_front();
        }
      }
      cv_.notify_all();
      const std::string answer = "HTTP/1.1 " + std::to_string(status) + " X\r\nContent-Length: 0\r\n\r\n";
      (void)::send(c, answer.data(), answer.size(), MSG_NOSIGNAL);
      ::close(c);
    }
  }

  int fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<int> statuses_;
  std::vector<Received> received_;
  std::thread thread_;
};

std::string HeaderValue(const std::string& head, const std::string& name) {
  const size_t at = head.find("\r\n" + name + ": ");
  if (at == std::string::npos) return "";
  const size_t start = at + name.size() + 4;
  return head.substr(start, head.find("\r\n", start) - start);
}

WebhookOptions Fast(uint16_t port) {
  WebhookOptions o;
  o.url = "http://127.0.0.1:" + std::to_string(port) + "/hooks/credit";
  o.initial_backoff = std::chrono::milliseconds(10);
  o.max_backoff = std::chrono::milliseconds(40);
  o.timeout = std::chrono::milliseconds(2000);
  o.max_attempts = 4;
  return o;
}

template <class F>
void WaitUntil(F done) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (!done() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

TEST(WebhookSender, RetriesTransientFailuresAndSignsTheBody) {
  ScriptedServer server({503, 500});
  const crypto::KeyPair key = crypto::KeyPair::Generate();
  auto sender = WebhookSender::Create(Fast(server.port()), key);
  ASSERT_TRUE(sender.ok()) << sender.status().ToString();
  const std::string body = R"({"alert_id":7000001,"kind":"negative_event"})";
  ASSERT_TRUE((*sender)->Enqueue(body));
  auto got = server.WaitFor(3);
  ASSERT_EQ(got.size(), 3u);
  WaitUntil([&] { return (*sender)->delivered() == 1; });
  EXPECT_EQ((*sender)->delivered(), 1u);
  EXPECT_EQ((*sender)->attempts(), 3u);
  EXPECT_EQ((*sender)->abandoned(), 0u);
  for (const auto& r : got) {
    EXPECT_EQ(r.head.rfind("POST /hooks/credit HTTP/1.1", 0), 0u) << r.head;
    EXPECT_EQ(r.body, body);
    EXPECT_EQ(HeaderValue(r.head, "X-CreditChain-Key"), ToHex(key.public_key()));
    auto sig = FromHex(HeaderValue(r.head, "X-CreditChain-Signature"));
    ASSERT_TRUE(sig.has_value()) << r.head;
    EXPECT_TRUE(crypto::Verify(key.public_key(), r.body, *sig));
    EXPECT_FALSE(crypto::Verify(key.public_key(), r.body + " ", *sig));
  }
}

TEST(WebhookSender, ARefusalIsNotRetriedAndOrderIsKept) {
  ScriptedServer server({400});
  auto sender = WebhookSender::Create(Fast(server.port()), crypto::KeyPair::Generate());
  ASSERT_TRUE(sender.ok());
  ASSERT_TRUE((*sender)->Enqueue("{\"n\":1}"));
  ASSERT_TRUE((*sender)->Enqueue("{\"n\":2}"));
  auto got = server.WaitFor(2);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].body, "{\"n\":1}");
  EXPECT_EQ(got[1].body, "{\"n\":2}");
  WaitUntil([&] { return (*sender)->delivered() + (*sender)->abandoned() == 2; });
  EXPECT_EQ((*sender)->abandoned(), 1u);
  EXPECT_EQ((*sender)->delivered(), 1u);
  EXPECT_EQ((*sender)->attempts(), 2u);
}

TEST(WebhookSender, GivesUpOnADeadEndpointAfterMaxAttempts) {
  uint16_t dead_port = 0;
  {
    ScriptedServer probe({});
    dead_port = probe.port();
  }  // closed: connections to it are refused
  std::atomic<int> logged{0};
  WebhookOptions o = Fast(dead_port);
  o.log = [&](std::string_view) { logged++; };
  auto sender = WebhookSender::Create(o, crypto::KeyPair::Generate());
  ASSERT_TRUE(sender.ok());
  ASSERT_TRUE((*sender)->Enqueue("{}"));
  WaitUntil([&] { return (*sender)->abandoned() == 1; });
  EXPECT_EQ((*sender)->abandoned(), 1u);
  EXPECT_EQ((*sender)->attempts(), 4u);
  EXPECT_EQ(logged.load(), 1);
}

TEST(WebhookSender, RefusesBadUrlsAndBoundsItsQueue) {
  for (const char* url : {"https://example.com/x", "ftp://h/x", "http://", "http://h:0/x", "http://h:99999/x",
                          "http://h:80/a b"}) {
    WebhookOptions o;
    o.url = url;
    EXPECT_EQ(WebhookSender::Create(o, crypto::KeyPair::Generate()).status().code(), "invalid_argument")
        << url;
  }
  auto t = ParseWebhookUrl("http://alerts.member0.internal:8443/cc");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->host, "alerts.member0.internal");
  EXPECT_EQ(t->port, 8443);
  EXPECT_EQ(t->path, "/cc");
  EXPECT_EQ(ParseWebhookUrl("http://10.0.0.5")->path, "/");

  // An endpoint that never answers: a listening socket nobody accepts on (the kernel
  // completes the handshake, the request waits). The first body is in flight, one
  // waits in the queue, the third is dropped.
  const int silent = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(silent, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(::listen(silent, 4), 0);
  socklen_t len = sizeof addr;
  ::getsockname(silent, reinterpret_cast<sockaddr*>(&addr), &len);
  WebhookOptions o = Fast(ntohs(addr.sin_port));
  o.max_queue = 1;
  o.timeout = std::chrono::milliseconds(60000);
  auto sender = WebhookSender::Create(o, crypto::KeyPair::Generate());
  ASSERT_TRUE(sender.ok());
  ASSERT_TRUE((*sender)->Enqueue("1"));
  WaitUntil([&] { return (*sender)->attempts() == 1; });
  EXPECT_TRUE((*sender)->Enqueue("2"));
  EXPECT_FALSE((*sender)->Enqueue("3"));
  EXPECT_EQ((*sender)->dropped(), 1u);
  // Destruction interrupts the attempt in flight (its timeout is a minute; the
  // test's own time limit would catch a destructor that waited for it).
  sender->reset();
  ::close(silent);
}

TEST(Watchlist, PersistsPagesAndBoundsNotes) {
  const std::string dir =
      std::filesystem::temp_directory_path() / ("cc-watchlist-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  const std::string a(32, 'a'), b(32, 'b'), c(32, 'c');
  {
    auto w = Watchlist::Open(dir);
    ASSERT_TRUE(w.ok()) << w.status().ToString();
    EXPECT_EQ(*(*w)->Add(b, "loan b", 100), true);
    EXPECT_EQ(*(*w)->Add(a, "loan a", 200), true);
    EXPECT_EQ(*(*w)->Add(c, "", 300), true);
    EXPECT_EQ(*(*w)->Add(a, "loan a, refinanced", 400), false);
    EXPECT_EQ(*(*w)->Remove(c), true);
    EXPECT_EQ(*(*w)->Remove(c), false);
    EXPECT_EQ((*w)->Add(std::string(31, 'x'), "", 1).status().code(), "invalid_argument");
    EXPECT_EQ((*w)->Add(c, std::string(Watchlist::kMaxNoteBytes + 1, 'n'), 1).status().code(),
              "invalid_argument");
  }
  auto w = Watchlist::Open(dir);
  ASSERT_TRUE(w.ok());
  EXPECT_EQ((*w)->size(), 2u);
  EXPECT_TRUE((*w)->Contains(a));
  EXPECT_FALSE((*w)->Contains(c));
  auto entry = (*w)->Get(a);
  ASSERT_TRUE(entry.has_value());
  EXPECT_EQ(entry->note, "loan a, refinanced");
  EXPECT_EQ(entry->added_ms, 200u);  // a replaced note keeps the time it was added
  auto first = (*w)->List("", 1);
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].subject_key, a);
  auto second = (*w)->List(a, 10);
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0].subject_key, b);
  w->reset();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace cc::monitor
