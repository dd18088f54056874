#include "p2p/p2p_types.h"

namespace cc::p2p {

namespace {
constexpr std::array<std::string_view, kDisconnectReasonCount> kNames = {
    "closed_by_peer", "io_error",     "connect_failed", "handshake_timeout", "bad_hello", "bad_handshake",
    "bad_signature",  "unknown_peer", "wrong_identity", "frame_too_large",   "bad_frame", "decrypt_failed",
    "idle_timeout",   "duplicate",    "replaced",       "too_many_pending",  "shutdown",
};
static_assert(static_cast<size_t>(DisconnectReason::kShutdown) + 1 == kDisconnectReasonCount);
}  // namespace

std::string_view DisconnectReasonName(DisconnectReason reason) { return kNames[static_cast<size_t>(reason)]; }

DisconnectReason DisconnectReasonFromCode(std::string_view code) {
  for (size_t i = 0; i < kNames.size(); ++i) {
    if (kNames[i] == code) return static_cast<DisconnectReason>(i);
  }
  return DisconnectReason::kBadHandshake;
}

}  // namespace cc::p2p
