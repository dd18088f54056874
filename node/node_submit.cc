// Node: transactions coming in (clients' submissions through the API, peers'
// forwards and relays) and waiting for their commit.
#include <chrono>

#include "node/node.h"
#include "proto/canonical.h"

namespace cc::node {

namespace {

// Admitted transactions are forwarded in frames of at most this many bytes, far
// under the transport's frame limit, so one large submission is not one huge frame.
constexpr size_t kMaxForwardFrameBytes = 1 << 20;

}  // namespace

Result<std::string> Node::Submit(const std::string& raw) {
  auto results = SubmitMany({raw});
  return std::move(results.front());
}

std::vector<Result<std::string>> Node::SubmitMany(const std::vector<std::string>& raws) {
  std::vector<Result<std::string>> results;
  results.reserve(raws.size());
  std::vector<std::pair<std::string, std::string>> admitted;
  pb::PeerFrame frame;
  size_t frame_bytes = 0;
  auto flush = [&] {
    if (frame.tx_batch().txs_size() == 0) return;
    links_->BroadcastToValidators(frame.SerializeAsString());
    frame.Clear();
    frame_bytes = 0;
  };
  const uint64_t now_ms = clock_.WallMs();
  const uint64_t limit = backlog_.Limit();  // the commit rate is read once per call
  size_t refused = 0;
  for (const auto& raw : raws) {
    // The backlog check comes first: refusing costs nothing, admitting a signature.
    if (Status busy = backlog_.Check(mempool_->size(), limit); !busy.ok()) {
      results.push_back(std::move(busy));
      ++refused;
      continue;
    }
    auto id = admission_->Admit(raw, now_ms);
    if (id.ok()) {
      // Frames stay well under the transport's frame limit.
      if (frame_bytes + raw.size() > kMaxForwardFrameBytes) flush();
      frame.mutable_tx_batch()->add_txs(raw);
      frame_bytes += raw.size();
      if (driver_) admitted.emplace_back(raw, *id);
    }
    results.push_back(std::move(id));
  }
  flush();
  if (driver_) driver_->PostRequests(std::move(admitted));
  if (refused != 0) metrics_.OnClientRefused(refused);
  return results;
}

Result<std::string> Node::SubmitAsMember(pb::TxBody body) {
  if (!member_key_) return Status::Error("no_member_key", "this node has no member key (member_key_file)");
  body.set_chain_id(genesis_.chain_id);
  body.set_sender(config_.member_id);
  pb::SignedTx tx;
  *tx.mutable_body() = std::move(body);
  tx.set_signature(member_key_->Sign(proto::TxBodySigningBytes(tx.body())));
  return Submit(tx.SerializeAsString());
}

std::optional<ledger::TxLocation> Node::WaitForCommit(const std::string& tx_id,
                                                      std::chrono::milliseconds timeout) {
  // Real time: the deadline bounds the wait, the ledger decides the answer.
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::unique_lock<std::mutex> lock(commit_mu_);
  for (;;) {
    auto loc = ledger_->FindTx(tx_id);
    if (loc.ok()) return *loc;
    if (stopping_ || commit_cv_.wait_until(lock, deadline) == std::cv_status::timeout) {
      auto last = ledger_->FindTx(tx_id);
      if (last.ok()) return *last;
      return std::nullopt;
    }
  }
}

void Node::AdmitFromPeer(std::vector<std::string> raws) {
  if (raws.empty()) return;
  const size_t count = raws.size();
  auto batch = std::make_shared<std::vector<std::string>>(std::move(raws));
  const bool queued = pool_->TrySubmit([this, batch] {
    // The primary checks signatures now (it is about to order them); a backup
    // checks each when it executes it, unless it admitted the same bytes itself.
    const bool primary = driver_->primary() == *validator_index_;
    const uint64_t now_ms = clock_.WallMs();
    std::vector<std::pair<std::string, std::string>> admitted;
    admitted.reserve(batch->size());
    for (auto& raw : *batch) {
      auto id = primary ? admission_->Admit(raw, now_ms) : admission_->AdmitForwarded(raw);
      if (id.ok()) admitted.emplace_back(std::move(raw), std::move(id).value());
    }
    driver_->PostRequests(std::move(admitted));
  });
  if (!queued) metrics_.OnForwardDropped(count);
}

}  // namespace cc::node
