// ConsensusDriver: the one thread that owns the PBFT replica (STYLE.md 3).
//
// Network, HTTP and verification threads only Post* events into its queue. The
// thread steps the replica, then carries out each Output in the order replica.h
// demands: records are synced to the ledger's log BEFORE any message of that output
// leaves. Committed batches go, in order, to a second thread, the executor, which
// executes and appends each (block + certificate + state as one synced write) and
// reports it back as an Executed event; so agreement on the next batches proceeds
// while a block executes. A crash between commit and append loses nothing: the
// block is re-obtained by block sync from the validators that committed it.
// Ticks come from the Clock's steady reading every `tick_ms`; batch timestamps
// from its wall reading.
//
// A storage failure while persisting or appending aborts the process: continuing
// could equivocate or lose a committed block, and a restart recovers cleanly.
//
// Thread safety: Post*, stats() and Stop() may be called from any thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include "common/clock.h"
#include "consensus/replica.h"
#include "ledger/ledger.h"
#include "node/seams.h"

namespace cc::node {

class ConsensusDriver {
 public:
  struct Options {
    consensus::Config replica;
    uint32_t tick_ms = 10;
  };
  struct Hooks {
    // Called on the executor thread after each block is durably appended, in height
    // order; the driver thread keeps stepping meanwhile. Must be quick.
    std::function<void(const ExecutedBlock&)> on_commit;
    std::function<void(const pb::Evidence&)> on_evidence;
    // The replica gave up on a view, entered a view change, installed a view (on
    // the driver thread, after the output's messages are sent).
    std::function<void(const consensus::ViewEvent&)> on_view_event;
    // Block sync: the replica wants committed blocks [from, to].
    std::function<void(uint64_t from, uint64_t to)> on_fetch;
    // Where the driver thread's time goes, in seconds: "step" (replica steps of one
    // loop), "persist" (synced record writes), "execute" and "append" (per block).
    std::function<void(const char* stage, double seconds)> on_timing;
  };

  // Borrowed: clock, signer, verifier, ledger, executor, sender outlive the driver.
  ConsensusDriver(Options options, const Clock& clock, consensus::Signer& signer,
                  consensus::Verifier& verifier, ledger::Ledger& ledger, BlockExecutor& executor,
                  PeerSender& sender, Hooks hooks);
  ~ConsensusDriver();

  void Start();
  void Stop();

  void PostMessage(uint32_t from, pb::ConsensusMessage message);
  // Admitted requests (bytes, id), all at once: one lock, one wake-up.
  void PostRequests(std::vector<std::pair<std::string, std::string>> requests);
  void PostFetched(std::vector<pb::CertifiedBlock> blocks);

  consensus::Stats stats() const;
  uint32_t primary() const { return primary_.load(); }

 private:
  void Run();
  void RunExecutor();
  void Carry(consensus::Output out);
  void Merge(consensus::Output& into, consensus::Output&& from);
  // Drops persisted records at or below a stable checkpoint, keeping the latest
  // view record and everything above it (one synced write; see Ledger::TruncateRecords).
  void CompactRecords(uint64_t stable);
  double SecondsSince(Clock::SteadyTime t) const;

  Options options_;
  const Clock& clock_;
  consensus::Signer& signer_;
  consensus::Verifier& verifier_;
  ledger::Ledger& ledger_;
  BlockExecutor& executor_;
  PeerSender& sender_;
  Hooks hooks_;

  std::unique_ptr<consensus::Replica> replica_;  // touched only by the driver thread
  // Mirror of the records persisted since the last compaction (driver thread only).
  std::vector<pb::ReplicaRecord> log_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<consensus::Event> queue_;
  bool stopping_ = false;
  std::thread thread_;
  consensus::Stats stats_;  // guarded by mu_

  // Committed batches waiting for the executor thread, in sequence order.
  std::mutex exec_mu_;
  std::condition_variable exec_cv_;
  std::deque<consensus::CommittedBatch> exec_queue_;
  bool exec_stopping_ = false;
  std::thread exec_thread_;
  std::atomic<uint32_t> primary_{0};
};

}  // namespace cc::node
