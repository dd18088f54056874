// Replica::Impl: the glue between the pure safety classes (VoteSet, MessageLog,
// CheckpointTracker, view-change rules, RequestQueue, EquivocationDetector).
//
// Private to consensus/. Split by concern over several .cc files:
//   replica.cc              construction, restore, event dispatch, signing guard
//   replica_normal.cc       requests, batching, pre-prepare / prepare / commit,
//                           delivery
//   replica_catch_up.cc     catch-up replies to peers that missed votes, batch
//                           bodies (BatchFetch / BatchReply)
//   replica_view_change.cc  timers' expiry, view timeouts and their certificates,
//                           VIEW-CHANGE, NEW-VIEW, catching up with the quorum's view
//   replica_sync.cc         checkpoints, garbage collection, state transfer,
//                           retransmission
//
// Every handler appends to out_ (the Output of the current Step). Any message this
// replica signs goes through SignVote()/Persist() so it is in out_.persist before it
// is in out_.messages.
//
// Thread safety: none.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "consensus/checkpoints.h"
#include "consensus/evidence.h"
#include "consensus/message_log.h"
#include "consensus/messages.h"
#include "consensus/replica.h"
#include "consensus/request_queue.h"
#include "consensus/view_change.h"
#include "consensus/view_sync.h"

namespace cc::consensus {

class Replica::Impl {
 public:
  Impl(Config config, Signer& signer, Verifier& verifier, RestoreState restore);

  Output Step(const Event& event);

  uint64_t view() const { return view_; }
  uint32_t primary() const { return PrimaryOf(view_); }
  bool is_primary() const { return primary() == config_.self; }
  Stats stats() const;
  const Config& config() const { return config_; }

 private:
  enum class Kind { kPrePrepare = 0, kPrepare = 1, kCommit = 2 };
  using SignedKey = std::tuple<uint64_t, uint64_t, int>;  // (sequence, view, kind)

  // ---- replica.cc
  void Restore(RestoreState restore);
  void RestoreActiveView();
  uint32_t PrimaryOf(uint64_t view) const { return static_cast<uint32_t>(view % config_.n); }
  uint32_t f() const { return FaultsTolerated(config_.n); }
  uint32_t quorum() const { return QuorumSize(config_.n); }
  uint32_t commit_quorum() const { return config_.test_only_commit_quorum_2f ? 2 * f() : quorum(); }
  uint64_t TimeoutTicks() const;  // of the running timer; evaluated when checked
  bool HigherViewRequested() const;
  uint64_t RetransmitTicks() const;
  size_t MaxMessageBytes(const pb::ConsensusMessage& m) const;
  void Drop() { ++dropped_; }
  void Persist(pb::ReplicaRecord record) { out_.persist.push_back(std::move(record)); }
  void PersistSent(const pb::ConsensusMessage& m);
  void Send(pb::ConsensusMessage m, std::optional<uint32_t> to = std::nullopt);
  // Signs (or re-uses) this replica's vote; nullopt if it already signed another
  // digest for (kind, view, sequence): the restart-safe no-equivocation guard.
  // `fresh` tells whether it is new (and so must be persisted by the caller).
  std::optional<pb::ConsensusMessage> SignVote(Kind kind, uint64_t view, uint64_t sequence,
                                               const std::string& digest, bool* fresh);
  void Observe(const pb::ConsensusMessage& vote);
  const pb::ConsensusMessage* FindSigned(Kind kind, uint64_t view, uint64_t sequence) const;
  void OnMessage(const MessageEvent& ev);
  // Records the view `m` shows its sender in (view_sync.h, PeerViews); a higher
  // view than ours counts only if the sender signed it.
  void NotePeerView(uint32_t from, const pb::ConsensusMessage& m);

