// Test helpers for the P2P transport: condition waits with deadlines, a frame sink,
// a mesh of real transports on 127.0.0.1, blocking raw sockets that speak (or
// garble) the protocol by hand, and a TCP proxy that flips one byte in flight.
//
// Thread safety: FrameSink is thread-safe; the raw helpers belong to one test thread;
// TamperProxy runs its own threads and is stopped by its destructor.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "crypto/keys.h"
#include "p2p/handshake.h"
#include "p2p/record_cipher.h"
#include "p2p/transport.h"

namespace cc::p2p::testing {

using namespace std::chrono_literals;

inline constexpr char kChainId[] = "p2p-test-chain";

// Polls `condition` until it holds or `deadline` passes; returns its last value.
bool WaitUntil(const std::function<bool()>& condition, std::chrono::milliseconds deadline = 10s);

// A port that was free a moment ago (bound to 0, read back, released), for configs
// where both sides must know each other's address before either starts.
uint16_t ReservePort();

// Options with short timeouts so failure paths finish quickly in tests.
TransportOptions TestOptions();

// Collects the frames a transport delivers.
class FrameSink {
 public:
  Transport::FrameHandler Handler();
  // Waits until at least `n` frames arrived.
  bool WaitForCount(size_t n, std::chrono::milliseconds deadline = 10s);
  std::vector<std::pair<PeerIndex, std::string>> Frames() const;
  std::vector<std::string> FramesFrom(PeerIndex peer) const;
  size_t size() const;

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::pair<PeerIndex, std::string>> frames_;
};

// One transport and what it received. The sink is declared first so the transport,
// whose handler writes into it, is destroyed (stopped) before it.
struct TestNode {
  crypto::KeyPair key = crypto::KeyPair::Generate();
  std::shared_ptr<FrameSink> sink = std::make_shared<FrameSink>();
  std::unique_ptr<Transport> transport;
  uint16_t port = 0;
};

// Creates and starts a transport; aborts the test (ASSERT-style, via gtest) on error.
std::unique_ptr<Transport> StartTransport(const crypto::KeyPair& key, std::vector<PeerConfig> peers,
                                          const TransportOptions& options, FrameSink& sink);

// n nodes, started in order; node i dials nodes j < i (it knows their ports) and
// lists nodes j > i without an address, so every pair has exactly one dialer.
// Node i's peer list is every other node in index order: see PeerIndexOf.
std::vector<TestNode> StartMesh(size_t n, const TransportOptions& options);
inline PeerIndex PeerIndexOf(size_t self, size_t other) { return other < self ? other : other - 1; }
bool WaitMeshConnected(const std::vector<TestNode>& nodes);

// A blocking TCP socket on 127.0.0.1 (plain POSIX, so reads can time out).
class RawSocket {
 public:
  explicit RawSocket(int fd = -1) : fd_(fd) {}
  ~RawSocket();
  RawSocket(RawSocket&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  RawSocket& operator=(RawSocket&& other) noexcept;

  static RawSocket Connect(uint16_t port);  // fd() < 0 on failure
  int fd() const { return fd_; }
  int Release() { return std::exchange(fd_, -1); }  // the caller closes the fd
  bool WriteAll(std::string_view bytes);
  // Exactly n bytes, or nullopt on EOF, error or timeout.
  std::optional<std::string> ReadExact(size_t n, std::chrono::milliseconds timeout = 10s);
  // Reads and discards until the other side closes (true) or the timeout (false).
  bool WaitClosed(std::chrono::milliseconds timeout = 10s);

 private:
  int fd_;
};

// A listening socket on 127.0.0.1 with a small receive buffer (inherited by the
// accepted sockets), for peers that stop reading.
class RawListener {
 public:
  RawListener();
  ~RawListener();
  uint16_t port() const { return port_; }
  std::optional<RawSocket> Accept(std::chrono::milliseconds timeout = 10s);

 private:
  int fd_ = -1;
  uint16_t port_ = 0;
};

// The protocol played by hand over a RawSocket.
class RawSession {
 public:
  // Dialer side. Fails with the handshake code, or "closed" when the node hangs up.
  // corrupt_signature flips a bit of our auth signature.
  static Result<std::unique_ptr<RawSession>> Dial(RawSocket socket, const crypto::KeyPair& self,
                                                  const std::string& chain_id,
                                                  const std::string& expected_peer,
                                                  bool corrupt_signature = false);
  // Acceptor side; accepts any dialer that signs correctly.
  static Result<std::unique_ptr<RawSession>> Accept(RawSocket socket, const crypto::KeyPair& self,
                                                    const std::string& chain_id);

  bool SendFrame(std::string_view frame);
  // The next record from the node (pings included), or nullopt.
  std::optional<Record> ReadRecord(std::chrono::milliseconds timeout = 10s);
  RawSocket& socket() { return socket_; }

 private:
  RawSession(RawSocket socket, const Handshake& handshake);
  RawSocket socket_;
  RecordSealer sealer_;
  RecordOpener opener_;
};

// Forwards 127.0.0.1:port() to 127.0.0.1:target_port. On the first connection only,
// flips the byte at offset `flip_at` of the client-to-target stream.
class TamperProxy {
 public:
  TamperProxy(uint16_t target_port, size_t flip_at);
  ~TamperProxy();
  uint16_t port() const { return listener_port_; }
  int connections() const { return connections_.load(); }
  bool flipped() const { return flipped_.load(); }

 private:
  void AcceptLoop();
  void Pump(int client, int target, bool tamper);

  uint16_t target_port_;
  size_t flip_at_;
  int listen_fd_ = -1;
  uint16_t listener_port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> connections_{0};
  std::atomic<bool> flipped_{false};
  std::mutex mu_;
  std::vector<std::thread> threads_;
  std::thread accept_thread_;
};

}  // namespace cc::p2p::testing
