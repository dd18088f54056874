// PeerLinks: the node's view of its P2P transport: which peer is which validator,
// the PeerSender that consensus and block sync send through, link status for
// /v1/status and readiness, and the info-level log of links going up and down
// (with the reason a link ended).
//
// Peers are the nodes of the config file; a peer whose public key is a genesis
// validator's is that validator.
//
// Thread safety: immutable after construction apart from the transport's own
// (thread-safe) state and the disconnect bookkeeping, which is locked.
#pragma once

#include <atomic>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "api/backend.h"
#include "node/config.h"
#include "node/seams.h"
#include "p2p/transport.h"

namespace cc::node {

class PeerLinks final : public PeerSender {
 public:
  // Borrows `transport`, which outlives this object.
  PeerLinks(p2p::Transport& transport, const std::vector<PeerConfig>& peers,
            const std::vector<std::string>& validator_keys);

  // PeerSender.
  void SendToValidator(uint32_t validator, const std::string& frame) override;
  void BroadcastToValidators(const std::string& frame) override;
  void SendToAnyPeer(const std::string& frame) override;
  // Sends to every peer that is not a validator (observers).
  void SendToObservers(const std::string& frame);

  // The validator a peer is, if any.
  std::optional<uint32_t> ValidatorOf(p2p::PeerIndex peer) const;
  std::vector<api::PeerView> Views() const;
  size_t ConnectedPeers() const;
  size_t ConnectedValidators() const;

  // From the transport's status handler: logs the change at info level.
  void OnStatus(p2p::PeerIndex peer, bool up);

 private:
  p2p::Transport& transport_;
  std::vector<std::string> names_;                             // by PeerIndex
  std::vector<std::string> keys_;                              // by PeerIndex
  std::vector<std::optional<uint32_t>> peer_validator_;        // by PeerIndex
  std::vector<std::optional<p2p::PeerIndex>> validator_peer_;  // by validator index
  std::atomic<size_t> next_{0};
  std::mutex mu_;
  std::map<p2p::PeerIndex, p2p::DisconnectCounters> last_disconnects_;  // guarded by mu_
};

}  // namespace cc::node
