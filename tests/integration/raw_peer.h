// Hostile P2P clients for the integration tests: a raw TCP connection to a node's
// P2P port that can send arbitrary bytes and observe whether the node closes it,
// and a dialer that speaks the real handshake (docs/p2p.md, p2p/handshake.h)
// far enough to send an auth record as any identity.
//
// Thread safety: one object per thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"
#include "crypto/keys.h"
#include "p2p/handshake.h"

namespace cc::integration {

class RawPeer {
 public:
  // Connects to 127.0.0.1:port; nullptr on failure.
  static std::unique_ptr<RawPeer> Connect(uint16_t port);
  ~RawPeer();
  RawPeer(const RawPeer&) = delete;
  RawPeer& operator=(const RawPeer&) = delete;

  // Sends every byte; false if the node already closed the connection (EPIPE,
  // ECONNRESET), which the hostile tests expect sooner or later.
  bool Send(std::string_view bytes);
  enum class End { kClosed, kTimeout };
  // Exactly n bytes, or nullopt if the connection ends or `timeout` passes first
  // (`why`, if given, says which).
  std::optional<std::string> ReadExactly(size_t n, std::chrono::milliseconds timeout, End* why = nullptr);
  // Reads until the node closes the connection (EOF or reset) or `timeout` passes.
  // `received` (optional) gets the number of bytes that arrived meanwhile.
  End WaitForClose(std::chrono::milliseconds timeout, size_t* received = nullptr);

 private:
  explicit RawPeer(int fd) : fd_(fd) {}
  int fd_;
};

// The dialer's side of the handshake, as `identity`, toward the node whose identity
// is `acceptor_key` (32 raw bytes).
class HandshakeDialer {
 public:
  HandshakeDialer(crypto::KeyPair identity, std::string chain_id, std::string acceptor_key);

  // Connects and exchanges hellos (steps 1-2); the session keys are then known.
  Status ConnectAndHello(uint16_t port, std::chrono::milliseconds timeout);
  // Sends step 3 (our signed auth record).
  Status SendAuth();
  // Reads step 4 and verifies it names the acceptor we dialed. Codes "closed"
  // (the node closed the connection without answering: it refused us), "timeout",
  // or the handshake's own codes.
  Status ReadAcceptorAuth(std::chrono::milliseconds timeout);

  RawPeer& connection() { return *conn_; }

 private:
  crypto::KeyPair identity_;
  std::string chain_id_;
  std::string acceptor_key_;
  std::unique_ptr<p2p::Handshake> handshake_;
  std::unique_ptr<RawPeer> conn_;
};

}  // namespace cc::integration
