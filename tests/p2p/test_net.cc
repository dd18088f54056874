#include "tests/p2p/test_net.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace cc::p2p::testing {

namespace {

using Clock = std::chrono::steady_clock;

int PollTimeout(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return left.count() <= 0 ? 0 : static_cast<int>(left.count());
}

sockaddr_in Loopback(uint16_t port) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return addr;
}

// Listens on 127.0.0.1:0; returns the fd and sets `port`.
int ListenLoopback(uint16_t& port, int rcvbuf) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  if (rcvbuf > 0) ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
  sockaddr_in addr = Loopback(0);
  socklen_t len = sizeof(addr);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 || ::listen(fd, 16) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    ::close(fd);
    return -1;
  }
  port = ntohs(addr.sin_port);
  return fd;
}

int AcceptWithin(int listen_fd, std::chrono::milliseconds timeout) {
  pollfd p{listen_fd, POLLIN, 0};
  if (::poll(&p, 1, static_cast<int>(timeout.count())) <= 0) return -1;
  return ::accept4(listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
}

}  // namespace

bool WaitUntil(const std::function<bool()>& condition, std::chrono::milliseconds deadline) {
  const auto end = Clock::now() + deadline;
  while (!condition()) {
    if (Clock::now() >= end) return condition();
    std::this_thread::sleep_for(2ms);  // polling interval of the condition, not a delay
  }
  return true;
}

uint16_t ReservePort() {
  uint16_t port = 0;
  const int fd = ListenLoopback(port, 0);
  if (fd >= 0) ::close(fd);
  return port;
}

TransportOptions TestOptions() {
  TransportOptions o;
  o.chain_id = kChainId;
  o.handshake_timeout = 2s;
  o.backoff_initial = 20ms;
  o.backoff_max = 200ms;
  o.dial_grace = 20ms;
  o.jitter_seed = 42;
  return o;
}

Transport::FrameHandler FrameSink::Handler() {
  return [this](PeerIndex peer, std::string frame) {
    {
      std::lock_guard lock(mu_);
      frames_.emplace_back(peer, std::move(frame));
    }
    cv_.notify_all();
  };
}

bool FrameSink::WaitForCount(size_t n, std::chrono::milliseconds deadline) {
  std::unique_lock lock(mu_);
  return cv_.wait_for(lock, deadline, [&] { return frames_.size() >= n; });
}

std::vector<std::pair<PeerIndex, std::string>> FrameSink::Frames() const {
  std::lock_guard lock(mu_);
  return frames_;
}

std::vector<std::string> FrameSink::FramesFrom(PeerIndex peer) const {
  std::lock_guard lock(mu_);
  std::vector<std::string> out;
  for (const auto& [p, f] : frames_) {
    if (p == peer) out.push_back(f);
  }
  return out;
}

size_t FrameSink::size() const {
  std::lock_guard lock(mu_);
  return frames_.size();
}

std::unique_ptr<Transport> StartTransport(const crypto::KeyPair& key, std::vector<PeerConfig> peers,
                                          const TransportOptions& options, FrameSink& sink) {
  auto created = Transport::Create(key, std::move(peers), options);
  EXPECT_TRUE(created.ok()) << created.status().ToString();
  if (!created.ok()) return nullptr;
  std::unique_ptr<Transport> t = std::move(created).value();
  const Status started = t->Start(sink.Handler());
  EXPECT_TRUE(started.ok()) << started.ToString();
  return t;
}

std::vector<TestNode> StartMesh(size_t n, const TransportOptions& options) {
  std::vector<TestNode> nodes(n);
  for (size_t i = 0; i < n; ++i) {
    std::vector<PeerConfig> peers;
    for (size_t j = 0; j < n; ++j) {
      if (j == i) continue;
      PeerConfig p{nodes[j].key.public_key(), "", 0};
      if (j < i) {
        p.host = "127.0.0.1";
        p.port = nodes[j].port;
      }
      peers.push_back(p);
    }
    nodes[i].transport = StartTransport(nodes[i].key, peers, options, *nodes[i].sink);
    if (nodes[i].transport) nodes[i].port = nodes[i].transport->listen_port();
  }
  return nodes;
}

