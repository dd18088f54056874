// The only translation unit that includes Boost.Beast (compile time: keep it so).
#include "http/server.h"

#include <array>
#include <atomic>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "http/dispatcher.h"
#include "http/json_api.h"
#include "http/sse.h"

namespace cc::http {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;

namespace {

// How long a closing connection keeps draining unread request bytes, and how many,
// so the client reads our error response instead of a TCP reset.
constexpr std::chrono::milliseconds kLingerTime{2000};
constexpr size_t kLingerBytes = 1 << 20;

bool HasCrOrLf(std::string_view s) { return s.find_first_of("\r\n") != std::string_view::npos; }

// Framing headers belong to the server; a handler cannot set them.
bool IsFramingHeader(beast::string_view name) {
  return beast::iequals(name, "content-length") || beast::iequals(name, "transfer-encoding") ||
         beast::iequals(name, "connection");
}

// Shared by the server and its sessions; outlives every session (see Impl).
struct Core {
  Core(ServerOptions o, Router router, const TokenStore* tokens, HttpMetrics* m)
      : options(std::move(o)), dispatcher(std::move(router), tokens, m, options.log), metrics(m) {}

  void Log(std::string_view line) const {
    if (options.log) options.log(line);
  }
  // Remembers a stream so Stop() can detach it before the io_context goes away.
  void TrackStream(const std::shared_ptr<SseStream>& s) {
    std::lock_guard<std::mutex> lock(streams_mu);
    std::erase_if(streams, [](const std::weak_ptr<SseStream>& w) { return w.expired(); });
    streams.push_back(s);
  }
  void DetachAllStreams() {
    std::vector<std::weak_ptr<SseStream>> all;
    {
      std::lock_guard<std::mutex> lock(streams_mu);
      all.swap(streams);
    }
    for (auto& w : all) {
      if (auto s = w.lock()) s->DetachWriter(SseStream::CloseReason::kServerStopped);
    }
  }

  const ServerOptions options;
  const Dispatcher dispatcher;
  HttpMetrics* const metrics;
  std::atomic<size_t> active{0};     // connections being served normally
  std::atomic<size_t> rejecting{0};  // connections being answered 503
  std::mutex streams_mu;
  std::vector<std::weak_ptr<SseStream>> streams;
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, Core& core, bool reject)
      : stream_(std::move(socket)), heartbeat_(stream_.get_executor()), core_(core), reject_(reject) {
    beast::error_code ec;
    const tcp::endpoint peer = stream_.socket().remote_endpoint(ec);
    if (!ec) remote_ = peer.address().to_string() + ":" + std::to_string(peer.port());
    stream_.socket().set_option(tcp::no_delay(true), ec);
    if (core_.metrics != nullptr) core_.metrics->ConnectionOpened();
  }

  ~Session() {
    if (sse_) sse_->DetachWriter(SseStream::CloseReason::kDisconnected);
    (reject_ ? core_.rejecting : core_.active).fetch_sub(1);
    if (core_.metrics != nullptr) core_.metrics->ConnectionClosed();
  }