  // ---- replica_normal.cc
  void OnRequest(const RequestEvent& ev);
  void MaybeCutBatches();
  void Propose(RequestQueue::Candidate candidate);
  void OnPrePrepare(uint32_t from, const pb::PrePrepare& pp);
  void OnPrepare(uint32_t from, const pb::Prepare& p);
  void OnCommit(uint32_t from, const pb::Commit& c);
  template <typename Vote>
  void OnVote(uint32_t from, const Vote& v, bool is_prepare);
  bool BatchWithinLimits(const pb::Batch& batch) const;
  void AttachBody(Slot& slot, uint64_t sequence);
  void SendPrepareIfReady(uint64_t sequence);
  void MaybeRelayRequests();
  void CheckPrepared(uint64_t sequence);
  void CheckCommitted(uint64_t sequence);
  void DeliverReady();
  void Deliver(CommittedBatch batch, const std::vector<std::string>& ids);
  void ReleaseSlot(Slot& slot);
  void ReleaseAllSlots();
  void ReplyCatchUp(uint32_t to, uint64_t sequence, bool with_preprepare = true);
  void OnBatchFetch(uint32_t from, const pb::BatchFetch& m);
  void OnBatchReply(uint32_t from, const pb::BatchReply& m);
  void RequestBody(Slot& slot, uint64_t sequence, const std::string& digest);
  void RestartRequestTimer();
  bool cutting_ = false;  // MaybeCutBatches is not re-entrant

  // ---- replica_view_change.cc
  void CheckTimers();
  // Signs and sends this replica's ViewTimeout for view_ (once per view): it keeps
  // working in view_; only a TimeoutCertificate moves it.
  void GiveUpOnView(const char* reason);
  void Note(ViewEvent::Kind kind, uint64_t view, std::string reason) {
    out_.view_events.push_back(ViewEvent{kind, view, std::move(reason)});
  }
  // Progress in view_: this replica no longer gives up on it.
  void WithdrawTimeout();
  void OnViewTimeout(uint32_t from, const pb::ViewTimeout& t);
  void OnTimeoutCertificate(uint32_t from, const pb::TimeoutCertificate& tc);
  void MaybeFormTimeoutCertificate(uint64_t view);
  // A peer is behind our view: hand it what lets it in (our NEW-VIEW, or the
  // certificate that started our view change). Rate-limited per peer.
  void HelpLaggard(uint32_t to);
  // f+1 peers show views above ours: ask them for the way in.
  void MaybeCatchUpView();
  // Enters the view change to `new_view`, justified by `tc` (a certificate for
  // new_view - 1), which is persisted and sent along with the VIEW-CHANGE.
  void StartViewChange(uint64_t new_view, const pb::TimeoutCertificate& tc);
  // Sends this replica's VIEW-CHANGE for view_, unless it cannot yet prove a stable
  // checkpoint covering everything it may have discarded before a restart.
  void SendViewChange();
  void RequestCheckpoints();
  void OnViewChange(uint32_t from, const pb::ViewChange& vc);
  Status ValidateCachedViewChange(const pb::ViewChange& vc);
  void StoreViewChange(const pb::ViewChange& vc);
  void MaybeMakeNewView();
  void OnNewView(uint32_t from, const pb::NewView& nv);
  void InstallNewView(const pb::NewView& nv, const NewViewSelection& selection);
  void EnterView(uint64_t view);

  // ---- replica_sync.cc
  void OnExecuted(const ExecutedEvent& ev);
  void OnCheckpoint(uint32_t from, const pb::Checkpoint& cp);
  void CheckStable();
  void AdvanceStable(StableCheckpoint stable);
  void MaybeReportStable();
  void NoteLag(uint64_t sequence, bool urgent);
  void RetransmitSlot(uint64_t sequence, Slot& slot);
  void NoteFarSequence(uint32_t from, uint64_t sequence);
  void MaybeFetch();
  void OnFetched(const FetchedEvent& ev);
  bool VerifyCertifiedBlock(const pb::CertifiedBlock& block, pb::Batch* batch, std::vector<std::string>* ids);
  void OnTick(const TickEvent& ev);
  void Retransmit();

