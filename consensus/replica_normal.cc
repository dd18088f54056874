// Replica, normal case: requests, batching, PRE-PREPARE / PREPARE / COMMIT and
// in-order delivery.
#include <algorithm>

#include "consensus/replica_impl.h"
#include "crypto/hash.h"
#include "crypto/merkle.h"
#include "proto/canonical.h"

namespace cc::consensus {

namespace {

// The pre-prepare as a vote: everything but the batch body.
pb::ConsensusMessage AsVote(const pb::PrePrepare& pp) {
  pb::ConsensusMessage m;
  pb::PrePrepare* v = m.mutable_preprepare();
  v->set_view(pp.view());
  v->set_sequence(pp.sequence());
  v->set_digest(pp.digest());
  v->set_replica(pp.replica());
  v->set_signature(pp.signature());
  return m;
}

}  // namespace

// ---------------------------------------------------------------- requests

void Replica::Impl::OnRequest(const RequestEvent& ev) {
  if (ev.request.empty() || ev.request.size() > config_.max_batch_bytes || ev.id != proto::TxId(ev.request)) {
    Drop();
    return;
  }
  if (delivered_.Contains(ev.id)) return;  // committed already
  switch (requests_.Add(ev.id, ev.request, tick_)) {
    case RequestQueue::AddResult::kFull:
      Drop();
      return;
    case RequestQueue::AddResult::kDuplicate:
      return;
    case RequestQueue::AddResult::kAdded:
      break;
  }
  if (!in_view_change_ && !request_timer_start_) request_timer_start_ = tick_;
  MaybeCutBatches();
}

// A backup relays a request the primary seems not to have. The node sent it to
// every validator once, on admission; a frame lost then (a link down, a peer
// restarting, a full queue) may leave the primary without it, and if no other
// backup holds it no quorum of timers can ever replace the primary either: it
// would wait for ever in this replica's queue. Relayed to every validator, it
// reaches the primary, and every backup's own timers then cover a primary that
// ignores it.
//
// "Seems not to have", with P = half the base request timer: the request has
// waited P unordered, and either nothing at all committed for P while this replica
// held requests, or a request that arrived here at least P after it committed
// first (the primary orders in arrival order, so it overtook one the primary
// lacks, or censors). A backlog the primary is working through in order is
// neither, so an overloaded network relays nothing. Again every P while it stays
// unordered; not during a view change (relays resume in the new view), not by the
// primary; at most max_batch_requests per tick.
void Replica::Impl::MaybeRelayRequests() {
  if (in_view_change_ || is_primary() || requests_.empty()) return;
  const uint64_t period = std::max<uint64_t>(1, config_.view_change_timeout_ticks / 2);
  const bool idle = request_timer_start_ && tick_ >= *request_timer_start_ + period;
  const uint64_t horizon = idle ? tick_ : newest_committed_arrival_;
  for (auto& r : requests_.TakeDueForRelay(horizon, tick_, period, config_.max_batch_requests)) {
    out_.relay.push_back(std::move(r));
    ++relayed_;
  }
}

void Replica::Impl::RestartRequestTimer() {
  if (in_view_change_ || requests_.empty()) {
    request_timer_start_.reset();
  } else {
    request_timer_start_ = tick_;
  }
}

void Replica::Impl::MaybeCutBatches() {
  // No batch before the first clock reading: its timestamp would be meaningless
  // and backups (which have a clock) would refuse it as skewed.
  if (cutting_ || in_view_change_ || !is_primary() || now_ms_ == 0) return;
  cutting_ = true;
  while (true) {
    uint64_t open = next_sequence_ - 1 > last_committed_ ? next_sequence_ - 1 - last_committed_ : 0;
    if (open >= config_.max_inflight || !log_.InWindow(next_sequence_)) break;
    RequestQueue::Eligible e = requests_.CountEligible();
    if (e.count == 0) break;
    bool full = e.count >= config_.max_batch_requests || e.bytes >= config_.max_batch_bytes;
    if (!full && tick_ - e.oldest_tick < config_.batch_timeout_ticks) break;
    RequestQueue::Candidate c = requests_.TakeEligible(config_.max_batch_requests, config_.max_batch_bytes);
    if (c.requests.empty()) break;
    Propose(std::move(c));
  }
  cutting_ = false;
}

void Replica::Impl::Propose(RequestQueue::Candidate c) {
  pb::Batch batch;
  batch.set_timestamp_ms(std::max({now_ms_, last_proposed_ts_, last_committed_ts_}));
  for (auto& r : c.requests) batch.add_requests(std::move(r));
  std::string digest = proto::BatchDigest(batch.timestamp_ms(), static_cast<uint32_t>(c.ids.size()),
                                          crypto::MerkleRoot(c.ids));
  uint64_t seq = next_sequence_++;
  bool fresh = false;
  auto vote = SignVote(Kind::kPrePrepare, view_, seq, digest, &fresh);
  if (!vote) return;  // never: restore moves next_sequence_ past every signed pre-prepare
  last_proposed_ts_ = batch.timestamp_ms();
  pb::ConsensusMessage full = *vote;
  *full.mutable_preprepare()->mutable_batch() = batch;
  PersistSent(full);
  Send(std::move(full));
  bodies_.Put(digest, batch, seq);
  Slot& slot = log_.At(seq, view_);
  slot.preprepare = vote->preprepare();
  slot.request_ids = std::move(c.ids);
  AttachBody(slot, seq);
  CheckPrepared(seq);
}

// ---------------------------------------------------------------- agreement

bool Replica::Impl::BatchWithinLimits(const pb::Batch& batch) const {
  if (batch.requests_size() > static_cast<int>(config_.max_batch_requests)) return false;
  uint64_t bytes = 0;
  for (const auto& r : batch.requests()) {
    if (r.empty()) return false;
    bytes += r.size();
  }
  return bytes <= config_.max_batch_bytes;
}

void Replica::Impl::AttachBody(Slot& slot, uint64_t sequence) {
  (void)sequence;
  if (slot.open_marked || !slot.preprepare) return;
  const pb::Batch* body = bodies_.Get(slot.digest());
  if (body == nullptr) return;
  if (slot.request_ids.empty()) slot.request_ids = proto::TxIds(*body);
  // A later batch of ours must not be stamped before one already ordered (e.g.
  // re-issued by a NEW-VIEW from another primary's clock).
  last_proposed_ts_ = std::max(last_proposed_ts_, body->timestamp_ms());
  for (const auto& id : slot.request_ids) requests_.MarkOpen(id);
  slot.open_marked = true;
}

void Replica::Impl::ReleaseSlot(Slot& slot) {
  if (!slot.open_marked) return;
  for (const auto& id : slot.request_ids) requests_.UnmarkOpen(id);
  slot.open_marked = false;
}

void Replica::Impl::ReleaseAllSlots() {
  for (auto& [seq, slot] : log_.slots()) ReleaseSlot(slot);
}

void Replica::Impl::OnPrePrepare(uint32_t from, const pb::PrePrepare& pp) {
  if (pp.replica() != from || pp.digest().size() != crypto::kHashSize || !pp.has_batch() ||
      !BatchWithinLimits(pp.batch())) {
    Drop();
    return;
  }
  uint64_t seq = pp.sequence();
  if (seq > log_.high()) {  // in any view: peers far ahead mean we must fetch
    NoteFarSequence(from, seq);
    Drop();
    return;
  }
  if (pp.view() != view_ || in_view_change_ || from != primary()) {
    Drop();
    return;
  }
  if (seq <= last_committed_ || seq <= log_.low()) {
    ReplyCatchUp(from, seq);  // a retransmission from a peer that is behind
    return;
  }
  Slot& slot = log_.At(seq, view_);
  if (slot.preprepare) {
    if (slot.digest() == pp.digest()) {
      ReplyCatchUp(from, seq);
    } else {
      if (auth_.Verify(pp)) Observe(AsVote(pp));
      Drop();
    }
    return;
  }
  if (!auth_.Verify(pp)) {
    Drop();
    return;
  }
  Observe(AsVote(pp));
  std::vector<std::string> ids = proto::TxIds(pp.batch());
  std::string digest = proto::BatchDigest(pp.batch().timestamp_ms(), static_cast<uint32_t>(ids.size()),
                                          crypto::MerkleRoot(ids));
  if (digest != pp.digest()) {
    Drop();
    return;
  }
  uint64_t ts = pp.batch().timestamp_ms();
  if (now_ms_ > 0 && (ts > now_ms_ ? ts - now_ms_ : now_ms_ - ts) > config_.max_clock_skew_ms) {
    Drop();
    return;
  }
  const pb::ConsensusMessage* mine = FindSigned(Kind::kPrepare, view_, seq);
  if (mine != nullptr && mine->prepare().digest() != digest) {
    Drop();  // we prepared another digest here before a restart
    return;
  }
  slot.preprepare = AsVote(pp).preprepare();
  bodies_.Put(digest, pp.batch(), seq);
  slot.request_ids = std::move(ids);
  AttachBody(slot, seq);
  SendPrepareIfReady(seq);
  CheckPrepared(seq);
  CheckCommitted(seq);
}

void Replica::Impl::SendPrepareIfReady(uint64_t sequence) {
  Slot* slot = log_.Find(sequence);
  if (slot == nullptr || slot->view != view_ || in_view_change_ || !slot->preprepare || is_primary() ||
      slot->my_prepare || bodies_.Get(slot->digest()) == nullptr) {
    return;
  }
  bool fresh = false;
  auto vote = SignVote(Kind::kPrepare, view_, sequence, slot->digest(), &fresh);
  if (!vote) return;
  if (fresh) {
    // Our prepare vouches that we hold this batch; a prepared certificate may
    // carry it into a later view, where someone must still be able to serve the
    // body. So the accepted pre-prepare is persisted with its batch first.
    pb::ConsensusMessage accepted;
    *accepted.mutable_preprepare() = *slot->preprepare;
    *accepted.mutable_preprepare()->mutable_batch() = *bodies_.Get(slot->digest());
    PersistSent(accepted);
    PersistSent(*vote);
  }
  slot->my_prepare = vote->prepare();
  (void)slot->prepares.Add(config_.self, vote->prepare().digest(), vote->prepare().signature());
  Send(std::move(*vote));
}

namespace {
void Wrap(pb::ConsensusMessage& m, const pb::Prepare& p) { *m.mutable_prepare() = p; }
void Wrap(pb::ConsensusMessage& m, const pb::Commit& c) { *m.mutable_commit() = c; }
}  // namespace

// PREPARE and COMMIT are checked and recorded alike; they differ only in the vote
// set they fill, the check that follows, and that the primary never sends a
// PREPARE (its pre-prepare stands for it).
template <typename Vote>
void Replica::Impl::OnVote(uint32_t from, const Vote& v, bool is_prepare) {
  if (v.replica() != from || v.digest().size() != crypto::kHashSize) {
    Drop();
    return;
  }
  const uint64_t seq = v.sequence();
  if (seq > log_.high()) {
    NoteFarSequence(from, seq);
    Drop();
    return;
  }
  if (v.view() != view_ || in_view_change_ || (is_prepare && from == primary())) {
    Drop();
    return;
  }
  if (seq <= last_committed_ || seq <= log_.low()) {
    // The sender voted, so it holds the pre-prepare and its batch (persisted
    // before any prepare): it may lack votes, never the body.
    ReplyCatchUp(from, seq, /*with_preprepare=*/false);
    return;
  }
  Slot& slot = log_.At(seq, view_);
  VoteSet& votes = is_prepare ? slot.prepares : slot.commits;
  if (auto prior = votes.DigestOf(from)) {
    if (*prior == v.digest()) {
      ReplyCatchUp(from, seq);
    } else {
      // A second, different vote: evidence if it is really signed.
      pb::ConsensusMessage m;
      Wrap(m, v);
      if (auth_.Verify(v)) Observe(m);
      Drop();
    }
    return;
  }
  if (is_prepare ? slot.prepared : slot.committed) {
    // The certificate this vote would count toward is formed: checking its
    // signature would cost a verification and change nothing (so a replica that
    // equivocates only after the certificate formed leaves no evidence here; one
    // whose first vote counted does, above). After the commit, the sender may
    // lack the votes we saw; it voted, so it holds the pre-prepare and its batch:
    // send it our votes only.
    if (slot.committed) ReplyCatchUp(from, seq, /*with_preprepare=*/false);
    return;
  }
  if (!auth_.Verify(v)) {
    Drop();
    return;
  }
  pb::ConsensusMessage m;
  Wrap(m, v);
  Observe(m);
  (void)votes.Add(from, v.digest(), v.signature());
  if (is_prepare) {
    CheckPrepared(seq);
  } else {
    CheckCommitted(seq);
  }
}

void Replica::Impl::OnPrepare(uint32_t from, const pb::Prepare& p) { OnVote(from, p, /*is_prepare=*/true); }

void Replica::Impl::OnCommit(uint32_t from, const pb::Commit& c) { OnVote(from, c, /*is_prepare=*/false); }

void Replica::Impl::CheckPrepared(uint64_t sequence) {
  Slot* slot = log_.Find(sequence);
  if (slot == nullptr || slot->view != view_ || in_view_change_ || !slot->preprepare || slot->prepared)
    return;
  const std::string digest = slot->digest();
  uint32_t primary_id = primary();
  if (slot->prepares.CountExcluding(digest, primary_id) < 2 * f()) return;
  slot->prepared = true;
  pb::PreparedProof proof;
  *proof.mutable_preprepare() = *slot->preprepare;
  for (const auto& [replica, signature] : slot->prepares.Votes(digest)) {
    if (replica == primary_id) continue;
    if (proof.prepares_size() >= static_cast<int>(2 * f())) break;
    pb::Prepare* p = proof.add_prepares();
    p->set_view(view_);
    p->set_sequence(sequence);
    p->set_digest(digest);
    p->set_replica(replica);
    p->set_signature(signature);
  }
  prepared_proofs_[sequence] = proof;
  pb::ReplicaRecord record;
  *record.mutable_prepared() = std::move(proof);
  Persist(std::move(record));

  bool fresh = false;
  auto vote = SignVote(Kind::kCommit, view_, sequence, digest, &fresh);
  if (vote) {
    if (fresh) PersistSent(*vote);
    slot->my_commit = vote->commit();
    (void)slot->commits.Add(config_.self, digest, vote->commit().signature());
    Send(std::move(*vote));
  }
  CheckCommitted(sequence);
}

void Replica::Impl::CheckCommitted(uint64_t sequence) {
  Slot* slot = log_.Find(sequence);
  if (slot == nullptr || slot->committed || sequence <= last_committed_ || ready_.count(sequence)) return;
  std::string digest;
  if (slot->prepared && slot->commits.Count(slot->digest()) >= commit_quorum()) {
    digest = slot->digest();
  } else {
    // A full commit certificate proves the decision even if we never saw the
    // pre-prepare or enough prepares (we missed them): adopt it.
    std::string leading = slot->commits.Leading();
    if (leading.empty() || slot->commits.Count(leading) < quorum()) return;
    digest = leading;
  }
  const pb::Batch* body = bodies_.Get(digest);
  if (body == nullptr) {
    RequestBody(*slot, sequence, digest);
    return;
  }
  slot->committed = true;
  slot->committed_digest = digest;
  CommittedBatch cb;
  cb.sequence = sequence;
  cb.batch = *body;
  pb::CommitCertificate& cert = cb.certificate;
  cert.set_view(slot->view);
  cert.set_sequence(sequence);
  cert.set_digest(digest);
  for (const auto& [replica, signature] : slot->commits.Votes(digest)) {
    pb::CommitSignature* s = cert.add_signatures();
    s->set_validator(replica);
    s->set_signature(signature);
  }
  std::vector<std::string> ids =
      slot->digest() == digest && !slot->request_ids.empty() ? slot->request_ids : proto::TxIds(*body);
  ready_.emplace(sequence, std::make_pair(std::move(cb), std::move(ids)));
  DeliverReady();
}

void Replica::Impl::DeliverReady() {
  bool delivered = false;
  while (true) {
    auto it = ready_.find(last_committed_ + 1);
    if (it == ready_.end()) break;
    auto entry = std::move(it->second);
    ready_.erase(it);
    Deliver(std::move(entry.first), entry.second);
    delivered = true;
  }
  ready_.erase(ready_.begin(), ready_.upper_bound(last_committed_));
  if (delivered) MaybeCutBatches();
}

void Replica::Impl::Deliver(CommittedBatch cb, const std::vector<std::string>& ids) {
  cb.duplicates = delivered_.Duplicates(cb.sequence, ids);
  delivered_.Record(cb.sequence, ids);
  for (const auto& id : ids) {
    if (auto arrived = requests_.Remove(id))
      newest_committed_arrival_ = std::max(newest_committed_arrival_, *arrived);
  }
  if (Slot* slot = log_.Find(cb.sequence)) {
    ReleaseSlot(*slot);
    slot->committed = true;
    if (slot->committed_digest.empty()) slot->committed_digest = cb.certificate.digest();
  }
  last_committed_ = cb.sequence;
  last_committed_ts_ = std::max(last_committed_ts_, cb.batch.timestamp_ms());
  next_sequence_ = std::max(next_sequence_, last_committed_ + 1);
  failed_views_ = 0;
  out_.committed.push_back(std::move(cb));
  RestartRequestTimer();
}

}  // namespace cc::consensus
