// Connection: one TCP link of the transport (internal to p2p/).
//
// Drives the handshake (handshake.h) over the socket, then reads records and hands
// data frames to its LinkHost, and writes the frames it pulls from the host's queue
// for its peer. A connection never dials again and never outlives its socket: after
// Close() it is dead and the host forgets it.
//
// Thread safety: every method runs on the transport's io_context thread, and so do
// all LinkHost callbacks. Owned through shared_ptr by its pending asynchronous
// operations and by the host.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "crypto/keys.h"
#include "p2p/handshake.h"
#include "p2p/p2p_types.h"
#include "p2p/record_cipher.h"

namespace cc::p2p {

class Connection;
using FramePtr = std::shared_ptr<const std::string>;

// Settings shared by all links of one transport; owned by the transport, which
// outlives its connections' callbacks.
struct LinkContext {
  const crypto::KeyPair& self;
  std::string boot_id;  // kBootIdSize random bytes, fresh per transport
  TransportOptions options;
};

class LinkHost {
 public:
  virtual ~LinkHost() = default;
  // Acceptor side: the dialer proved `identity`. Returns its peer index, or nullopt
  // to refuse the link.
  virtual std::optional<PeerIndex> Authorize(const std::string& identity) = 0;
  // The link is authenticated. The host may close it (or another link) from here.
  virtual void OnEstablished(const std::shared_ptr<Connection>& link) = 0;
  virtual void OnFrame(PeerIndex peer, std::string frame) = 0;
  // Moves queued frames for `link`'s peer into `out`: at least one if any is queued,
  // more while their total stays within max_bytes. Nothing unless `link` is the
  // peer's active link.
  virtual void TakeFrames(const Connection& link, size_t max_bytes, std::vector<FramePtr>& out) = 0;
  virtual void OnSent(PeerIndex peer, size_t frames, size_t bytes) = 0;
  // Called exactly once per connection, from Close(). `lost_frames` were taken
  // from the queue but not completely written.
  virtual void OnClosed(const std::shared_ptr<Connection>& link, DisconnectReason reason,
                        size_t lost_frames) = 0;
};

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  using tcp = boost::asio::ip::tcp;

  // Dialer: `peer` is the index dialed and `expected_identity` its key.
  Connection(LinkHost& host, const LinkContext& context, tcp::socket socket, Role role,
             std::optional<PeerIndex> peer, std::string expected_identity);

  // Dialer: resolves and connects to host:port, then runs the handshake.
  void StartDial(const std::string& host, uint16_t port);
  // Acceptor: the socket is connected; runs the handshake.
  void StartAccept();
  // Writes whatever the host has queued for this link's peer (no-op until
  // established or while a write is in flight).
  void Pump();
  // Idempotent. Closes the socket, cancels timers, reports to the host.
  void Close(DisconnectReason reason);

  Role role() const { return role_; }
  bool established() const { return state_ == State::kEstablished; }
  bool closed() const { return state_ == State::kClosed; }
  // Known from creation (dialer) or after authorization (acceptor).
  std::optional<PeerIndex> peer() const { return peer_; }
  const std::string& peer_identity() const { return handshake_.peer_identity(); }
  const std::string& peer_boot_id() const { return handshake_.peer_boot_id(); }
  // The identity of whichever side dialed this link.
  const std::string& dialer_identity() const;

 private:
  enum class State { kConnecting, kHello, kAuth, kEstablished, kClosed };

  void OnConnected();
  void ReadHello();
  void OnHello();
  void ReadHeader();
  void ReadBody();
  void OnRecord(Record record);
  void OnAuth(const std::string& body);
  void Establish();
  void QueueRaw(std::string_view bytes);
  void ArmDeadline();
  void ArmKeepalive();
  void Fail(const boost::system::error_code& ec);
  void FailStatus(const Status& status);

  LinkHost& host_;
  const LinkContext& context_;
  tcp::socket socket_;
  tcp::resolver resolver_;
  boost::asio::steady_timer deadline_;
  boost::asio::steady_timer keepalive_;
  Role role_;
  State state_ = State::kConnecting;
  std::optional<PeerIndex> peer_;
  Handshake handshake_;
  std::optional<RecordSealer> sealer_;
  std::optional<RecordOpener> opener_;

  std::array<char, kHelloSize> hello_buf_{};
  std::array<unsigned char, kRecordHeaderSize> header_{};
  std::string body_;
  size_t body_read_ = 0;

  std::string pending_;  // bytes waiting for the current write to finish
  std::string writing_buf_;
  bool writing_ = false;
  bool ping_due_ = false;
  size_t inflight_frames_ = 0;
  size_t inflight_bytes_ = 0;
  std::chrono::steady_clock::time_point last_recv_;
  std::chrono::steady_clock::time_point last_send_;
};

}  // namespace cc::p2p