bool WaitMeshConnected(const std::vector<TestNode>& nodes) {
  return WaitUntil([&] {
    for (const TestNode& node : nodes) {
      if (!node.transport) return false;
      for (PeerIndex p = 0; p < node.transport->peer_count(); ++p) {
        if (!node.transport->IsConnected(p)) return false;
      }
    }
    return true;
  });
}

// ---- RawSocket ----

RawSocket::~RawSocket() {
  if (fd_ >= 0) ::close(fd_);
}

RawSocket& RawSocket::operator=(RawSocket&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

RawSocket RawSocket::Connect(uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return RawSocket();
  sockaddr_in addr = Loopback(port);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    ::close(fd);
    return RawSocket();
  }
  return RawSocket(fd);
}

bool RawSocket::WriteAll(std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

std::optional<std::string> RawSocket::ReadExact(size_t n, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  std::string out(n, '\0');
  size_t got = 0;
  while (got < n) {
    pollfd p{fd_, POLLIN, 0};
    const int ready = ::poll(&p, 1, PollTimeout(deadline));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) return std::nullopt;
    const ssize_t r = ::recv(fd_, out.data() + got, n - got, 0);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return std::nullopt;
    got += static_cast<size_t>(r);
  }
  return out;
}

bool RawSocket::WaitClosed(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  char buf[4096];
  for (;;) {
    pollfd p{fd_, POLLIN, 0};
    const int ready = ::poll(&p, 1, PollTimeout(deadline));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) return false;
    const ssize_t r = ::recv(fd_, buf, sizeof(buf), 0);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return true;  // EOF or reset
  }
}

// ---- RawListener ----

RawListener::RawListener() { fd_ = ListenLoopback(port_, 4096); }

RawListener::~RawListener() {
  if (fd_ >= 0) ::close(fd_);
}

std::optional<RawSocket> RawListener::Accept(std::chrono::milliseconds timeout) {
  const int fd = AcceptWithin(fd_, timeout);
  if (fd < 0) return std::nullopt;
  return RawSocket(fd);
}

// ---- RawSession ----

RawSession::RawSession(RawSocket socket, const Handshake& handshake)
    : socket_(std::move(socket)), sealer_(handshake.tx_key()), opener_(handshake.rx_key()) {}

namespace {

Status Closed() { return Status::Error("closed", "the node closed the connection"); }

// Reads one record with a fresh view of the header.
Result<Record> ReadOneRecord(RawSocket& socket, RecordOpener& opener, std::chrono::milliseconds timeout) {
  auto header = socket.ReadExact(kRecordHeaderSize, timeout);
  if (!header) return Closed();
  const auto* h = reinterpret_cast<const unsigned char*>(header->data());
  auto body = socket.ReadExact(DecodeRecordLength(h), timeout);
  if (!body) return Closed();
  return opener.Open(h, *body);
}

}  // namespace

Result<std::unique_ptr<RawSession>> RawSession::Dial(RawSocket socket, const crypto::KeyPair& self,
                                                     const std::string& chain_id,
                                                     const std::string& expected_peer,
                                                     bool corrupt_signature) {
  Handshake hs(Role::kDialer, self, chain_id, crypto::RandomBytes(kBootIdSize), expected_peer);
  if (!socket.WriteAll(hs.hello())) return Closed();
  auto hello = socket.ReadExact(kHelloSize);
  if (!hello) return Closed();
  CC_RETURN_IF_ERROR(hs.ReadPeerHello(*hello));
  auto session = std::unique_ptr<RawSession>(new RawSession(std::move(socket), hs));
  std::string auth = hs.MakeAuth();
  if (corrupt_signature) auth.back() ^= 0x01;
  std::string record;
  session->sealer_.Seal(RecordType::kAuth, auth, record);
  if (!session->socket_.WriteAll(record)) return Closed();
  Result<Record> reply = ReadOneRecord(session->socket_, session->opener_, 10s);
  if (!reply.ok()) return reply.status();
  if (reply->type != RecordType::kAuth) return Status::Error("bad_handshake", "expected auth");
  CC_RETURN_IF_ERROR(hs.ReadPeerAuth(reply->body));
  return session;
}

