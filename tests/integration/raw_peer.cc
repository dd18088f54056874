#include "tests/integration/raw_peer.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "p2p/record_cipher.h"

namespace cc::integration {

std::unique_ptr<RawPeer> RawPeer::Connect(uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return nullptr;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return nullptr;
  }
  return std::unique_ptr<RawPeer>(new RawPeer(fd));
}

RawPeer::~RawPeer() { ::close(fd_); }

bool RawPeer::Send(std::string_view bytes) {
  size_t off = 0;
  while (off < bytes.size()) {
    const ssize_t n = ::send(fd_, bytes.data() + off, bytes.size() - off, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    off += static_cast<size_t>(n);
  }
  return true;
}

std::optional<std::string> RawPeer::ReadExactly(size_t n, std::chrono::milliseconds timeout, End* why) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::string out;
  char buf[4096];
  while (out.size() < n) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now())
            .count();
    if (left <= 0) {
      if (why) *why = End::kTimeout;
      return std::nullopt;
    }
    pollfd p{fd_, POLLIN, 0};
    const int r = ::poll(&p, 1, static_cast<int>(left));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) continue;
    const ssize_t got = ::recv(fd_, buf, std::min(sizeof buf, n - out.size()), 0);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) {
      if (why) *why = End::kClosed;
      return std::nullopt;
    }
    out.append(buf, static_cast<size_t>(got));
  }
  return out;
}

RawPeer::End RawPeer::WaitForClose(std::chrono::milliseconds timeout, size_t* received) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  size_t total = 0;
  char buf[4096];
  for (;;) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now())
            .count();
    if (left <= 0) break;
    pollfd p{fd_, POLLIN, 0};
    const int r = ::poll(&p, 1, static_cast<int>(left));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) continue;
    const ssize_t got = ::recv(fd_, buf, sizeof buf, 0);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) {  // EOF, or ECONNRESET when unread data was discarded by the node
      if (received) *received = total;
      return End::kClosed;
    }
    total += static_cast<size_t>(got);
  }
  if (received) *received = total;
  return End::kTimeout;
}

HandshakeDialer::HandshakeDialer(crypto::KeyPair identity, std::string chain_id, std::string acceptor_key)
    : identity_(std::move(identity)),
      chain_id_(std::move(chain_id)),
      acceptor_key_(std::move(acceptor_key)) {}

Status HandshakeDialer::ConnectAndHello(uint16_t port, std::chrono::milliseconds timeout) {
  conn_ = RawPeer::Connect(port);
  if (!conn_) return Status::Error("connect", "cannot connect to 127.0.0.1:" + std::to_string(port));
  handshake_ = std::make_unique<p2p::Handshake>(p2p::Role::kDialer, identity_, chain_id_,
                                                crypto::RandomBytes(p2p::kBootIdSize), acceptor_key_);
  if (!conn_->Send(handshake_->hello())) return Status::Error("closed", "the node closed before our hello");
  RawPeer::End why = RawPeer::End::kTimeout;
  auto hello = conn_->ReadExactly(p2p::kHelloSize, timeout, &why);
  if (!hello) {
    return Status::Error(why == RawPeer::End::kClosed ? "closed" : "timeout", "no hello from the node");
  }
  return handshake_->ReadPeerHello(*hello);
}

Status HandshakeDialer::SendAuth() {
  std::string record;
  p2p::RecordSealer sealer(handshake_->tx_key());
  sealer.Seal(p2p::RecordType::kAuth, handshake_->MakeAuth(), record);
  if (!conn_->Send(record)) return Status::Error("closed", "the node closed before our auth record");
  return Status::Ok();
}

Status HandshakeDialer::ReadAcceptorAuth(std::chrono::milliseconds timeout) {
  RawPeer::End why = RawPeer::End::kTimeout;
  auto header = conn_->ReadExactly(p2p::kRecordHeaderSize, timeout, &why);
  if (!header) {
    return Status::Error(why == RawPeer::End::kClosed ? "closed" : "timeout", "no auth record from the node");
  }
  const auto* h = reinterpret_cast<const unsigned char*>(header->data());
  const uint32_t length = p2p::DecodeRecordLength(h);
  if (length != p2p::kAuthRecordLength) {
    return Status::Error("bad_handshake", "auth record of length " + std::to_string(length));
  }
  auto body = conn_->ReadExactly(length, timeout, &why);
  if (!body)
    return Status::Error(why == RawPeer::End::kClosed ? "closed" : "timeout", "truncated auth record");
  p2p::RecordOpener opener(handshake_->rx_key());
  auto record = opener.Open(h, *body);
  if (!record.ok()) return record.status();
  if (record->type != p2p::RecordType::kAuth) return Status::Error("bad_handshake", "not an auth record");
  return handshake_->ReadPeerAuth(record->body);
}

}  // namespace cc::integration
