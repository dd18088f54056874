// ChooseLink: which of two authenticated links to one peer survives.
//
// Both ends of a pair run this on the same two links and must keep the same one,
// without talking to each other:
//   1. The peer's boot id differs: the peer restarted, so the older link is stale
//      (its socket may not have noticed yet). Keep the incoming one.
//   2. Different dialers (both sides dialed at once): keep the link dialed by the
//      byte-wise smaller public key. Both ends compare the same two keys.
//   3. Same dialer: that side dials only when it has no link, so it gave up on the
//      current one. Keep the incoming one.
// The loser is closed with the returned reason (kReplaced or kDuplicate).
//
// Pure function; thread-safe.
#pragma once

#include <string_view>

#include "p2p/p2p_types.h"

namespace cc::p2p {

struct LinkFacts {
  std::string_view peer_boot_id;     // the boot id the peer presented on this link
  std::string_view dialer_identity;  // public key of the side that dialed it
};

struct LinkChoice {
  bool keep_incoming = true;
  DisconnectReason loser_reason = DisconnectReason::kReplaced;
};

LinkChoice ChooseLink(const LinkFacts& current, const LinkFacts& incoming);

}  // namespace cc::p2p
