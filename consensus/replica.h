// PBFT replica (Castro & Liskov, OSDI '99) as a pure, deterministic state machine.
//
// Replica owns no socket, thread, file, clock or random source. The driver (node/
// in production, tests/consensus/sim in tests) feeds it Events through Step() and
// carries out the returned Output, in this order:
//   1. sync every record in Output::persist to stable storage;
//   2. only then send Output::messages (a crash between 1 and 2 is safe: the
//      replica restored from those records re-sends nothing conflicting);
//   3. execute Output::committed in order and report each with an Executed event
//      (its state digest = the block hash at that sequence), which drives checkpoints;
//   4. serve Output::fetch by obtaining committed batches with certificates from peers
//      and feeding them back as a Fetched event (the replica verifies them itself);
//   5. keep Output::evidence for operators and regulators.
//
// Every incoming message is checked (signature via Verifier, sender is a validator
// and matches the transport-authenticated `from`, view and sequence inside the
// watermarks, digest matches batch). Anything that fails is dropped and counted in
// Stats; nothing from the network is trusted or can crash the replica.
//
// Thread safety: none. One thread owns a Replica.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "proto/creditchain.pb.h"

namespace cc::consensus {

// Signs with this replica's validator key. Owned by the driver; must outlive Replica.
class Signer {
 public:
  virtual ~Signer() = default;
  virtual std::string Sign(std::string_view message) = 0;
};

// Knows every validator's public key by index.
class Verifier {
 public:
  virtual ~Verifier() = default;
  virtual bool Verify(uint32_t replica, std::string_view message, std::string_view signature) = 0;
};

struct Config {
  std::string chain_id;
  uint32_t n = 4;                           // number of validators; f = (n - 1) / 3
  uint32_t self = 0;                        // this replica's index, < n
  uint32_t checkpoint_interval = 16;        // K: checkpoint every K sequences
  uint32_t watermark_window = 64;           // L: sequences accepted in (low, low + L]; multiple of K
  uint32_t max_inflight = 8;                // batches a primary has open at once (pipelining)
  uint32_t max_batch_requests = 1000;       // a batch is cut at this many requests...
  uint32_t max_batch_bytes = 4u << 20;      // ...or this many bytes...
  uint32_t batch_timeout_ticks = 1;         // ...or after this many ticks with requests pending
  uint32_t view_change_timeout_ticks = 40;  // base request timer; doubles per failed view
  uint64_t max_clock_skew_ms = 30000;       // a pre-prepare timestamp further than this from
                                            // the backup's clock is refused
  // TEST ONLY: commit on 2f instead of 2f+1 matching commits. Exists to prove the
  // simulation's safety checker can fail; never set in production.
  bool test_only_commit_quorum_2f = false;
};

// ---- events

// A consensus message from validator `from` (authenticated by the transport).
struct MessageEvent {
  uint32_t from = 0;
  pb::ConsensusMessage message;
};
// A client request already admitted by the node (signature, size, member checks).
// `id` is the transaction id (BLAKE2b-256 of `request`).
struct RequestEvent {
  std::string request;
  std::string id;
};
// Logical time. `now_ms` is the driver's wall clock (used only for batch timestamps
// and their skew check); all timers count ticks.
struct TickEvent {
  uint64_t now_ms = 0;
};
// The driver executed committed batch `sequence`; `state_digest` is its block hash.
struct ExecutedEvent {
  uint64_t sequence = 0;
  std::string state_digest;
};
// Committed batches with certificates fetched from peers after Output::fetch.
struct FetchedEvent {
  std::vector<pb::CertifiedBlock> blocks;
};
using Event = std::variant<MessageEvent, RequestEvent, TickEvent, ExecutedEvent, FetchedEvent>;

// ---- output

struct Outbound {
  std::optional<uint32_t> to;  // nullopt: every other validator
  pb::ConsensusMessage message;
};

struct CommittedBatch {
  uint64_t sequence = 0;
  pb::Batch batch;                    // exactly as ordered (digest = certificate.digest)
  pb::CommitCertificate certificate;  // 2f+1 valid commit signatures
  // Indexes into batch.requests of requests already committed at a lower sequence;
  // the executor skips them. Deterministic: every honest replica computes the same.
  std::vector<uint32_t> duplicates;
};

struct FetchRequest {
  uint64_t from_sequence = 0;  // first committed sequence wanted (inclusive)
  uint64_t to_sequence = 0;    // last wanted (inclusive): a stable checkpoint seen
};

// What happened to this replica's view, for operators (logged by the driver at
// info level). Informational only: nothing to persist or send.
struct ViewEvent {
  enum class Kind {
    kGaveUp,             // signed a ViewTimeout for `view` (still working in it)
    kWithdrew,           // `view` makes progress again: the timeout no longer stands
    kViewChangeStarted,  // entered the view change to `view` on a timeout certificate
    kViewInstalled,      // `view` is active here (NEW-VIEW installed)
  };
  Kind kind = Kind::kGaveUp;
  uint64_t view = 0;
  std::string reason;
};
const char* ToString(ViewEvent::Kind kind);

struct Output {
  // Sync BEFORE sending `messages`. Records are opaque to the driver. (`sent` holds
  // a message this replica signed, or a primary's pre-prepare WITH its batch that
  // this replica accepted before preparing it: the batch must survive a restart.)
  std::vector<pb::ReplicaRecord> persist;
  std::vector<Outbound> messages;
  std::vector<CommittedBatch> committed;  // contiguous, increasing sequence
  std::optional<FetchRequest> fetch;
  // Client requests this backup has held unordered for half a request timer: send
  // each to every other validator as a client request (after the node's admission
  // checks there, it arrives as a RequestEvent). See "Request relay" in README.md.
  std::vector<std::string> relay;
  std::vector<pb::Evidence> evidence;
  std::vector<ViewEvent> view_events;
  std::optional<uint64_t> stable_checkpoint;  // new stable checkpoint: records and
                                              // batches at or below may be discarded
  // (A record is "at" the sequence of the vote or prepared proof it holds. Keep the
  // latest entered_view, VIEW-CHANGE and NEW-VIEW records regardless, and keep this
  // replica's own checkpoint record AT the stable sequence (discard only those below
  // it): after a restart it is the replica's share of the proof of that checkpoint.
  // Reported only once last_executed has reached it, so a restart never lacks a
  // discarded record.)
};

struct Stats {
  uint64_t view = 0;
  uint64_t view_changes = 0;    // views entered after view 0
  uint64_t last_committed = 0;  // highest contiguous committed sequence
  uint64_t last_executed = 0;
  uint64_t stable_checkpoint = 0;
  uint64_t dropped_messages = 0;  // failed a check
  uint64_t pending_requests = 0;
  bool in_view_change = false;
  // View synchronization.
  bool giving_up = false;           // this replica's ViewTimeout for `view` stands
  uint64_t view_timeouts_sent = 0;  // views given up on since start
  uint64_t relayed_requests = 0;    // Output::relay entries since start
};

// What a restarted replica is built from.
struct RestoreState {
  uint64_t last_executed = 0;     // height of the driver's ledger tip
  std::string last_state_digest;  // its block hash ("" at 0)
  uint64_t last_executed_timestamp_ms = 0;
  std::vector<pb::ReplicaRecord> records;  // everything persisted, in order
  // [Added with the implementation; additive, may stay empty.] Request ids of the
  // blocks ending at last_executed, oldest first: recent_request_ids.back() holds the
  // ids of block last_executed. CommittedBatch::duplicates flags a request that
  // occurs in one of the 4 * watermark_window batches before it; a restarted replica
  // needs those batches' ids to compute the same indexes as its peers (it uses at
  // most that many; fewer means it may flag fewer).
  std::vector<std::vector<std::string>> recent_request_ids;
};

class Replica {
 public:
  // `signer` and `verifier` are borrowed and must outlive the replica.
  Replica(Config config, Signer& signer, Verifier& verifier, RestoreState restore = {});
  ~Replica();
  Replica(const Replica&) = delete;
  Replica& operator=(const Replica&) = delete;

  Output Step(const Event& event);

  uint64_t view() const;
  uint32_t primary() const;  // of the current view
  bool is_primary() const;
  Stats stats() const;
  const Config& config() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace cc::consensus
