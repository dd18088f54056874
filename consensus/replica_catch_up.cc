// Replica: helping peers that missed messages (catch-up replies), and batch bodies
// (BatchFetch / BatchReply) for sequences known only by digest.
#include "consensus/replica_impl.h"
#include "crypto/hash.h"
#include "proto/canonical.h"

namespace cc::consensus {

namespace {

// Catch-up replies per (sequence, peer) until the slot is collected; beyond this a
// peer that is still missing the sequence gets it by state transfer.
constexpr uint32_t kMaxCatchUpReplies = 4;

}  // namespace

void Replica::Impl::ReplyCatchUp(uint32_t to, uint64_t sequence, bool with_preprepare) {
  if (sequence <= log_.low()) {
    // The peer works below our stable checkpoint (or restarted and asks for
    // checkpoints): show it ours, from the stable one up, so it can prove a stable
    // checkpoint or see that it must fetch blocks.
    auto cp = my_checkpoints_.lower_bound(stable_.sequence);
    if (cp == my_checkpoints_.end()) return;
    auto last = last_checkpoint_reply_tick_.find(to);
    if (last != last_checkpoint_reply_tick_.end() && tick_ < last->second + RetransmitTicks()) return;
    last_checkpoint_reply_tick_[to] = tick_;
    for (; cp != my_checkpoints_.end(); ++cp) {
      pb::ConsensusMessage m;
      *m.mutable_checkpoint() = cp->second;
      Send(std::move(m), to);
    }
    return;
  }
  Slot* slot = log_.Find(sequence);
  if (slot == nullptr || slot->view != view_ || in_view_change_) return;
  auto last = slot->last_reply_tick.find(to);
  if (last != slot->last_reply_tick.end() && tick_ < last->second + RetransmitTicks()) return;
  if (slot->replies[to] >= kMaxCatchUpReplies) return;
  ++slot->replies[to];
  slot->last_reply_tick[to] = tick_;
  const auto* pp = with_preprepare ? FindSigned(Kind::kPrePrepare, view_, sequence) : nullptr;
  if (pp != nullptr) {
    if (const pb::Batch* body = bodies_.Get(pp->preprepare().digest())) {
      pb::ConsensusMessage m = *pp;
      *m.mutable_preprepare()->mutable_batch() = *body;
      Send(std::move(m), to);
    }
  }
  if (const auto* p = FindSigned(Kind::kPrepare, view_, sequence)) Send(*p, to);
  if (const auto* c = FindSigned(Kind::kCommit, view_, sequence)) Send(*c, to);
}

void Replica::Impl::RequestBody(Slot& slot, uint64_t sequence, const std::string& digest) {
  if (slot.last_fetch_tick != 0 && tick_ + 1 < slot.last_fetch_tick + RetransmitTicks()) return;
  slot.last_fetch_tick = tick_ + 1;
  pb::ConsensusMessage m;
  pb::BatchFetch* f = m.mutable_batch_fetch();
  f->set_sequence(sequence);
  f->set_digest(digest);
  f->set_replica(config_.self);
  Send(std::move(m));
}

void Replica::Impl::OnBatchFetch(uint32_t from, const pb::BatchFetch& m) {
  if (m.replica() != from || (!m.digest().empty() && m.digest().size() != crypto::kHashSize)) {
    Drop();
    return;
  }
  uint64_t seq = m.sequence();
  std::string digest = m.digest();
  Slot* slot = log_.InWindow(seq) ? log_.Find(seq) : nullptr;
  if (digest.empty() && slot != nullptr) {
    digest = !slot->committed_digest.empty() ? slot->committed_digest : slot->digest();
  }
  if (slot != nullptr) {
    auto last = slot->last_body_reply_tick.find(from);
    if (last != slot->last_body_reply_tick.end() && tick_ < last->second + RetransmitTicks()) return;
    slot->last_body_reply_tick[from] = tick_;
  } else {
    // No slot (we are between views, or the sequence is below our window): at most
    // one such answer per peer and tick.
    auto [it, first] = last_slotless_reply_tick_.try_emplace(from, tick_);
    if (!first && it->second == tick_) return;
    it->second = tick_;
  }
  if (!digest.empty()) {
    if (const pb::Batch* body = bodies_.Get(digest)) {
      pb::ConsensusMessage reply;
      pb::BatchReply* r = reply.mutable_batch_reply();
      r->set_sequence(seq);
      r->set_digest(digest);
      *r->mutable_batch() = *body;
      Send(std::move(reply), from);
    }
  }
  ReplyCatchUp(from, seq);
}

void Replica::Impl::OnBatchReply(uint32_t from, const pb::BatchReply& m) {
  (void)from;
  uint64_t seq = m.sequence();
  Slot* slot = log_.InWindow(seq) ? log_.Find(seq) : nullptr;
  if (slot == nullptr || bodies_.Get(m.digest()) != nullptr) return;  // not (or no longer) wanted
  if (slot->digest() != m.digest() && slot->commits.Count(m.digest()) == 0) return;
  if (!BatchWithinLimits(m.batch()) || proto::BatchDigestOf(m.batch()) != m.digest()) {
    Drop();
    return;
  }
  bodies_.Put(m.digest(), m.batch(), seq);
  AttachBody(*slot, seq);
  SendPrepareIfReady(seq);
  CheckPrepared(seq);
  CheckCommitted(seq);
}

}  // namespace cc::consensus