  void Start() {
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->ReadHeader(); });
  }

 private:
  // ---- Request phase ----

  void ReadHeader() {
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(core_.options.max_header_bytes));
    parser_->body_limit(core_.options.max_body_bytes);
    stream_.expires_after(core_.options.read_timeout);
    bhttp::async_read_header(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, size_t) { self->OnHeader(ec); });
  }

  void OnHeader(beast::error_code ec) {
    if (ec) return OnReadError(ec);
    if (reject_) {
      return ReplyAndClose(ErrorResponse(503, "unavailable", "too many connections"));
    }
    const auto length = parser_->content_length();
    if (length && *length > core_.options.max_body_bytes) {
      return ReplyAndClose(BodyTooLarge());
    }
    const auto& req = parser_->get();
    auto expect = req.find(bhttp::field::expect);
    if (expect != req.end() && beast::iequals(expect->value(), "100-continue")) {
      static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      net::async_write(stream_, net::buffer(kContinue.data(), kContinue.size()),
                       [self = shared_from_this()](beast::error_code ec, size_t) {
                         if (ec) return self->CloseNow();
                         self->ReadBody();
                       });
      return;
    }
    ReadBody();
  }

  void ReadBody() {
    // The expiry set before the header still runs: the whole request shares it.
    bhttp::async_read(stream_, buffer_, *parser_, [self = shared_from_this()](beast::error_code ec, size_t) {
      if (ec) return self->OnReadError(ec);
      self->Dispatch();
    });
  }

  void OnReadError(beast::error_code ec) {
    if (ec == bhttp::error::end_of_stream || ec == bhttp::error::partial_message ||
        ec == beast::error::timeout || ec == net::error::operation_aborted) {
      return CloseNow();  // peer gone or too slow: nobody to answer
    }
    if (ec == bhttp::error::header_limit) {
      return ReplyAndClose(ErrorResponse(
          431, "header_too_large",
          "request header larger than " + std::to_string(core_.options.max_header_bytes) + " bytes"));
    }
    if (ec == bhttp::error::body_limit) return ReplyAndClose(BodyTooLarge());
    if (ec.category() == bhttp::make_error_code(bhttp::error::bad_method).category()) {
      return ReplyAndClose(ErrorResponse(400, "bad_request", "malformed HTTP request"));
    }
    CloseNow();  // a socket error
  }

  Response BodyTooLarge() const {
    return ErrorResponse(
        413, "body_too_large",
        "request body larger than " + std::to_string(core_.options.max_body_bytes) + " bytes");
  }

  void Dispatch() {
    auto& msg = parser_->get();
    Request request;
    request.method = std::string(msg.method_string());
    request.target = std::string(msg.target());
    for (const auto& field : msg) {
      request.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    }
    request.body = std::move(msg.body());
    request.remote_address = remote_;
    version_ = msg.version();
    const bool keep_alive = msg.keep_alive();
    parser_.reset();

    Response response = core_.dispatcher.Handle(request);
    if (response.stream) return StartStream(std::move(response));
    Write(std::move(response), keep_alive, /*linger=*/false);
  }

  // ---- Response phase ----

  // Answers a request that will not be (fully) read, then closes.
  void ReplyAndClose(Response response) {
    core_.dispatcher.RecordUnrouted(response.status);
    if (parser_ && parser_->is_header_done()) version_ = parser_->get().version();
    parser_.reset();
    Write(std::move(response), /*keep_alive=*/false, /*linger=*/true);
  }

  void SetHeaders(bhttp::fields& fields, const Response& response) {
    for (const auto& [name, value] : response.headers) {
      if (name.empty() || HasCrOrLf(name) || HasCrOrLf(value) || IsFramingHeader(name)) {
        continue;  // no header injection, no conflicting framing
      }
      fields.set(name, value);
    }
    fields.set(bhttp::field::server, "creditd");
    if (!HasCrOrLf(response.content_type)) {
      fields.set(bhttp::field::content_type, response.content_type);
    }
  }

  void Write(Response response, bool keep_alive, bool linger) {
    if (response.status < 100 || response.status > 599) {
      core_.Log("http handler returned invalid status " + std::to_string(response.status));
      response = ErrorResponse(500, "internal", "internal error");
    }
    auto res = std::make_shared<bhttp::response<bhttp::string_body>>();
    res->version(version_);
    res->result(static_cast<unsigned>(response.status));
    SetHeaders(res->base(), response);
    res->body() = std::move(response.body);
    res->keep_alive(keep_alive);
    res->prepare_payload();
    stream_.expires_after(core_.options.write_timeout);
    bhttp::async_write(stream_, *res,
                       [self = shared_from_this(), res, keep_alive, linger](beast::error_code ec, size_t) {
                         if (ec) return self->CloseNow();
                         if (keep_alive) return self->ReadHeader();
                         if (linger) return self->LingerClose();
                         self->ShutdownAndClose();
                       });
  }

  void ShutdownAndClose() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    CloseNow();
  }

  // Half-closes, then discards what the client still sends (bounded in time and
  // bytes) so that closing does not reset the connection under our response.
  void LingerClose() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    if (ec) return CloseNow();
    buffer_.clear();
    stream_.expires_after(kLingerTime);
    Drain();
  }

  void Drain() {
    stream_.async_read_some(net::buffer(scratch_),
                            [self = shared_from_this()](beast::error_code ec, size_t n) {
                              self->drained_ += n;
                              if (ec || self->drained_ > kLingerBytes) return self->CloseNow();
                              self->Drain();
                            });
  }

  void CloseNow() {
    if (sse_) sse_->DetachWriter(SseStream::CloseReason::kDisconnected);
    heartbeat_.cancel();
    beast::error_code ec;
    stream_.socket().close(ec);
  }

  // ---- Server-Sent Events ----

  void StartStream(Response response) {
    if (response.status < 200 || response.status > 599) response.status = 200;
    sse_ = std::move(response.stream);
    core_.TrackStream(sse_);
    bhttp::response<bhttp::empty_body> head;
    head.version(version_);
    head.result(static_cast<unsigned>(response.status));
    SetHeaders(head.base(), response);
    head.keep_alive(false);  // the body ends when the connection does
    std::string text = std::to_string(version_ / 10) + "." + std::to_string(version_ % 10);
    out_ = "HTTP/" + text + " " + std::to_string(head.result_int()) + " " +
           std::string(bhttp::obsolete_reason(head.result())) + "\r\n";
    for (const auto& field : head) {
      out_ += std::string(field.name_string()) + ": " + std::string(field.value()) + "\r\n";
    }
    out_ += "\r\n";

    // No read or write deadline while streaming: the disconnect watcher below waits
    // indefinitely; each write sets its own deadline (only the write timer is idle).
    stream_.expires_never();
    WatchForDisconnect();
    std::weak_ptr<Session> weak = weak_from_this();
    auto executor = stream_.get_executor();
    sse_->AttachWriter([weak, executor] {
      net::post(executor, [weak] {
        if (auto self = weak.lock()) self->PumpStream();
      });
    });
    ScheduleHeartbeat();
    PumpStream();
  }

  void WatchForDisconnect() {
    // The client sends nothing after an SSE request; any completion with an error
    // (EOF, reset) means it is gone. Stray bytes are discarded.
    stream_.async_read_some(net::buffer(scratch_), [self = shared_from_this()](beast::error_code ec, size_t) {
      if (ec) return self->CloseNow();
      self->WatchForDisconnect();
    });
  }

  void ScheduleHeartbeat() {
    if (core_.options.sse_heartbeat.count() <= 0) return;
    heartbeat_.expires_after(core_.options.sse_heartbeat);
    heartbeat_.async_wait([weak = weak_from_this()](beast::error_code ec) {
      auto self = weak.lock();
      if (ec || !self || !self->sse_) return;
      // Through the bounded buffer: a client that stops reading overflows it.
      if (self->sse_->PushComment("keep-alive")) self->ScheduleHeartbeat();
    });
  }

  void PumpStream() {
    if (writing_ || !sse_ || !stream_.socket().is_open()) return;
    const bool open = sse_->TakeBuffered(&out_);
    if (out_.empty()) {
      if (!open) ShutdownAndClose();
      return;
    }
    finishing_ = !open;
    writing_ = true;
    stream_.expires_after(core_.options.write_timeout);
    net::async_write(stream_, net::buffer(out_), [self = shared_from_this()](beast::error_code ec, size_t) {
      self->writing_ = false;
      self->out_.clear();
      if (ec) return self->CloseNow();
      if (self->finishing_) return self->ShutdownAndClose();
      self->PumpStream();
    });
  }

  beast::tcp_stream stream_;
  net::steady_timer heartbeat_;
  Core& core_;
  const bool reject_;
  std::string remote_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  unsigned version_ = 11;
  std::array<char, 512> scratch_;
  size_t drained_ = 0;
  std::shared_ptr<SseStream> sse_;
  std::string out_;
  bool writing_ = false;
  bool finishing_ = false;
};

}  // namespace