Result<std::unique_ptr<RawSession>> RawSession::Accept(RawSocket socket, const crypto::KeyPair& self,
                                                       const std::string& chain_id) {
  Handshake hs(Role::kAcceptor, self, chain_id, crypto::RandomBytes(kBootIdSize), "");
  auto hello = socket.ReadExact(kHelloSize);
  if (!hello) return Closed();
  CC_RETURN_IF_ERROR(hs.ReadPeerHello(*hello));
  if (!socket.WriteAll(hs.hello())) return Closed();
  auto session = std::unique_ptr<RawSession>(new RawSession(std::move(socket), hs));
  Result<Record> auth = ReadOneRecord(session->socket_, session->opener_, 10s);
  if (!auth.ok()) return auth.status();
  if (auth->type != RecordType::kAuth) return Status::Error("bad_handshake", "expected auth");
  CC_RETURN_IF_ERROR(hs.ReadPeerAuth(auth->body));
  std::string record;
  session->sealer_.Seal(RecordType::kAuth, hs.MakeAuth(), record);
  if (!session->socket_.WriteAll(record)) return Closed();
  return session;
}

bool RawSession::SendFrame(std::string_view frame) {
  std::string record;
  sealer_.Seal(RecordType::kData, frame, record);
  return socket_.WriteAll(record);
}

std::optional<Record> RawSession::ReadRecord(std::chrono::milliseconds timeout) {
  Result<Record> r = ReadOneRecord(socket_, opener_, timeout);
  if (!r.ok()) return std::nullopt;
  return std::move(r).value();
}

// ---- TamperProxy ----

TamperProxy::TamperProxy(uint16_t target_port, size_t flip_at)
    : target_port_(target_port), flip_at_(flip_at) {
  listen_fd_ = ListenLoopback(listener_port_, 0);
  accept_thread_ = std::thread([this] { AcceptLoop(); });
}

TamperProxy::~TamperProxy() {
  stop_ = true;
  accept_thread_.join();
  std::lock_guard lock(mu_);
  for (std::thread& t : threads_) t.join();
  if (listen_fd_ >= 0) ::close(listen_fd_);
}

void TamperProxy::AcceptLoop() {
  while (!stop_) {
    // Short poll so the destructor's stop flag is noticed promptly.
    const int client = AcceptWithin(listen_fd_, 20ms);
    if (client < 0) continue;
    RawSocket target = RawSocket::Connect(target_port_);
    if (target.fd() < 0) {
      ::close(client);
      continue;
    }
    const bool tamper = connections_.fetch_add(1) == 0;
    const int target_fd = target.Release();
    std::lock_guard lock(mu_);
    threads_.emplace_back([this, client, target_fd, tamper] { Pump(client, target_fd, tamper); });
  }
}

void TamperProxy::Pump(int client, int target, bool tamper) {
  size_t client_offset = 0;
  char buf[16384];
  pollfd fds[2] = {{client, POLLIN, 0}, {target, POLLIN, 0}};
  bool open = true;
  while (open && !stop_) {
    if (::poll(fds, 2, 20) <= 0) continue;
    for (int i = 0; i < 2 && open; ++i) {
      if ((fds[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
      const ssize_t n = ::recv(fds[i].fd, buf, sizeof(buf), 0);
      if (n <= 0) {
        open = false;
        break;
      }
      if (i == 0 && tamper && client_offset <= flip_at_ && flip_at_ < client_offset + n) {
        buf[flip_at_ - client_offset] ^= 0x20;
        flipped_ = true;
      }
      if (i == 0) client_offset += static_cast<size_t>(n);
      const int out = i == 0 ? target : client;
      for (ssize_t sent = 0; sent < n;) {
        const ssize_t w = ::send(out, buf + sent, static_cast<size_t>(n - sent), MSG_NOSIGNAL);
        if (w <= 0) {
          open = false;
          break;
        }
        sent += w;
      }
    }
  }
  ::close(client);
  ::close(target);
}

}  // namespace cc::p2p::testing
