// Node: one creditd process, validator or observer, wired from its config.
//
// Owns the LevelDB ledger, the P2P transport, the consensus driver (validators),
// the admission pipeline and mempool, block sync, the observer's block applier, the
// HTTP API and the metrics registry. Threads:
//   - the consensus driver thread (validators): owns the replica;
//   - the transport's io thread: parses frames and posts them onward, never blocks;
//   - the worker pool: verifies forwarded transactions, serves block sync requests;
//   - the block applier thread (observers): verifies and applies fetched blocks;
//   - the housekeeping thread: status announcements, sync polling, mempool expiry;
//   - the HTTP server's I/O threads: run API handlers (admission runs there too).
//
// Thread safety: the accessors used by API handlers are thread-safe.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "contracts/genesis.h"
#include "crypto/keys.h"
#include "ledger/leveldb_ledger.h"
#include "node/admission.h"
#include "node/block_sync.h"
#include "node/config.h"
#include "node/consensus_driver.h"
#include "node/contracts_executor.h"
#include "node/http/metrics.h"
#include "node/mempool.h"
#include "node/p2p/transport.h"
#include "node/validator_keys.h"
#include "node/worker_pool.h"

namespace cc::http {
struct Response;
class HttpServer;
class HttpMetrics;
class TokenStore;
class Router;
}  // namespace cc::http

namespace cc::node {

struct PeerView {
  std::string name;
  std::string public_key;  // raw
  std::optional<uint32_t> validator;
  bool connected = false;
};

class Node {
 public:
  static Result<std::unique_ptr<Node>> Create(NodeConfig config);
  ~Node();
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  Status Start();
  void Stop();

  // ---- for the API (thread-safe)
  const NodeConfig& config() const { return config_; }
  const contracts::Genesis& genesis() const { return genesis_; }
  const ledger::Ledger& ledger() const { return *ledger_; }
  const NodeState& state() const { return *state_; }
  bool is_validator() const { return validator_index_.has_value(); }
  std::optional<uint32_t> validator_index() const { return validator_index_; }
  const std::vector<std::string>& validator_keys() const { return validator_keys_; }
  consensus::Stats consensus_stats() const;
  std::optional<uint32_t> primary() const;
  std::vector<PeerView> peers() const;
  const Mempool& mempool() const { return mempool_; }
  uint16_t http_port() const;
  uint16_t p2p_port() const;
  bool ready() const;
  std::vector<pb::Evidence> evidence() const;
  uint64_t observer_rejected_blocks() const { return observer_rejected_blocks_.load(); }
  uint64_t observer_verified_certificates() const { return observer_verified_.load(); }

  // Admits a signed transaction (see admission.h) and forwards it to the validators.
  Result<std::string> Submit(const std::string& raw);
  // Waits until `tx_id` is committed or `timeout` passes; the location if committed.
  std::optional<ledger::TxLocation> WaitForCommit(const std::string& tx_id, std::chrono::milliseconds timeout);

  // Called on the committing thread after each block is durably appended (validators:
  // the consensus driver; observers: the block applier). Must be quick and must not
  // block. REQUIRES: called before Start().
  void AddCommitListener(std::function<void(const ExecutedBlock&)> listener);
  // Signs a transaction body with this node's member key (member_key_file) and
  // submits it like Submit(). Code "no_member_key" when the node has none.
  Result<std::string> SubmitAsMember(pb::TxBody body);
  // The alliance secret (32 bytes), or nullopt when the node has no secret file.
  const std::optional<std::string>& alliance_secret() const { return alliance_secret_; }
  const std::optional<crypto::KeyPair>& member_key() const { return member_key_; }
  const std::optional<crypto::KeyPair>& node_key() const { return node_key_; }

  metrics::Registry& metrics() { return registry_; }
  // Renders every metric, refreshing the gauges first.
  std::string RenderMetrics();

 private:
  explicit Node(NodeConfig config);
  Status Init();
  void OnFrame(p2p::PeerIndex peer, std::string frame);
  void OnPeerStatus(p2p::PeerIndex peer, bool up);
  void OnCommit(const ExecutedBlock& block);
  void OnFetch(uint64_t from, uint64_t to);
  void OnEvidence(const pb::Evidence& evidence);
  void SendSyncRequest(const pb::BlockSyncRequest& request);
  void Housekeeping();
  void ApplierLoop();
  void ApplyObservedBlock(const pb::CertifiedBlock& block);
  void BroadcastStatus();
  std::optional<p2p::PeerIndex> PeerOfValidator(uint32_t validator) const;

