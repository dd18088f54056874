// Replica: checkpoints and garbage collection, state transfer (fetch of certified
// blocks), ticks and retransmission.
#include <algorithm>
#include <functional>
#include <set>

#include "consensus/replica_impl.h"
#include "crypto/merkle.h"
#include "proto/canonical.h"

namespace cc::consensus {

namespace {
constexpr size_t kMaxStateDigest = 64;
}  // namespace

// ---------------------------------------------------------------- checkpoints

void Replica::Impl::OnExecuted(const ExecutedEvent& ev) {
  if (ev.sequence <= last_executed_ || ev.sequence > last_committed_) return;  // stale or not ours
  last_executed_ = ev.sequence;
  if (ev.sequence % config_.checkpoint_interval == 0 && !ev.state_digest.empty() &&
      ev.state_digest.size() <= kMaxStateDigest) {
    auto it = my_checkpoints_.find(ev.sequence);
    if (it == my_checkpoints_.end()) {
      pb::ConsensusMessage m;
      *m.mutable_checkpoint() = auth_.SignCheckpoint(ev.sequence, ev.state_digest);
      PersistSent(m);
      it = my_checkpoints_.emplace(ev.sequence, m.checkpoint()).first;
    }
    pb::ConsensusMessage m;
    *m.mutable_checkpoint() = it->second;
    Send(std::move(m));
    (void)checkpoints_.Add(it->second);
    CheckStable();
  }
  MaybeReportStable();
}

void Replica::Impl::OnCheckpoint(uint32_t from, const pb::Checkpoint& cp) {
  if (cp.replica() != from || cp.sequence() == 0 || cp.sequence() % config_.checkpoint_interval != 0 ||
      cp.state_digest().empty() || cp.state_digest().size() > kMaxStateDigest) {
    Drop();
    return;
  }
  if (cp.sequence() <= stable_.sequence) {
    // Strictly below: the sender is behind; show it our stable checkpoint.
    if (cp.sequence() < stable_.sequence) ReplyCatchUp(from, cp.sequence());
    return;
  }
  if (checkpoints_.Has(from, cp.sequence())) return;
  if (!auth_.Verify(cp)) {
    Drop();
    return;
  }
  (void)checkpoints_.Add(cp);
  CheckStable();
  // f+1 replicas at or beyond t include an honest one: blocks up to t exist.
  uint64_t reached = checkpoints_.ReachedBy(f() + 1);
  if (reached > last_committed_) NoteLag(reached, reached > log_.high());
}

void Replica::Impl::CheckStable() {
  if (auto stable = checkpoints_.FindStable(stable_.sequence)) AdvanceStable(std::move(*stable));
}

void Replica::Impl::AdvanceStable(StableCheckpoint stable) {
  if (stable.sequence <= stable_.sequence) return;
  stable_ = std::move(stable);
  const uint64_t s = stable_.sequence;
  for (auto& [seq, slot] : log_.slots()) {
    if (seq > s) break;
    ReleaseSlot(slot);
  }
  log_.AdvanceLow(s);
  equivocation_.Forget(s);
  bodies_.Forget(s);
  checkpoints_.Forget(s);
  signed_.erase(signed_.begin(), signed_.lower_bound(SignedKey{s + 1, 0, 0}));
  prepared_proofs_.erase(prepared_proofs_.begin(), prepared_proofs_.upper_bound(s));
  my_checkpoints_.erase(my_checkpoints_.begin(), my_checkpoints_.lower_bound(s));
  for (auto it = far_sequence_.begin(); it != far_sequence_.end();) {
    it = it->second <= log_.high() ? far_sequence_.erase(it) : std::next(it);
  }
  next_sequence_ = std::max(next_sequence_, log_.low() + 1);
  if (last_committed_ < s) NoteLag(s, /*urgent=*/true);  // the log below s is gone
  MaybeReportStable();
  if (in_view_change_ && view_change_pending_ && stable_.sequence >= view_change_floor_) {
    SendViewChange();
    MaybeMakeNewView();
  }
  MaybeCutBatches();
}

void Replica::Impl::MaybeReportStable() {
  // Only once executed: the driver may then discard records at or below it, and a
  // restart resumes above last_executed, where every record is still kept.
  if (stable_.sequence > reported_stable_ && last_executed_ >= stable_.sequence) {
    reported_stable_ = stable_.sequence;
    out_.stable_checkpoint = reported_stable_;
  }
}

// ---------------------------------------------------------------- state transfer

void Replica::Impl::NoteLag(uint64_t sequence, bool urgent) {
  if (sequence <= last_committed_) return;
  if (fetch_target_ <= last_committed_) {
    fetch_since_tick_ = tick_;
    fetch_urgent_ = false;
  }
  fetch_target_ = std::max(fetch_target_, sequence);
  fetch_urgent_ = fetch_urgent_ || urgent;
  MaybeFetch();
}

void Replica::Impl::NoteFarSequence(uint32_t from, uint64_t sequence) {
  uint64_t& far = far_sequence_[from];
  far = std::max(far, sequence);
  std::vector<uint64_t> above;
  for (const auto& [replica, seq] : far_sequence_) {
    if (seq > log_.high()) above.push_back(seq);
  }
  if (above.size() < f() + 1) return;
  std::sort(above.begin(), above.end(), std::greater<>());
  NoteLag(above[f()], /*urgent=*/true);
}

void Replica::Impl::MaybeFetch() {
  if (fetch_target_ <= last_committed_) {
    fetch_urgent_ = false;
    last_fetch_tick_.reset();
    return;
  }
  // A replica a little behind usually catches up by agreement within moments; give
  // it a grace period before fetching, unless agreement cannot reach the target.
  if (!fetch_urgent_ && tick_ < fetch_since_tick_ + RetransmitTicks()) return;
  if (last_fetch_tick_ && tick_ < *last_fetch_tick_ + 2 * RetransmitTicks()) return;
  last_fetch_tick_ = tick_;
  out_.fetch = FetchRequest{last_committed_ + 1, fetch_target_};
}

bool Replica::Impl::VerifyCertifiedBlock(const pb::CertifiedBlock& block, pb::Batch* batch,
                                         std::vector<std::string>* ids) {
  const pb::BlockHeader& header = block.block().header();
  const pb::CommitCertificate& cert = block.certificate();
  if (cert.sequence() != header.height() || cert.digest() != header.batch_digest() ||
      header.tx_count() != static_cast<uint32_t>(block.block().txs_size()) ||
      block.block().txs_size() > static_cast<int>(config_.max_batch_requests) ||
      cert.signatures_size() > static_cast<int>(config_.n)) {
    return false;
  }
  batch->Clear();
  batch->set_timestamp_ms(header.timestamp_ms());
  for (const auto& tx : block.block().txs()) batch->add_requests(tx);
  *ids = proto::TxIds(*batch);
  std::string digest =
      proto::BatchDigest(header.timestamp_ms(), static_cast<uint32_t>(ids->size()), crypto::MerkleRoot(*ids));
  if (digest != cert.digest()) return false;
  std::set<uint32_t> valid;
  for (const auto& sig : cert.signatures()) {
    if (valid.size() >= commit_quorum()) break;
    if (sig.validator() >= config_.n || valid.count(sig.validator())) continue;
    if (auth_.VerifyCommitVote(cert.view(), cert.sequence(), cert.digest(), sig.validator(),
                               sig.signature())) {
      valid.insert(sig.validator());
    }
  }
  return valid.size() >= commit_quorum();
}

void Replica::Impl::OnFetched(const FetchedEvent& ev) {
  const uint64_t committed_before = last_committed_;
  std::vector<const pb::CertifiedBlock*> blocks;
  for (const auto& b : ev.blocks) blocks.push_back(&b);
  std::stable_sort(blocks.begin(), blocks.end(), [](const auto* a, const auto* b) {
    return a->block().header().height() < b->block().header().height();
  });
  for (const pb::CertifiedBlock* b : blocks) {
    uint64_t height = b->block().header().height();
    if (height <= last_committed_) continue;  // already have it
    pb::Batch batch;
    std::vector<std::string> ids;
    if (height != last_committed_ + 1 || !VerifyCertifiedBlock(*b, &batch, &ids)) {
      Drop();
      continue;
    }
    ready_.erase(height);
    CommittedBatch cb;
    cb.sequence = height;
    cb.batch = std::move(batch);
    cb.certificate = b->certificate();
    Deliver(std::move(cb), ids);
  }
  DeliverReady();
  // A response that moved us forward asks for the next range at once: the pause
  // between fetches is for retrying a request that went unanswered, and waiting it
  // out after every answered one held a replica that is far behind to one range
  // per two retransmission periods.
  if (last_committed_ > committed_before) last_fetch_tick_.reset();
  MaybeFetch();
  MaybeCutBatches();
}

// ---------------------------------------------------------------- time

void Replica::Impl::OnTick(const TickEvent& ev) {
  ++tick_;
  now_ms_ = ev.now_ms;
  CheckTimers();
  MaybeCutBatches();
  MaybeRelayRequests();
  if (tick_ >= last_retransmit_tick_ + RetransmitTicks()) {
    last_retransmit_tick_ = tick_;
    Retransmit();
  }
  MaybeFetch();
}

void Replica::Impl::RetransmitSlot(uint64_t sequence, Slot& slot) {
  if (const auto* pp = FindSigned(Kind::kPrePrepare, view_, sequence)) {
    if (const pb::Batch* body = bodies_.Get(pp->preprepare().digest())) {
      pb::ConsensusMessage m = *pp;
      *m.mutable_preprepare()->mutable_batch() = *body;
      Send(std::move(m));
    }
  }
  if (slot.my_prepare) {
    pb::ConsensusMessage m;
    *m.mutable_prepare() = *slot.my_prepare;
    Send(std::move(m));
  }
  if (slot.my_commit) {
    pb::ConsensusMessage m;
    *m.mutable_commit() = *slot.my_commit;
    Send(std::move(m));
  }
  // Missing the body or the pre-prepare: ask peers; the request also makes them
  // re-send their votes for this sequence (ReplyCatchUp).
  std::string digest = slot.digest();
  if (digest.empty()) digest = slot.commits.Leading();
  bool have_body = !digest.empty() && bodies_.Get(digest) != nullptr;
  if (!have_body) {
    RequestBody(slot, sequence, digest);  // "" asks for whatever the peer committed there
  } else if (!slot.preprepare) {
    RequestBody(slot, sequence, std::string());
  }
}

void Replica::Impl::Retransmit() {
  // Messages are lost; nothing else re-sends them. Only state that has been stuck
  // for a whole retransmission period is re-sent, so a healthy pipeline sends
  // nothing extra.
  if (stable_.sequence < view_change_floor_) RequestCheckpoints();
  if (my_timeout_ && my_timeout_->view() == view_) {
    timeouts_.Add(*my_timeout_, tick_);  // ours stays current while it stands
    pb::ConsensusMessage m;
    *m.mutable_view_timeout() = *my_timeout_;
    Send(std::move(m));
  }
  if (in_view_change_) {
    // The certificate first: a replica still in an older view needs it to follow.
    if (entry_certificate_ && entry_certificate_->view() + 1 == view_) {
      pb::ConsensusMessage m;
      *m.mutable_timeout_certificate() = *entry_certificate_;
      Send(std::move(m));
    }
    auto it = my_view_changes_.find(view_);
    if (it != my_view_changes_.end()) {
      pb::ConsensusMessage m;
      *m.mutable_view_change() = it->second;
      Send(std::move(m));
    }
    return;
  }
  for (auto& [seq, slot] : log_.slots()) {
    if (seq <= last_committed_ || slot.committed || slot.view != view_) continue;
    if (!slot.seen_by_retransmit) {
      slot.seen_by_retransmit = true;
      continue;
    }
    RetransmitSlot(seq, slot);
  }
  // A hole at the next sequence to deliver, with later sequences under way.
  uint64_t next = last_committed_ + 1;
  if (log_.InWindow(next) && log_.Find(next) == nullptr &&
      log_.slots().upper_bound(next) != log_.slots().end()) {
    Slot& slot = log_.At(next, view_);
    slot.seen_by_retransmit = true;
    RequestBody(slot, next, std::string());
  }
}

}  // namespace cc::consensus
