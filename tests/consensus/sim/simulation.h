// Simulation: n real PBFT replicas on a seeded simulated network, driven exactly as
// consensus/replica.h tells a driver to drive them, with faults, crashes, Byzantine
// validators and clients, and the SafetyChecker run after every step.
//
// A run is a pure function of its ScenarioConfig (seed included): no threads, no
// sleeps, no wall clock. Time is a tick counter; a replica's clock reads
// kEpochMs + tick * ms_per_tick. Each tick: planned crashes and restarts happen,
// clients submit and retry, Byzantine behaviours act, every queued entry due is
// delivered, then every live replica gets a TickEvent (in a seeded order).
//
// Driving a replica (for every Step):
//   1. its Output::persist records are appended to its durable record log ("synced");
//   2. only then its messages enter the network (a "torn" crash may strike between
//      1 and 2: the records survive, the messages are lost);
//   3. committed batches are checked, executed into its SimLedger (durable) and an
//      ExecutedEvent with the block hash is queued back to it, in order, possibly a
//      tick or two later;
//   4. Output::fetch is served from a live, reachable honest replica's ledger as
//      CertifiedBlocks (optionally preceded by a tampered copy), after a delay; and
//      nodes announce their heights so one behind syncs even when idle (as node/
//      does with StatusAnnounce and its SyncClient);
//   5. evidence is checked (it must be a real proof against a Byzantine replica).
// A crash drops the Replica object and everything in flight to it; a restart builds
// a new Replica from RestoreState{ledger tip, persisted records}.
//
// Liveness: once faults stop (GST: no drops, partitions healed, crashed replicas
// restarted) every request submitted by the clients must be committed on every
// honest replica within `liveness_bound` ticks of max(GST, last submission); then
// every honest replica must vote again (ScenarioConfig::check_participation): a
// replica that only keeps up by block sync, or waits alone in another view, fails
// the run even though blocks keep coming.
//
// Thread safety: none; one Simulation per thread.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "tests/consensus/sim/sim_network.h"

namespace cc::sim {

enum class ByzantineKind {
  kEquivocatingPrimary,
  kColludingEquivocator,  // equivocates and votes for every digest it sees
  kWrongDigestVoter,
  kReplayer,
  kSilent,
  kWithholdingPrimary,
};
const char* ToString(ByzantineKind kind);

struct CrashPlan {
  uint32_t replica = 0;
  uint64_t at = 0;          // crash at this tick...
  uint64_t restart_at = 0;  // ...and restart from persisted state at this one (> at)
  bool torn = false;        // crash right after persisting an output, before it is sent
  // Crash whichever replica is the primary at `at` (of the view most live honest
  // replicas are in) instead of `replica`; the same one restarts.
  bool current_primary = false;
};

struct PartitionPlan {
  uint64_t start = 0;
  uint64_t end = 0;
  std::vector<uint32_t> group_of;  // replica -> group; different groups cannot talk
};

// kOneBackup: one replica other than 0 (the first primary).
enum class SubmitTo { kAll, kRandomSubset, kOneReplica, kOneBackup };

struct ScenarioConfig {
  std::string name = "unnamed";
  uint64_t seed = 1;
  uint32_t n = 4;

  // consensus::Config of every replica.
  uint32_t checkpoint_interval = 4;
  uint32_t watermark_window = 16;
  uint32_t max_inflight = 4;
  uint32_t max_batch_requests = 3;
  uint32_t batch_timeout_ticks = 1;
  uint32_t view_change_timeout_ticks = 40;
  bool honest_commit_quorum_2f = false;  // Config::test_only_commit_quorum_2f

  // Network. Drops, partitions, link blocks and crashes must all end by `gst`.
  NetworkFaults faults;
  uint64_t gst = 0;
  std::vector<PartitionPlan> partitions;
  std::vector<LinkBlock> link_blocks;
  std::vector<CrashPlan> crashes;
  // Replica -> TickEvents it gets per simulated tick (default 1): its timers run
  // that many times faster than everyone else's. Not a fault that stops at GST.
  std::map<uint32_t, uint32_t> clock_rate;
  // Harness self-test only: from tick `deaf_from` on, consensus messages to
  // replica `deaf` are lost (block sync still reaches it).
  std::optional<uint32_t> deaf;
  uint64_t deaf_from = 0;
  // Harness self-test only: every Output::relay is lost (as if no driver sent them).
  bool lose_relays = false;
  uint32_t max_execution_lag = 2;  // ticks between commit and ExecutedEvent
  bool prune_records = false;      // discard records at stable checkpoints, as allowed

