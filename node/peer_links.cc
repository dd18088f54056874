#include "node/peer_links.h"

#include "common/log.h"

namespace cc::node {

PeerLinks::PeerLinks(p2p::Transport& transport, const std::vector<PeerConfig>& peers,
                     const std::vector<std::string>& validator_keys)
    : transport_(transport), validator_peer_(validator_keys.size()) {
  for (p2p::PeerIndex p = 0; p < peers.size(); ++p) {
    names_.push_back(peers[p].name);
    keys_.push_back(peers[p].public_key);
    std::optional<uint32_t> validator;
    for (uint32_t v = 0; v < validator_keys.size(); ++v) {
      if (validator_keys[v] == peers[p].public_key) validator = v;
    }
    if (validator) validator_peer_[*validator] = p;
    peer_validator_.push_back(validator);
  }
}

void PeerLinks::SendToValidator(uint32_t validator, const std::string& frame) {
  if (validator < validator_peer_.size() && validator_peer_[validator]) {
    (void)transport_.Send(*validator_peer_[validator], frame);
  }
}

void PeerLinks::BroadcastToValidators(const std::string& frame) {
  for (const auto& peer : validator_peer_) {
    if (peer) (void)transport_.Send(*peer, frame);
  }
}

void PeerLinks::SendToAnyPeer(const std::string& frame) {
  const size_t n = transport_.peer_count();
  if (n == 0) return;
  const size_t start = next_.fetch_add(1);
  for (size_t i = 0; i < n; ++i) {
    const size_t p = (start + i) % n;
    if (transport_.IsConnected(p)) {
      (void)transport_.Send(p, frame);
      return;
    }
  }
}

void PeerLinks::SendToObservers(const std::string& frame) {
  for (p2p::PeerIndex p = 0; p < peer_validator_.size(); ++p) {
    if (!peer_validator_[p]) (void)transport_.Send(p, frame);
  }
}

std::optional<uint32_t> PeerLinks::ValidatorOf(p2p::PeerIndex peer) const {
  if (peer >= peer_validator_.size()) return std::nullopt;
  return peer_validator_[peer];
}

std::vector<api::PeerView> PeerLinks::Views() const {
  std::vector<api::PeerView> out;
  for (p2p::PeerIndex p = 0; p < names_.size(); ++p) {
    out.push_back(
        api::PeerView{names_[p], keys_[p], peer_validator_[p], transport_.IsConnected(p), std::nullopt});
  }
  return out;
}

size_t PeerLinks::ConnectedPeers() const {
  size_t n = 0;
  for (p2p::PeerIndex p = 0; p < transport_.peer_count(); ++p) n += transport_.IsConnected(p) ? 1 : 0;
  return n;
}

size_t PeerLinks::ConnectedValidators() const {
  size_t n = 0;
  for (const auto& peer : validator_peer_) n += peer && transport_.IsConnected(*peer) ? 1 : 0;
  return n;
}

void PeerLinks::OnStatus(p2p::PeerIndex peer, bool up) {
  const std::string name = peer < names_.size() ? names_[peer] : std::to_string(peer);
  if (up) {
    Log(LogLevel::kInfo, "peer connected", {{"peer", name}});
    return;
  }
  // The reason this link ended: the counter that just grew.
  const auto stats = transport_.GetPeerStats(peer);
  std::string reason = "unknown";
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto& last = last_disconnects_[peer];
    for (size_t r = 0; r < p2p::kDisconnectReasonCount; ++r) {
      if (stats.disconnects[r] > last[r]) {
        reason = std::string(p2p::DisconnectReasonName(static_cast<p2p::DisconnectReason>(r)));
      }
    }
    last = stats.disconnects;
  }
  Log(LogLevel::kInfo, "peer disconnected", {{"peer", name}, {"reason", reason}});
}

}  // namespace cc::node