struct HttpServer::Impl {
  Impl(ServerOptions options, Router router, const TokenStore* tokens, HttpMetrics* metrics)
      : core(std::move(options), std::move(router), tokens, metrics) {
    ioc.emplace();
  }

  void Accept() {
    acceptor->async_accept(net::make_strand(*ioc), [this](beast::error_code ec, tcp::socket socket) {
      if (ec == net::error::operation_aborted || !acceptor->is_open()) return;
      if (ec) {
        // E.g. out of file descriptors: back off instead of spinning.
        core.Log("http accept failed: " + ec.message());
        retry->expires_after(std::chrono::milliseconds(100));
        retry->async_wait([this](beast::error_code wait_ec) {
          if (!wait_ec) Accept();
        });
        return;
      }
      const size_t max = core.options.max_connections;
      bool reject = false;
      if (core.active.fetch_add(1) >= max) {
        core.active.fetch_sub(1);
        if (core.rejecting.fetch_add(1) >= max) {
          // Far over capacity: do not even spend a response on it.
          core.rejecting.fetch_sub(1);
          beast::error_code close_ec;
          socket.close(close_ec);
          if (core.metrics != nullptr) core.metrics->ConnectionRejected();
          return Accept();
        }
        reject = true;
        if (core.metrics != nullptr) core.metrics->ConnectionRejected();
      }
      std::make_shared<Session>(std::move(socket), core, reject)->Start();
      Accept();
    });
  }

