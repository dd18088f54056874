// Plain value types of the P2P transport: peer configuration, options, disconnect
// reasons and statistics. See docs/p2p.md for the protocol they configure.
//
// Thread safety: plain values; safe to copy between threads.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cc::p2p {

// Index of a peer in the list given to the Transport (stable for its lifetime).
using PeerIndex = size_t;

struct PeerConfig {
  std::string public_key;  // Ed25519, 32 raw bytes; the peer must prove it owns it
  // Where to dial the peer. Empty host or port 0: never dialed (accept-only); the
  // peer may still connect to us.
  std::string host;
  uint16_t port = 0;

  bool dialable() const { return !host.empty() && port != 0; }
};

// Why a link (or a dial attempt, or an inbound handshake) ended. Names are stable
// snake_case codes (DisconnectReasonName) for logs and metrics.
enum class DisconnectReason : uint8_t {
  kClosedByPeer,      // EOF or reset from the other side
  kIoError,           // any other socket error
  kConnectFailed,     // TCP connect (or name resolution) failed or timed out
  kHandshakeTimeout,  // handshake not finished within handshake_timeout
  kBadHello,          // wrong magic or an invalid ephemeral key
  kBadHandshake,      // malformed or unexpected handshake record
  kBadSignature,      // handshake signature does not verify
  kUnknownPeer,       // identity proven but not in our peer set
  kWrongIdentity,     // dialed peer answered with another identity
  kFrameTooLarge,     // announced record length above the limit
  kBadFrame,          // record too short or of an unknown type
  kDecryptFailed,     // authentication tag mismatch (tampering, garbage, replay)
  kIdleTimeout,       // nothing received for idle_timeout
  kDuplicate,         // a second link to the same peer lost the tie-break
  kReplaced,          // an older link replaced by a newer one (peer restarted)
  kTooManyPending,    // too many inbound handshakes in progress
  kShutdown,          // Stop() was called
};
inline constexpr size_t kDisconnectReasonCount = 17;

std::string_view DisconnectReasonName(DisconnectReason reason);
// Maps a Status code of handshake.h / record_cipher.h to its reason; unknown codes
// map to kBadHandshake.
DisconnectReason DisconnectReasonFromCode(std::string_view code);

using DisconnectCounters = std::array<uint64_t, kDisconnectReasonCount>;

struct TransportOptions {
  // Bound into every handshake signature: nodes of different chains never link.
  std::string chain_id;
  // Accept inbound links. A dial-only node (e.g. an observer behind NAT) sets false.
  bool listen = true;
  std::string listen_host = "127.0.0.1";
  uint16_t listen_port = 0;  // 0: the kernel picks one; see Transport::listen_port()

  size_t max_frame_size = 16 * 1024 * 1024;  // bytes of one frame (plaintext)
  // Per-peer send queue bounds; a frame that does not fit is dropped and counted.
  size_t max_queue_frames = 8192;
  size_t max_queue_bytes = 64 * 1024 * 1024;
  // Keep queueing (within the bounds) while the peer has no link, and flush when it
  // comes up. false: a frame for a disconnected peer is dropped and counted at once.
  bool queue_while_disconnected = true;
  // Inbound connections allowed to be in the handshake at once.
  size_t max_pending_handshakes = 64;

  std::chrono::milliseconds handshake_timeout{5000};   // connect + handshake
  std::chrono::milliseconds keepalive_interval{5000};  // ping after this much silence
  std::chrono::milliseconds idle_timeout{20000};       // drop a link silent this long
  std::chrono::milliseconds backoff_initial{100};
  std::chrono::milliseconds backoff_max{5000};
  // The node with the larger public key waits this long before dialing a peer, so
  // when both sides can dial, the smaller key's link usually wins without a race.
  std::chrono::milliseconds dial_grace{500};
  // Seed of the reconnect jitter; unset: libsodium randomness.
  std::optional<uint64_t> jitter_seed;
};

// Which side dialed the peer's current link.
enum class LinkDirection : uint8_t { kNone, kOutbound, kInbound };

struct PeerStats {
  bool connected = false;
  LinkDirection direction = LinkDirection::kNone;
  bool dialing = false;  // an outbound connect or handshake is in progress
  uint64_t frames_in = 0;
  uint64_t frames_out = 0;  // frames fully written to the socket
  uint64_t bytes_in = 0;    // frame payload bytes (plaintext, without overhead)
  uint64_t bytes_out = 0;
  uint64_t dropped_frames = 0;  // refused by Send because the queue was full
  uint64_t dropped_bytes = 0;
  uint64_t lost_frames = 0;  // taken from the queue but the link died mid-write
  size_t queued_frames = 0;  // waiting in the send queue now
  size_t queued_bytes = 0;
  uint64_t dial_attempts = 0;
  uint64_t connects = 0;  // authenticated links established (either direction)
  // Ended links and failed dial attempts to this peer, by reason.
  DisconnectCounters disconnects{};

  uint64_t Disconnects(DisconnectReason r) const { return disconnects[static_cast<size_t>(r)]; }
};

struct TransportStats {
  std::vector<PeerStats> peers;  // by PeerIndex
  // Inbound connections that ended before the remote proved a known identity
  // (garbage, bad signature, unknown key, timeouts), by reason.
  DisconnectCounters refused{};

  uint64_t Refused(DisconnectReason r) const { return refused[static_cast<size_t>(r)]; }
};

}  // namespace cc::p2p
