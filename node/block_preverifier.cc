#include "node/block_preverifier.h"

#include <algorithm>
#include <string>
#include <unordered_map>

#include "contracts/keys.h"
#include "contracts/records.h"
#include "proto/canonical.h"

namespace cc::node {

BlockPreverifier::BlockPreverifier(const contracts::StateReader& state, VerifiedSignatures& signatures,
                                   WorkerPool& pool, size_t chunks, Deliver deliver)
    : state_(state),
      signatures_(signatures),
      pool_(pool),
      chunks_(std::max<size_t>(1, chunks)),
      deliver_(std::move(deliver)) {}

uint64_t BlockPreverifier::checked() const {
  std::lock_guard<std::mutex> lock(mu_);
  return checked_;
}

void BlockPreverifier::Offer(std::vector<pb::CertifiedBlock> blocks) {
  auto r = std::make_shared<Response>();
  r->blocks = std::move(blocks);
  uint64_t ticket = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    ticket = next_ticket_++;
    for (const auto& b : r->blocks) {
      const uint64_t h = b.block().header().height();
      if (h <= highest_offered_) continue;
      highest_offered_ = h;
      for (const auto& tx : b.block().txs()) r->txs.push_back(&tx);
    }
    const size_t chunks = std::min(chunks_, r->txs.size());
    r->chunks_left = chunks;
    r->done = chunks == 0;
    responses_.emplace(ticket, r);
    if (r->done) {
      DeliverReadyLocked();
      return;
    }
  }
  const size_t n = r->txs.size();
  const size_t chunks = r->chunks_left;
  for (size_t c = 0; c < chunks; ++c) {
    const size_t begin = n * c / chunks;
    const size_t end = n * (c + 1) / chunks;
    const bool queued = pool_.TrySubmit([this, r, begin, end, ticket] {
      CheckRange(*r, begin, end);
      ChunkDone(ticket);
    });
    if (!queued) ChunkDone(ticket);  // no room: execution checks these itself
  }
}

void BlockPreverifier::CheckRange(const Response& r, size_t begin, size_t end) {
  std::unordered_map<std::string, std::string> keys;  // sender -> current public key
  size_t checked = 0;
  for (size_t i = begin; i < end; ++i) {
    const std::string& raw = *r.txs[i];
    pb::SignedTx tx;
    if (!proto::ParseCanonicalTx(raw, &tx).ok()) continue;  // execution refuses it
    auto key = keys.find(tx.body().sender());
    if (key == keys.end()) {
      const std::optional<contracts::MemberRecord> member =
          contracts::Load<contracts::MemberRecord>(state_, contracts::keys::Member(tx.body().sender()));
      key = keys.emplace(tx.body().sender(), member ? member->public_key : std::string()).first;
    }
    if (key->second.empty()) continue;
    (void)signatures_.Check(proto::TxId(raw), key->second, proto::TxBodySigningBytes(tx.body()),
                            tx.signature());
    ++checked;
  }
  std::lock_guard<std::mutex> lock(mu_);
  checked_ += checked;
}

void BlockPreverifier::ChunkDone(uint64_t ticket) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = responses_.find(ticket);
  if (it == responses_.end()) return;
  if (--it->second->chunks_left == 0) it->second->done = true;
  DeliverReadyLocked();
}

void BlockPreverifier::DeliverReadyLocked() {
  // Under mu_, so deliveries keep the offering order and never overlap.
  for (auto it = responses_.find(next_delivery_); it != responses_.end() && it->second->done;
       it = responses_.find(next_delivery_)) {
    std::vector<pb::CertifiedBlock> blocks = std::move(it->second->blocks);
    responses_.erase(it);
    ++next_delivery_;
    deliver_(std::move(blocks));
  }
}

}  // namespace cc::node