  NodeConfig config_;
  contracts::Genesis genesis_;
  std::optional<crypto::KeyPair> node_key_;
  std::optional<crypto::KeyPair> member_key_;
  std::optional<std::string> alliance_secret_;
  std::vector<std::function<void(const ExecutedBlock&)>> commit_listeners_;
  std::vector<std::string> validator_keys_;
  std::optional<uint32_t> validator_index_;

  std::unique_ptr<ledger::LevelDbLedger> ledger_;
  std::unique_ptr<NodeState> state_;
  VerifiedSignatures signatures_;
  Mempool mempool_;
  std::unique_ptr<Admission> admission_;
  std::unique_ptr<ContractsExecutor> executor_;
  std::unique_ptr<WorkerPool> pool_;

  // Transport and the validator <-> peer index maps.
  std::unique_ptr<p2p::Transport> transport_;
  std::vector<std::optional<uint32_t>> peer_validator_;      // by PeerIndex
  std::vector<std::optional<p2p::PeerIndex>> validator_peer_;  // by validator index
  class Sender;
  std::unique_ptr<Sender> sender_;

  std::unique_ptr<KeySigner> signer_;
  std::unique_ptr<KeySetVerifier> verifier_;
  std::unique_ptr<ConsensusDriver> driver_;

  SyncClient sync_;
  std::atomic<uint64_t> last_height_change_ms_{0};
  std::atomic<uint64_t> seen_height_{0};

  // Observer: fetched blocks waiting to be applied, by height (bounded).
  std::mutex applier_mu_;
  std::condition_variable applier_cv_;
  std::map<uint64_t, pb::CertifiedBlock> pending_blocks_;
  std::atomic<uint64_t> observer_rejected_blocks_{0};
  std::atomic<uint64_t> observer_verified_{0};

  // Commit waiters.
  std::mutex commit_mu_;
  std::condition_variable commit_cv_;

  std::mutex peer_reasons_mu_;
  std::map<p2p::PeerIndex, p2p::DisconnectCounters> last_disconnects_;

  mutable std::mutex evidence_mu_;
  std::vector<pb::Evidence> evidence_;

  metrics::Registry registry_;
  metrics::Counter* committed_txs_ = nullptr;
  metrics::Counter* committed_blocks_ = nullptr;
  metrics::Counter* rejected_txs_ = nullptr;
  metrics::Histogram* commit_latency_ = nullptr;
  metrics::Gauge* height_gauge_ = nullptr;
  metrics::Gauge* view_gauge_ = nullptr;
  metrics::Gauge* view_changes_gauge_ = nullptr;
  metrics::Gauge* mempool_gauge_ = nullptr;
  metrics::Gauge* mempool_bytes_gauge_ = nullptr;
  metrics::Gauge* peers_gauge_ = nullptr;
  metrics::Gauge* dropped_msgs_gauge_ = nullptr;
  metrics::Gauge* observer_rejected_gauge_ = nullptr;
  metrics::Counter* forwarded_dropped_ = nullptr;
  std::unique_ptr<http::HttpMetrics> http_metrics_;
  std::unique_ptr<http::TokenStore> tokens_;
  std::unique_ptr<http::HttpServer> http_;

  std::atomic<bool> stopping_{false};
  std::mutex stop_mu_;
  std::condition_variable stop_cv_;
  std::thread housekeeping_;
  std::thread applier_;
  bool started_ = false;
};

// Registers the chain endpoints of docs/api.md (status, blocks, transactions,
// metrics, health) on `router`. Node must outlive the server.
void RegisterChainRoutes(http::Router& router, Node& node);
// The answer for a committed transaction: location, receipt, body and proof
// (GET /v1/tx/{id}, and every ?wait=commit write).
http::Response CommittedTxResponse(const Node& node, const std::string& tx_id, const ledger::TxLocation& loc);
// Waits up to `timeout` for `tx_id` to commit: CommittedTxResponse, or 202 pending
// with "timed_out": true.
http::Response WaitForCommitResponse(Node& node, const std::string& tx_id, std::chrono::milliseconds timeout);
// Registers the credit endpoints (subjects, lookup, events, blacklist, watchlists,
// alerts, regulator views; node/api_credit.cc). Called from Node::Init after
// RegisterChainRoutes; may add commit listeners.
void RegisterCreditRoutes(http::Router& router, Node& node);

}  // namespace cc::node