  // Declaration order matters: `ioc` is destroyed before `core`, so sessions (held
  // by pending handlers) are destroyed while the Core they reference still exists;
  // `acceptor` and `retry` are destroyed before `ioc`. Stop() resets them early.
  Core core;
  std::optional<net::io_context> ioc;
  std::optional<tcp::acceptor> acceptor;
  std::optional<net::steady_timer> retry;
  std::vector<std::thread> threads;
  uint16_t port = 0;
  bool started = false;
  bool stopped = false;
};

HttpServer::HttpServer(Options options, Router router, const TokenStore* tokens, HttpMetrics* metrics)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(router), tokens, metrics)) {}

HttpServer::~HttpServer() { Stop(); }

Status HttpServer::Start() {
  Impl& s = *impl_;
  if (s.started) return Status::Error("state", "HTTP server already started");
  const ServerOptions& o = s.core.options;
  if (o.threads < 1 || o.max_connections < 1 || o.max_header_bytes < 1024 ||
      o.max_header_bytes > (1u << 30) || o.read_timeout.count() <= 0 || o.write_timeout.count() <= 0) {
    return Status::Error("invalid_argument", "invalid HTTP server options");
  }
  beast::error_code ec;
  const net::ip::address address = net::ip::make_address(o.address, ec);
  if (ec) return Status::Error("invalid_argument", "bad listen address '" + o.address + "'");
  const tcp::endpoint endpoint(address, o.port);
  s.acceptor.emplace(*s.ioc);
  s.retry.emplace(*s.ioc);
  const std::string where = o.address + ":" + std::to_string(o.port);
  if (s.acceptor->open(endpoint.protocol(), ec); ec) {
    return Status::Error("bind", "cannot open socket for " + where + ": " + ec.message());
  }
  if (s.acceptor->set_option(net::socket_base::reuse_address(true), ec); ec) {
    return Status::Error("bind", "cannot set SO_REUSEADDR on " + where + ": " + ec.message());
  }
  if (s.acceptor->bind(endpoint, ec); ec) {
    return Status::Error("bind", "cannot bind " + where + ": " + ec.message());
  }
  if (s.acceptor->listen(net::socket_base::max_listen_connections, ec); ec) {
    return Status::Error("bind", "cannot listen on " + where + ": " + ec.message());
  }
  s.port = s.acceptor->local_endpoint(ec).port();
  s.started = true;
  s.Accept();
  for (int i = 0; i < o.threads; ++i) {
    s.threads.emplace_back([&s] {
      // A handler exception that escaped the per-request boundary (e.g. bad_alloc in
      // the I/O code) must not end the thread; log it and keep serving.
      while (true) {
        try {
          s.ioc->run();
          return;
        } catch (const std::exception& e) {
          s.core.Log(std::string("http I/O thread caught: ") + e.what());
        }
      }
    });
  }
  return Status::Ok();
}

void HttpServer::Stop() {
  Impl& s = *impl_;
  if (!s.started || s.stopped) return;
  s.stopped = true;
  s.ioc->stop();
  for (auto& t : s.threads) t.join();
  s.threads.clear();
  // No I/O thread runs now. Detach every SSE writer before the io_context goes, so a
  // producer's Push never posts to a dead executor; then destroying the io_context
  // destroys every session (their handlers hold them), closing all connections.
  s.core.DetachAllStreams();
  s.retry.reset();
  s.acceptor.reset();
  s.ioc.reset();
}

uint16_t HttpServer::port() const { return impl_->port; }

}  // namespace cc::http