  // Byzantine validators (at most f for the safety and liveness claims).
  std::map<uint32_t, ByzantineKind> byzantine;
  double byzantine_rate = 0.5;                // wrong-digest share / replay chance per tick
  std::set<uint32_t> withheld_requests;       // request indexes a withholding primary hides
  std::set<uint32_t> equivocation_alt_group;  // fixed split for equivocators (empty: random)
  int equivocation_witness = -1;

  // Clients.
  uint32_t requests = 8;
  uint32_t request_bytes = 48;
  uint64_t submit_from = 0;
  uint64_t submit_until = 100;
  uint32_t late_requests = 0;  // a second wave, submitted in [late_from, late_until]
  uint64_t late_from = 0;
  uint64_t late_until = 0;
  SubmitTo submit_to = SubmitTo::kAll;
  uint64_t client_retry_ticks = 120;  // re-send to all until f+1 replicas committed it...
  bool client_retransmits = true;     // ...unless false: a client sends once, to its
                                      // targets (as creditd's clients do: the node
                                      // that accepted it must see it through)
  double resubmit_committed = 0;      // chance a client re-sends a committed request

  // Block sync service. Output::fetch is served from a reachable honest peer; and,
  // as node/block_sync.h does, every node announces its ledger height to its peers
  // every `status_interval_ticks` (0: never) from `status_start_tick` on, and a node
  // that hears of a higher ledger asks that peer for the missing blocks.
  double corrupt_fetch = 0;  // chance blocks are first answered with a tampered copy
  uint32_t max_fetch_blocks = 32;
  uint64_t status_interval_ticks = 20;
  uint64_t status_start_tick = 0;

  // Checks.
  bool check_certificates = true;
  bool check_liveness = true;
  uint64_t liveness_bound = 2000;
  // Participation: once every request is committed after GST, clients keep sending
  // a probe request every `probe_interval_ticks` until every honest replica has
  // voted again: committed a batch through consensus (not block sync) whose
  // certificate carries its own commit signature, and all honest replicas are in
  // one view, not changing it. Within `participation_bound` ticks, or the run fails.
  bool check_participation = true;
  uint64_t participation_bound = 1500;
  uint64_t probe_interval_ticks = 15;
  uint64_t settle_ticks = 30;  // keep running (and checking) after liveness is met
  uint64_t max_ticks = 20000;  // hard stop when liveness is not checked
  bool verify_cache = true;    // off in the benchmark: every replica verifies itself
  bool trace = false;          // print every event to stderr
  uint64_t ms_per_tick = 10;
};

struct ReplicaSummary {
  bool byzantine = false;
  uint64_t height = 0;  // executed blocks
  uint64_t view = 0;
  uint64_t view_changes = 0;
  uint64_t stable_checkpoint = 0;
  uint64_t restarts = 0;
  uint64_t fetch_requests = 0;
  uint64_t fetched_commits = 0;     // batches committed from blocks it fetched itself
  uint64_t synced_commits = 0;      // batches committed from node-level sync
  uint64_t committed_requests = 0;  // distinct client requests executed
  uint64_t evidence = 0;            // evidence records it output
  uint64_t relayed_requests = 0;    // Output::relay entries
  uint64_t height_at_gst = 0;
  uint64_t stable_at_gst = 0;   // its stable checkpoint when faults stopped
  bool in_view_change = false;  // at the end of the run
  // Participation phase: batches it committed through consensus with its own
  // commit signature in the certificate (it voted), and the first tick it did.
  uint64_t own_votes_committed = 0;
  uint64_t voted_again_at = 0;
  bool equivocated = false;  // Byzantine: sent an honest replica provable conflicts
};

struct RunResult {
  bool ok = true;
  std::string violation;  // the first invariant broken
  uint64_t tick = 0;      // when it broke, or when the run ended
  std::vector<ReplicaSummary> replicas;
  std::map<uint32_t, uint64_t> evidence_against;  // from honest replicas
  uint64_t steps = 0;
  uint64_t messages_sent = 0;
  uint64_t signatures = 0;
  uint64_t verifications = 0;       // Ed25519 verifications actually computed
  uint64_t committed_requests = 0;  // most on one honest ledger, duplicates excluded
  uint64_t live_at = 0;             // every request committed everywhere (after GST)
  uint64_t participating_at = 0;    // every honest replica voted again, in one view
};

RunResult RunSimulation(const ScenarioConfig& config);

}  // namespace cc::sim
