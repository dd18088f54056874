#include "p2p/link_choice.h"

namespace cc::p2p {

LinkChoice ChooseLink(const LinkFacts& current, const LinkFacts& incoming) {
  if (current.peer_boot_id != incoming.peer_boot_id) {
    return {true, DisconnectReason::kReplaced};
  }
  if (current.dialer_identity != incoming.dialer_identity) {
    // std::string_view compares bytes as unsigned char (char_traits<char>).
    return {incoming.dialer_identity < current.dialer_identity, DisconnectReason::kDuplicate};
  }
  return {true, DisconnectReason::kReplaced};
}

}  // namespace cc::p2p
