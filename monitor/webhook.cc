#include "monitor/webhook.h"

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "common/hex.h"

namespace cc::monitor {

namespace {

using SteadyClock = std::chrono::steady_clock;

// An fd closed on scope exit.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

}  // namespace

Result<WebhookTarget> ParseWebhookUrl(std::string_view url) {
  constexpr std::string_view kScheme = "http://";
  if (url.substr(0, kScheme.size()) != kScheme) {
    return Status::Error("invalid_argument", "webhook url: expected http://host:port/path");
  }
  std::string_view rest = url.substr(kScheme.size());
  const size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  WebhookTarget t;
  t.path = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
  const size_t colon = authority.rfind(':');
  if (colon != std::string_view::npos && authority.find(']') == std::string_view::npos) {
    std::string_view port = authority.substr(colon + 1);
    uint32_t v = 0;
    if (port.empty() || port.size() > 5) return Status::Error("invalid_argument", "webhook url: bad port");
    for (char c : port) {
      if (c < '0' || c > '9') return Status::Error("invalid_argument", "webhook url: bad port");
      v = v * 10 + static_cast<uint32_t>(c - '0');
    }
    if (v == 0 || v > 65535) return Status::Error("invalid_argument", "webhook url: bad port");
    t.port = static_cast<uint16_t>(v);
    authority = authority.substr(0, colon);
  }
  if (authority.size() >= 2 && authority.front() == '[' && authority.back() == ']') {
    authority = authority.substr(1, authority.size() - 2);
  }
  if (authority.empty()) return Status::Error("invalid_argument", "webhook url: no host");
  for (char c : t.path) {
    if (c <= ' ' || c == 0x7f) return Status::Error("invalid_argument", "webhook url: bad character in path");
  }
  t.host = std::string(authority);
  return t;
}

Result<std::unique_ptr<WebhookSender>> WebhookSender::Create(WebhookOptions options, crypto::KeyPair key) {
  auto target = ParseWebhookUrl(options.url);
  if (!target.ok()) return target.status();
  if (options.max_attempts == 0 || options.max_queue == 0 || options.timeout.count() <= 0) {
    return Status::Error("invalid_argument", "webhook: max_attempts, max_queue and timeout must be positive");
  }
  return std::unique_ptr<WebhookSender>(
      new WebhookSender(std::move(options), std::move(*target), std::move(key)));
}

WebhookSender::WebhookSender(WebhookOptions options, WebhookTarget target, crypto::KeyPair key)
    : options_(std::move(options)), target_(std::move(target)), key_(std::move(key)) {
  thread_ = std::thread([this] { Run(); });
}

WebhookSender::~WebhookSender() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

bool WebhookSender::Enqueue(std::string body) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (queue_.size() >= options_.max_queue) {
      dropped_++;
      if (options_.log) options_.log("alert webhook queue full: alert dropped");
      return false;
    }
    queue_.push_back(std::move(body));
  }
  cv_.notify_all();
  return true;
}

bool WebhookSender::Sleep(std::chrono::milliseconds d) {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait_for(lock, d, [this] { return stop_; });
  return !stop_;
}

void WebhookSender::Run() {
  for (;;) {
    std::string body;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [this] { return stop_ || !queue_.empty(); });
      if (stop_) return;
      body = std::move(queue_.front());
      queue_.pop_front();
    }
    std::chrono::milliseconds backoff = options_.initial_backoff;
    int status = 0;
    for (uint32_t attempt = 1;; ++attempt) {
      attempts_++;
      status = Post(body);
      if (status >= 200 && status < 300) {
        delivered_++;
        break;
      }
      const bool retryable = status == 0 || status == 408 || status == 429 || status >= 500;
      if (!retryable || attempt >= options_.max_attempts) {
        abandoned_++;
        if (options_.log) {
          options_.log("alert webhook gave up after " + std::to_string(attempt) + " attempt(s), last " +
                       (status == 0 ? std::string("no answer") : "HTTP " + std::to_string(status)));
        }
        break;
      }
      if (!Sleep(backoff)) return;
      backoff = std::min(backoff * 2, options_.max_backoff);
    }
  }
}

int WebhookSender::Post(const std::string& body) {
  const auto deadline = SteadyClock::now() + options_.timeout;
  auto stopping = [this] {
    std::lock_guard<std::mutex> lock(mu_);
    return stop_;
  };
  // Waits for `events` on fd in slices, so a stop is noticed quickly.
  auto wait = [&](int fd, short events) {
    for (;;) {
      if (stopping()) return false;
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - SteadyClock::now()).count();
      if (left <= 0) return false;
      pollfd p{fd, events, 0};
      const int r = ::poll(&p, 1, static_cast<int>(std::min<int64_t>(left, 100)));
      if (r > 0) return true;
      if (r < 0 && errno != EINTR) return false;
    }
  };

  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (::getaddrinfo(target_.host.c_str(), std::to_string(target_.port).c_str(), &hints, &found) != 0)
    return 0;
  std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> addrs(found, &::freeaddrinfo);
  const addrinfo* ai = addrs.get();
  Fd fd(::socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol));
  if (fd.get() < 0) return 0;
  if (::connect(fd.get(), ai->ai_addr, ai->ai_addrlen) != 0) {
    if (errno != EINPROGRESS || !wait(fd.get(), POLLOUT)) return 0;
    int err = 0;
    socklen_t len = sizeof err;
    if (::getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &err, &len) != 0 || err != 0) return 0;
  }

  std::string request = "POST " + target_.path + " HTTP/1.1\r\nHost: " + target_.host + ":" +
                        std::to_string(target_.port) +
                        "\r\nUser-Agent: creditd\r\nContent-Type: application/json\r\nConnection: close\r\n"
                        "X-CreditChain-Signature: " +
                        ToHex(key_.Sign(body)) + "\r\nX-CreditChain-Key: " + ToHex(key_.public_key()) +
                        "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  size_t sent = 0;
  while (sent < request.size()) {
    const ssize_t n = ::send(fd.get(), request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n > 0) {
      sent += static_cast<size_t>(n);
    } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
      if (!wait(fd.get(), POLLOUT)) return 0;
    } else {
      return 0;
    }
  }

  // Only the status line matters: "HTTP/1.x NNN ...".
  std::string head;
  while (head.find("\r\n") == std::string::npos && head.size() < 1024) {
    if (!wait(fd.get(), POLLIN)) return 0;
    char buf[512];
    const ssize_t n = ::recv(fd.get(), buf, sizeof buf, 0);
    if (n > 0) {
      head.append(buf, static_cast<size_t>(n));
    } else if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
      return 0;
    }
  }
  if (head.size() < 12 || head.compare(0, 7, "HTTP/1.") != 0 || head[8] != ' ') return 0;
  int status = 0;
  for (size_t i = 9; i < 12; ++i) {
    if (head[i] < '0' || head[i] > '9') return 0;
    status = status * 10 + (head[i] - '0');
  }
  return status;
}

}  // namespace cc::monitor
