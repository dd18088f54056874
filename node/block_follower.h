// BlockFollower: how an observer keeps its ledger: it never votes, it follows.
//
// Certified blocks arrive from validators (pushed at each commit, or answered to a
// block-sync request) and wait here, bounded, until they are next in line. The
// follower's thread then, for the block at height + 1: checks the block's own
// hashes (ledger::CheckBlock), verifies its commit certificate against the
// validator set, re-executes it and refuses it unless the result hashes to the
// same header (state root included), and appends it with its state in one synced
// write. A refused block is counted and logged; block sync fetches it again.
//
// Thread safety: Offer and the counters may be called from any thread; Start and
// Stop from the owner's thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "ledger/ledger.h"
#include "node/seams.h"
#include "proto/creditchain.pb.h"

namespace cc::node {

class BlockFollower {
 public:
  // Blocks held ahead of the tip while a gap is fetched.
  static constexpr size_t kMaxPendingBlocks = 1024;

  // Borrows `ledger` and `executor`, which outlive the follower. `on_commit` runs
  // on the follower's thread after each append.
  BlockFollower(ledger::Ledger& ledger, BlockExecutor& executor, std::string chain_id,
                std::vector<std::string> validator_keys, std::function<void(const ExecutedBlock&)> on_commit);
  ~BlockFollower();
  BlockFollower(const BlockFollower&) = delete;
  BlockFollower& operator=(const BlockFollower&) = delete;

  void Start();
  void Stop();

  // Blocks from a peer, unverified; ones at or below the tip are ignored.
  void Offer(std::vector<pb::CertifiedBlock> blocks);

  uint64_t rejected_blocks() const { return rejected_.load(); }
  uint64_t verified_certificates() const { return verified_.load(); }

 private:
  void Run();
  void Apply(const pb::CertifiedBlock& block);

  ledger::Ledger& ledger_;
  BlockExecutor& executor_;
  const std::string chain_id_;
  const std::vector<std::string> validator_keys_;
  const std::function<void(const ExecutedBlock&)> on_commit_;

  std::mutex mu_;
  std::condition_variable cv_;
  std::map<uint64_t, pb::CertifiedBlock> pending_;  // by height; guarded by mu_
  bool stopping_ = false;                           // guarded by mu_
  std::atomic<uint64_t> rejected_{0};
  std::atomic<uint64_t> verified_{0};
  std::thread thread_;
};

}  // namespace cc::node