  Config config_;
  MessageAuth auth_;
  ViewRules rules_;

  // Protocol state.
  uint64_t view_ = 0;
  bool in_view_change_ = false;
  uint64_t views_entered_ = 0;     // views entered after view 0
  uint32_t failed_views_ = 0;      // view changes since the last commit
  uint64_t next_sequence_ = 1;     // primary: next sequence to assign
  uint64_t last_proposed_ts_ = 0;  // highest timestamp of any batch ordered in our log
  uint64_t last_committed_ = 0;
  uint64_t last_committed_ts_ = 0;
  uint64_t last_executed_ = 0;
  uint64_t reported_stable_ = 0;
  StableCheckpoint stable_;
  MessageLog log_;
  BatchStore bodies_;
  CheckpointTracker checkpoints_;
  RequestQueue requests_;
  DeliveredIds delivered_;
  EquivocationDetector equivocation_;
  std::map<uint64_t, pb::PreparedProof> prepared_proofs_;  // sequence -> highest-view proof
  std::map<uint64_t, std::pair<CommittedBatch, std::vector<std::string>>> ready_;  // awaiting delivery
  std::map<SignedKey, pb::ConsensusMessage> signed_;                  // votes this replica signed
  std::map<std::pair<uint64_t, uint64_t>, pb::PrePrepare> accepted_;  // restore only: (seq, view)
  std::map<uint64_t, pb::Checkpoint> my_checkpoints_;
  std::map<uint64_t, pb::ViewChange> my_view_changes_;  // by new view
  std::optional<pb::NewView> current_new_view_;         // NEW-VIEW of view_, if any
  // View changes received: view -> replica -> message (validated).
  std::map<uint64_t, std::map<uint32_t, pb::ViewChange>> view_changes_;
  // View synchronization.
  TimeoutCollector timeouts_;
  PeerViews peer_views_;
  std::optional<pb::ViewTimeout> my_timeout_;                // for view_, while giving up on it
  std::optional<pb::TimeoutCertificate> entry_certificate_;  // moved us into view change to view_
  uint64_t timeouts_sent_ = 0;
  uint64_t relayed_ = 0;
  uint64_t newest_committed_arrival_ = 0;  // latest arrival tick of a held request since committed
  uint64_t last_catch_up_tick_ = 0;

  // Time.
  uint64_t tick_ = 0;
  uint64_t now_ms_ = 0;
  std::optional<uint64_t> request_timer_start_;      // active view, requests held
  std::optional<uint64_t> view_change_timer_start_;  // in view change
  uint64_t view_started_tick_ = 0;                   // when view_ became active here
  uint64_t last_retransmit_tick_ = 0;
  std::map<uint32_t, uint64_t> last_peer_reply_tick_;      // rate limit of HelpLaggard
  std::map<uint32_t, uint64_t> last_slotless_reply_tick_;  // rate limit of BatchReply without a slot
  std::map<uint32_t, uint64_t> last_checkpoint_reply_tick_;

  // Restart: records at or below the last reported stable checkpoint may be gone,
  // and with them prepared certificates. A VIEW-CHANGE must then claim a stable
  // checkpoint at least this high (proven by peers' checkpoints) so that nothing it
  // omits can matter. 0 when never restarted.
  uint64_t view_change_floor_ = 0;
  bool view_change_pending_ = false;  // in view change, VIEW-CHANGE not sent yet

  // State transfer.
  uint64_t fetch_target_ = 0;  // fetch up to here while last_committed_ is below
  bool fetch_urgent_ = false;  // no grace period (beyond our window or stable)
  uint64_t fetch_since_tick_ = 0;
  std::optional<uint64_t> last_fetch_tick_;
  std::map<uint32_t, uint64_t> far_sequence_;  // highest sequence seen above our window, per sender

  uint64_t dropped_ = 0;
  Output out_;
  Output startup_;  // produced by restore; emitted with the first Step
};

}  // namespace cc::consensus
