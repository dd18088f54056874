// WebhookSender: delivers alert JSON to a member's own HTTP endpoint, signed by the
// node, with bounded retry (DESIGN.md "Watchlists and alerts").
//
// Each body is POSTed to `url` (plain "http://host:port/path"; put TLS in a local
// proxy) with
//   Content-Type: application/json
//   X-CreditChain-Signature: hex Ed25519 signature of the body bytes by the node key
//   X-CreditChain-Key: hex public key of the node key
// so the receiver can check the alert came from its own node. A 2xx answer is a
// delivery. Connection failures, timeouts, 408, 429 and 5xx are retried with
// exponential back-off (initial_backoff doubling up to max_backoff) for at most
// max_attempts attempts; any other answer, or running out of attempts, abandons
// that body (counted, and reported through `log`). Bodies are delivered one at a
// time, in order; at most max_queue wait, further ones are dropped (counted).
//
// Thread safety: Enqueue and the counters are thread-safe. The destructor stops the
// sender thread: the attempt in flight ends within `timeout`, queued bodies are
// abandoned.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "common/status.h"
#include "crypto/keys.h"

namespace cc::monitor {

struct WebhookOptions {
  std::string url;
  uint32_t max_attempts = 6;
  std::chrono::milliseconds initial_backoff{500};
  std::chrono::milliseconds max_backoff{30'000};
  std::chrono::milliseconds timeout{5'000};  // per attempt: connect, send, answer
  size_t max_queue = 10'000;
  // Receives one line per abandoned or dropped body. May be empty.
  std::function<void(std::string_view)> log;
};

// Parses "http://host:port/path" (port defaults to 80, path to "/"). Code
// "invalid_argument" for anything else, including https.
struct WebhookTarget {
  std::string host;
  uint16_t port = 80;
  std::string path;
};
Result<WebhookTarget> ParseWebhookUrl(std::string_view url);

class WebhookSender {
 public:
  // Code "invalid_argument" for a bad URL or options.
  static Result<std::unique_ptr<WebhookSender>> Create(WebhookOptions options, crypto::KeyPair key);
  ~WebhookSender();
  WebhookSender(const WebhookSender&) = delete;
  WebhookSender& operator=(const WebhookSender&) = delete;

  // Queues one body. False (and counted as dropped) when the queue is full.
  bool Enqueue(std::string body);

  uint64_t delivered() const { return delivered_.load(); }
  uint64_t abandoned() const { return abandoned_.load(); }
  uint64_t dropped() const { return dropped_.load(); }
  uint64_t attempts() const { return attempts_.load(); }

 private:
  WebhookSender(WebhookOptions options, WebhookTarget target, crypto::KeyPair key);
  void Run();
  // One POST. The HTTP status, or 0 when no answer came (connect, I/O, timeout).
  int Post(const std::string& body);
  // Waits `d` unless stopping; false when stopping.
  bool Sleep(std::chrono::milliseconds d);

  const WebhookOptions options_;
  const WebhookTarget target_;
  const crypto::KeyPair key_;

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::string> queue_;  // guarded by mu_
  bool stop_ = false;              // guarded by mu_

  std::atomic<uint64_t> delivered_{0};
  std::atomic<uint64_t> abandoned_{0};
  std::atomic<uint64_t> dropped_{0};
  std::atomic<uint64_t> attempts_{0};
  std::thread thread_;
};

}  // namespace cc::monitor
