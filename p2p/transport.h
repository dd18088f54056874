// Transport: authenticated, encrypted TCP links between the nodes of one chain.
//
// Given our Ed25519 identity and a fixed list of peers ({public key, optional
// host:port}), the transport keeps at most one live link per peer, carrying opaque
// frames (the node puts serialized pb::PeerFrame in them). docs/p2p.md specifies the
// handshake, record format, limits and failure handling. In short:
//   - Links: we dial every peer that has an address whenever we have no link to it
//     (the side with the larger key waits dial_grace first); we accept links from any
//     peer in the list. If two links to one peer come up, both sides keep the same
//     one: the one dialed by the smaller key; a link from a restarted peer (new boot
//     id) replaces the old one.
//   - Failed or lost links are redialed with jittered exponential back-off.
//   - Unknown identities, bad signatures, slow handshakes, oversized or undecryptable
//     records close the link and are counted; nothing the network sends can crash
//     the process or make it allocate more than max_frame_size per link.
//   - Delivery: frames to one peer go out in Send order over a link and arrive
//     intact and in order; frames in flight when a link dies are lost (counted as
//     lost_frames) and are not retransmitted: the protocols above tolerate loss.
//   - Send queues are bounded per peer (frames and bytes) and keep filling while
//     the peer is disconnected; when full, the new frame is dropped and counted.
//
// Threading: one internal io_context thread does all socket work. Send, Broadcast,
// IsConnected and the stats accessors are thread-safe and never block on I/O. The
// handlers given to Start run on the internal thread, one at a time: they must be
// quick (copy the frame to the consumer's own queue) and must not call Stop().
// Memory per peer is bounded by max_queue_bytes + one write batch
// (max(1 MiB, max_frame_size)) + one receive buffer (max_frame_size).
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "crypto/keys.h"
#include "p2p/p2p_types.h"

namespace cc::p2p {

class Transport {
 public:
  // A frame from `peer`; `frame` is the payload exactly as the peer sent it.
  using FrameHandler = std::function<void(PeerIndex peer, std::string frame)>;
  // The peer's link came up (true) or went down (false).
  using StatusHandler = std::function<void(PeerIndex peer, bool connected)>;

  // Validates the configuration (code "invalid_config": a key not 32 bytes, a
  // duplicate peer, ourselves in the list, an empty chain id, nonsensical limits).
  static Result<std::unique_ptr<Transport>> Create(crypto::KeyPair self, std::vector<PeerConfig> peers,
                                                   TransportOptions options);
  ~Transport();  // Stop()s if running
  Transport(const Transport&) = delete;
  Transport& operator=(const Transport&) = delete;

  // Binds the listener (if options.listen), starts the io thread and begins dialing.
  // Codes: "bind_failed", "already_started". A transport starts at most once.
  [[nodiscard]] Status Start(FrameHandler on_frame, StatusHandler on_status = {});
  // Closes every socket and joins the io thread; queued frames are discarded.
  // Idempotent; safe on a transport never started. REQUIRES: not called from a
  // handler (it would join its own thread; this aborts).
  void Stop();

  // The bound listen port (after a successful Start with options.listen), else 0.
  uint16_t listen_port() const;

  // Queues `frame` for `peer`. Codes: "unknown_peer" (index out of range),
  // "frame_too_large" (above max_frame_size), "queue_full" (dropped and counted),
  // "not_connected" (only with queue_while_disconnected = false; dropped and
  // counted), "stopped". OK means queued, not delivered.
  [[nodiscard]] Status Send(PeerIndex peer, std::string frame);
  // Queues one shared copy of `frame` for every peer; returns how many accepted it.
  size_t Broadcast(std::string frame);

  const crypto::KeyPair& identity() const;
  size_t peer_count() const;
  const PeerConfig& peer(PeerIndex index) const;  // REQUIRES: index < peer_count()
  std::optional<PeerIndex> FindPeer(std::string_view public_key) const;

  bool IsConnected(PeerIndex peer) const;
  PeerStats GetPeerStats(PeerIndex peer) const;  // REQUIRES: peer < peer_count()
  TransportStats GetStats() const;

 private:
  class Impl;
  explicit Transport(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace cc::p2p
