// Node: one creditd process, validator or observer, wired from its config.
//
// Owns: the LevelDB ledger and the state view over it; admission and the mempool;
// the worker pool; the P2P transport and its PeerLinks; the consensus driver
// (validators) or the BlockFollower (observers); the Monitor (watchlist, alerts,
// webhook); the housekeeping thread; the HTTP server with the API's routes.
// Start order: the Monitor (so it sees every commit), the transport, the driver or
// follower, housekeeping, and last the HTTP server (so no request meets a part
// that is not running). Stop: the HTTP server first, the Monitor last.
// Threads:
//   - the consensus driver's thread (owns the replica) and its executor thread;
//   - the transport's io thread: parses frames and posts them onward, never blocks;
//   - the worker pool: admits forwarded transactions, checks the signatures of
//     fetched and pushed blocks ahead of execution (BlockPreverifier), serves block
//     sync requests;
//   - the follower's thread (observers): verifies and applies fetched blocks;
//   - the monitor's alert hub and webhook threads;
//   - the housekeeping thread: status announcements, sync polling, mempool expiry;
//   - the HTTP server's I/O threads: run API handlers (admission runs there too).
//
// Node is the API's Backend (api/backend.h): the handlers see that interface only.
// Every read of time goes through the Clock given to Create.
//
// Thread safety: the Backend methods are thread-safe.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "api/backend.h"
#include "common/clock.h"
#include "contracts/genesis.h"
#include "contracts/ledger_executor.h"
#include "crypto/keys.h"
#include "ledger/leveldb_ledger.h"
#include "node/admission.h"
#include "node/attestations.h"
#include "node/block_follower.h"
#include "node/block_preverifier.h"
#include "node/block_sync.h"
#include "node/client_backlog.h"
#include "node/config.h"
#include "node/consensus_driver.h"
#include "node/mempool.h"
#include "node/node_metrics.h"
#include "node/peer_links.h"
#include "node/validator_keys.h"
#include "node/view_health.h"
#include "node/worker_pool.h"

namespace cc::http {
class HttpServer;
class TokenStore;
}  // namespace cc::http

namespace cc::monitor {
class Monitor;
}

namespace cc::node {

class Node final : public api::Backend {
 public:
  // Borrows `clock`, which outlives the node.
  static Result<std::unique_ptr<Node>> Create(NodeConfig config, const Clock& clock = SystemClock::Get());
  ~Node() override;
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  Status Start();
  void Stop();

  const NodeConfig& config() const { return config_; }
  bool is_validator() const { return validator_index_.has_value(); }
  std::optional<uint32_t> validator_index() const { return validator_index_; }
  uint16_t http_port() const;
  uint16_t p2p_port() const;
  const std::optional<crypto::KeyPair>& node_key() const { return node_key_; }
  const Mempool& mempool() const { return *mempool_; }

  // ---- api::Backend
  const contracts::Genesis& genesis() const override { return genesis_; }
  const ledger::Ledger& ledger() const override { return *ledger_; }
  const contracts::StateReader& state() const override { return *state_; }
  const Clock& clock() const override { return clock_; }
  const std::string& member_id() const override { return config_.member_id; }
  bool has_member_key() const override { return member_key_.has_value(); }
  const std::optional<std::string>& alliance_secret() const override { return alliance_secret_; }
  api::NodeStatus StatusSnapshot() const override;
  bool Ready() const override;
  bool MempoolContains(const std::string& tx_id) const override { return mempool_->Contains(tx_id); }
  std::string RenderMetrics() override;
  std::vector<pb::Evidence> Evidence() const override;
  Result<std::string> Submit(const std::string& raw) override;
  std::vector<Result<std::string>> SubmitMany(const std::vector<std::string>& raws) override;
  Result<std::string> SubmitAsMember(pb::TxBody body) override;
  std::optional<ledger::TxLocation> WaitForCommit(const std::string& tx_id,
                                                  std::chrono::milliseconds timeout) override;
  void AddCommitListener(CommitListener listener) override;

