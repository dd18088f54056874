// Node: what arrives from peers (frames), block sync, and housekeeping.
#include "common/log.h"
#include "node/node.h"

namespace cc::node {

// Runs on the transport's io thread: parse, route, never block.
void Node::OnFrame(p2p::PeerIndex peer, const std::string& frame) {
  pb::PeerFrame f;
  if (!f.ParseFromString(frame)) {
    Log(LogLevel::kDebug, "unparsable frame", {{"peer", std::to_string(peer)}});
    return;
  }
  switch (f.kind_case()) {
    case pb::PeerFrame::kConsensus:
      // Only validators' links carry consensus; the transport proved who is speaking.
      if (auto validator = links_->ValidatorOf(peer); driver_ && validator) {
        driver_->PostMessage(*validator, std::move(*f.mutable_consensus()));
      }
      break;
    case pb::PeerFrame::kTx:
      if (driver_) AdmitFromPeer({std::move(*f.mutable_tx())}, links_->ValidatorOf(peer), std::nullopt);
      break;
    case pb::PeerFrame::kTxBatch: {
      if (!driver_) break;  // observers do not order transactions
      pb::TxBatch* batch = f.mutable_tx_batch();
      std::optional<pb::TxAttestation> attestation;
      if (batch->has_attestation() && attestations_->Takes(batch->attestation())) {
        attestation = std::move(*batch->mutable_attestation());
      }
      AdmitFromPeer(std::vector<std::string>(std::make_move_iterator(batch->mutable_txs()->begin()),
                                             std::make_move_iterator(batch->mutable_txs()->end())),
                    links_->ValidatorOf(peer), std::move(attestation));
      break;
    }
    case pb::PeerFrame::kAttestation: {
      // Checked on the pool (one signature); only a validator's link may carry one.
      // Validators and observers both take them, unless told to check everything;
      // one over the entry limit is dropped here, before it takes a place in the
      // pool's queue.
      auto validator = links_->ValidatorOf(peer);
      if (!validator || !attestations_->Takes(f.attestation())) break;
      auto attestation = std::make_shared<pb::TxAttestation>(std::move(*f.mutable_attestation()));
      (void)pool_->TrySubmit(
          [this, from = *validator, attestation] { AcceptAttestation(from, *attestation); });
      break;
    }
    case pb::PeerFrame::kSyncRequest: {
      auto request = std::make_shared<pb::BlockSyncRequest>(f.sync_request());
      (void)pool_->TrySubmit([this, peer, request] {
        pb::PeerFrame out;
        *out.mutable_sync_response() = ServeBlockSync(*ledger_, *request);
        (void)transport_->Send(peer, out.SerializeAsString());
      });
      break;
    }
    case pb::PeerFrame::kSyncResponse: {
      const pb::BlockSyncResponse& response = f.sync_response();
      sync_.OnResponse(response);
      if (response.blocks().empty()) break;
      // A range that stops short of the peer's tip: ask the same peer for the next
      // one at once, so a node far behind streams blocks (one request in flight,
      // answered in order) instead of waiting for its next sync poll. Checking
      // comes later, as for every block; a peer that lies about its tip earns
      // itself one more request per answer, nothing else.
      const uint64_t last = response.blocks(response.blocks_size() - 1).block().header().height();
      if (last < response.tip_height()) {
        pb::PeerFrame next;
        *next.mutable_sync_request() = SyncRequestFrom(last + 1);
        if (transport_->Send(peer, next.SerializeAsString()).ok()) sync_.NoteRequestSent();
      }
      preverifier_->Offer(std::vector<pb::CertifiedBlock>(
          std::make_move_iterator(f.mutable_sync_response()->mutable_blocks()->begin()),
          std::make_move_iterator(f.mutable_sync_response()->mutable_blocks()->end())));
      break;
    }
    case pb::PeerFrame::kStatus:
      sync_.NoteRemoteHeight(f.status().height());
      if (auto validator = links_->ValidatorOf(peer); health_ && validator) {
        health_->NotePeer(*validator, f.status().view(), f.status().in_view_change(), clock_.SteadyMs());
      }
      break;
    case pb::PeerFrame::KIND_NOT_SET:
      break;
  }
}

void Node::OnFetch(uint64_t from, uint64_t to) {
  sync_.NoteRemoteHeight(to);
  SendSyncRequest(SyncRequestFrom(from));
}

void Node::SendSyncRequest(const pb::BlockSyncRequest& request) {
  pb::PeerFrame f;
  *f.mutable_sync_request() = request;
  links_->SendToAnyPeer(f.SerializeAsString());
}

void Node::BroadcastStatus() {
  pb::PeerFrame f;
  f.mutable_status()->set_height(ledger_->Height());
  if (driver_) {
    const consensus::Stats c = driver_->stats();
    f.mutable_status()->set_view(c.view);
    f.mutable_status()->set_in_view_change(c.in_view_change);
  }
  transport_->Broadcast(f.SerializeAsString());
}

void Node::Housekeeping() {
  uint64_t last_status = 0, last_expire = clock_.SteadyMs();
  while (!stopping_) {
    {
      std::unique_lock<std::mutex> lock(stop_mu_);
      stop_cv_.wait_for(lock, std::chrono::milliseconds(100), [this] { return stopping_.load(); });
    }
    if (stopping_) break;
    const uint64_t now = clock_.SteadyMs();
    backlog_.NoteCommitted(metrics_.committed_transactions(), now);
    const uint64_t height = ledger_->Height();
    if (height != seen_height_) {
      seen_height_ = height;
      last_height_change_ms_ = now;
    }
    if (now - last_status >= 500) {
      BroadcastStatus();
      last_status = now;
    }
    CheckParticipation();
    // Observers sync whenever behind; validators only when consensus has not moved
    // them forward for a while (normally they commit through the protocol).
    // A validator more than a whole sync range behind its peers' announced height
    // (a restart with lost or old data) fetches at once: agreement does not bring
    // back sequences that are already committed.
    const bool stalled = now - last_height_change_ms_ > 2000;
    const bool far_behind = sync_.target() > height + kMaxBlocksPerResponse;
    if (!is_validator() || stalled || far_behind) {
      if (auto request = sync_.Poll(height)) SendSyncRequest(*request);
    }
    if (now - last_expire >= 10000) {
      mempool_->Expire(std::chrono::minutes(10));
      last_expire = now;
    }
  }
}

}  // namespace cc::node