 private:
  Node(NodeConfig config, const Clock& clock);
  Status Init();
  Status LoadIdentity();
  Status OpenTransport();
  void CreateDriver();
  Status CreateHttpServer();
  void OnFrame(p2p::PeerIndex peer, const std::string& frame);
  // Validators: admits transactions another node forwarded (or relayed) on the
  // worker pool, as one job, and hands the admitted ones to consensus together.
  // `from` is the forwarding validator (nullopt: not a validator's link) and
  // `attestation` the one it sent with them.
  void AdmitFromPeer(std::vector<std::string> raws, std::optional<uint32_t> from,
                     std::optional<pb::TxAttestation> attestation);
  // Signs this validator's attestation of the admitted transactions `ids` (their
  // signatures were checked here), or nullopt.
  std::optional<pb::TxAttestation> Attest(const std::vector<std::string>& ids);
  // Sends an attestation alone to the observers this node is linked to, and to
  // every validator if `to_validators` (a forward frame carries it to them itself).
  void SendAttestation(pb::TxAttestation attestation, bool to_validators);
  // A received attestation, counted in /metrics whatever its fate; true if accepted.
  bool AcceptAttestation(uint32_t from, const pb::TxAttestation& attestation);
  void OnCommit(const ExecutedBlock& block);
  void OnFetch(uint64_t from, uint64_t to);
  void OnEvidence(const pb::Evidence& evidence);
  void OnViewEvent(const consensus::ViewEvent& event);
  // Validators: evaluates participation, logs a change at info level and keeps
  // when it stopped (housekeeping thread).
  void CheckParticipation();
  uint64_t ViewChangeTimeoutMs() const;
  void SendSyncRequest(const pb::BlockSyncRequest& request);
  void Housekeeping();
  void BroadcastStatus();

  NodeConfig config_;
  const Clock& clock_;
  contracts::Genesis genesis_;
  std::optional<crypto::KeyPair> node_key_;
  std::optional<crypto::KeyPair> member_key_;
  std::optional<std::string> alliance_secret_;
  std::vector<CommitListener> commit_listeners_;
  std::vector<std::string> validator_keys_;
  std::optional<uint32_t> validator_index_;

  NodeMetrics metrics_;
  std::unique_ptr<ledger::LevelDbLedger> ledger_;
  std::unique_ptr<contracts::LedgerState> state_;
  VerifiedSignatures signatures_;
  std::unique_ptr<Attestations> attestations_;
  std::unique_ptr<Mempool> mempool_;
  std::unique_ptr<Admission> admission_;
  std::unique_ptr<contracts::LedgerExecutor> ledger_executor_;
  std::unique_ptr<ContractsBlockExecutor> executor_;
  std::unique_ptr<WorkerPool> pool_;
  std::unique_ptr<p2p::Transport> transport_;
  std::unique_ptr<PeerLinks> links_;
  std::unique_ptr<KeySigner> signer_;
  std::unique_ptr<KeySetVerifier> verifier_;
  std::unique_ptr<ConsensusDriver> driver_;  // validators
  std::unique_ptr<ViewHealth> health_;       // validators
  std::unique_ptr<BlockFollower> follower_;  // observers
  std::unique_ptr<BlockPreverifier> preverifier_;
  std::unique_ptr<monitor::Monitor> monitor_;
  std::unique_ptr<http::TokenStore> tokens_;
  std::unique_ptr<http::HttpServer> http_;

  SyncClient sync_;
  ClientBacklog backlog_;
  std::atomic<uint64_t> last_height_change_ms_{0};
  std::atomic<uint64_t> seen_height_{0};
  // 0 while participating; else the steady ms since which it has not been.
  std::atomic<uint64_t> not_participating_since_ms_{0};
  bool participation_known_ = false;  // housekeeping thread only
  bool was_participating_ = false;    // housekeeping thread only

  // Commit waiters.
  std::mutex commit_mu_;
  std::condition_variable commit_cv_;

  mutable std::mutex evidence_mu_;
  std::vector<pb::Evidence> evidence_;

  std::atomic<bool> stopping_{false};
  std::mutex stop_mu_;
  std::condition_variable stop_cv_;
  std::thread housekeeping_;
  bool started_ = false;
};

}  // namespace cc::node
