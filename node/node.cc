#include "node/node.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/hex.h"
#include "ledger/block.h"
#include "node/http/auth.h"
#include "node/http/http_metrics.h"
#include "node/http/router.h"
#include "node/http/server.h"
#include "node/log.h"
#include "proto/canonical.h"

namespace cc::node {

namespace {

uint64_t NowMs() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count());
}

uint64_t SteadyMs() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                   std::chrono::steady_clock::now().time_since_epoch())
                                   .count());
}

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status::Error("io", path + ": cannot open");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Observers may hold blocks ahead of their tip while a gap is fetched; bounded.
constexpr size_t kMaxPendingBlocks = 1024;

}  // namespace

// PeerSender over the transport: validator indexes map to peer indexes.
class Node::Sender final : public PeerSender {
 public:
  explicit Sender(Node& node) : node_(node) {}
  void SendToValidator(uint32_t validator, const std::string& frame) override {
    auto peer = node_.PeerOfValidator(validator);
    if (peer) (void)node_.transport_->Send(*peer, frame);
  }
  void BroadcastToValidators(const std::string& frame) override {
    for (uint32_t v = 0; v < node_.validator_peer_.size(); ++v) {
      if (node_.validator_peer_[v]) (void)node_.transport_->Send(*node_.validator_peer_[v], frame);
    }
  }
  void SendToAnyPeer(const std::string& frame) override {
    const size_t n = node_.transport_->peer_count();
    if (n == 0) return;
    const size_t start = next_.fetch_add(1);
    for (size_t i = 0; i < n; ++i) {
      const size_t p = (start + i) % n;
      if (node_.transport_->IsConnected(p)) {
        (void)node_.transport_->Send(p, frame);
        return;
      }
    }
  }

 private:
  Node& node_;
  std::atomic<size_t> next_{0};
};

Node::Node(NodeConfig config)
    : config_(std::move(config)), mempool_(config_.mempool.max_txs, config_.mempool.max_bytes) {}

Node::~Node() { Stop(); }

Result<std::unique_ptr<Node>> Node::Create(NodeConfig config) {
  std::unique_ptr<Node> node(new Node(std::move(config)));
  Status st = node->Init();
  if (!st.ok()) return st;
  return node;
}

Status Node::Init() {
  SetLogNode(config_.name);
  SetLogLevel(ParseLogLevel(config_.log_level));

  auto genesis_text = ReadFile(config_.genesis_file);
  if (!genesis_text.ok()) return Status::Error("config", "genesis_file: " + genesis_text.status().message());
  auto genesis = contracts::ParseGenesis(*genesis_text);
  if (!genesis.ok()) return Status::Error("config", "genesis_file: " + genesis.status().message());
  genesis_ = std::move(genesis).value();
  for (const auto& v : genesis_.validators) validator_keys_.push_back(v.public_key);

  auto key = crypto::LoadKeyFile(config_.key_file);
  if (!key.ok()) return Status::Error("config", "key_file: " + key.status().message());
  node_key_ = std::move(key).value();
  for (uint32_t i = 0; i < validator_keys_.size(); ++i) {
    if (validator_keys_[i] == node_key_->public_key()) validator_index_ = i;
  }
  if (config_.role == NodeRole::kValidator && !validator_index_) {
    return Status::Error("config", "role: validator, but key_file's public key " +
                                       ToHex(node_key_->public_key()) +
                                       " is not a validator in the genesis file");
  }
  if (config_.role == NodeRole::kObserver) validator_index_.reset();
  if (!config_.member_key_file.empty()) {
    auto mk = crypto::LoadKeyFile(config_.member_key_file);
    if (!mk.ok()) return Status::Error("config", "member_key_file: " + mk.status().message());
    member_key_ = std::move(mk).value();
  }
  if (!config_.alliance_secret_file.empty()) {
    auto secret = crypto::LoadSecretFile(config_.alliance_secret_file);
    if (!secret.ok()) return Status::Error("config", "alliance_secret_file: " + secret.status().message());
    alliance_secret_ = std::move(secret).value();
  }

  std::error_code ec;
  std::filesystem::create_directories(config_.data_dir, ec);
  if (ec) return Status::Error("config", "data_dir: " + ec.message());
  ledger::OpenOptions ledger_options;
  ledger_options.cache_bytes = 64u << 20;  // hot state (members, params, counters) stays in memory
  auto ledger = ledger::LevelDbLedger::Open(ledger::LedgerDbPath(config_.data_dir), ledger_options);
  if (!ledger.ok()) return Status::Error("storage", "opening the ledger: " + ledger.status().ToString());
  ledger_ = std::move(ledger).value();
  state_ = std::make_unique<NodeState>(*ledger_, genesis_);
  executor_ = std::make_unique<ContractsExecutor>(*ledger_, genesis_, *state_, &signatures_);
  admission_ = std::make_unique<Admission>(*state_, *ledger_, mempool_, signatures_,
                                           config_.mempool.max_tx_bytes, genesis_.chain_id);
  pool_ = std::make_unique<WorkerPool>(config_.mempool.verify_threads, 100000);

  // Transport peers: everyone in the config.
  std::vector<p2p::PeerConfig> peers;
  validator_peer_.assign(validator_keys_.size(), std::nullopt);
  for (const auto& p : config_.peers) {
    p2p::PeerConfig pc;
    pc.public_key = p.public_key;
    pc.host = p.address.host;
    pc.port = p.address.port;
    std::optional<uint32_t> validator;
    for (uint32_t i = 0; i < validator_keys_.size(); ++i) {
      if (validator_keys_[i] == p.public_key) validator = i;
    }
    if (validator) validator_peer_[*validator] = peers.size();
    peer_validator_.push_back(validator);
    peers.push_back(std::move(pc));
  }
  p2p::TransportOptions topts;
  topts.chain_id = genesis_.chain_id;
  topts.listen = config_.p2p_listen.port != 0;
  topts.listen_host = config_.p2p_listen.host.empty() ? "127.0.0.1" : config_.p2p_listen.host;
  topts.listen_port = config_.p2p_listen.port;
  auto transport = p2p::Transport::Create(*node_key_, std::move(peers), topts);
  if (!transport.ok()) return Status::Error("config", "peers: " + transport.status().message());
  transport_ = std::move(transport).value();
  sender_ = std::make_unique<Sender>(*this);

  if (validator_index_) {
    signer_ = std::make_unique<KeySigner>(*node_key_);
    verifier_ = std::make_unique<KeySetVerifier>(validator_keys_);
    ConsensusDriver::Options dopts;
    dopts.tick_ms = config_.consensus.tick_ms;
    auto& rc = dopts.replica;
    rc.chain_id = genesis_.chain_id;
    rc.n = static_cast<uint32_t>(validator_keys_.size());
    rc.self = *validator_index_;
    rc.checkpoint_interval = config_.consensus.checkpoint_interval;
    rc.watermark_window = config_.consensus.watermark_window;
    rc.max_inflight = config_.consensus.max_inflight;
    rc.max_batch_requests = config_.consensus.max_batch_requests;
    rc.max_batch_bytes = config_.consensus.max_batch_bytes;
    rc.batch_timeout_ticks = config_.consensus.batch_timeout_ticks;
    rc.view_change_timeout_ticks = config_.consensus.view_change_timeout_ticks;
    ConsensusDriver::Hooks hooks;
    hooks.on_commit = [this](const ExecutedBlock& b) { OnCommit(b); };
    hooks.on_evidence = [this](const pb::Evidence& e) { OnEvidence(e); };
    hooks.on_fetch = [this](uint64_t from, uint64_t to) { OnFetch(from, to); };
    auto& stages = registry_.AddHistogramFamily(
        "creditd_driver_stage_seconds",
        "Consensus driver thread time per stage (step, persist, execute, append)", {"stage"},
        metrics::LatencyBuckets());
    hooks.on_timing = [&stages](const char* stage, double seconds) {
      stages.WithLabels({stage}).Observe(seconds);
    };
    driver_ = std::make_unique<ConsensusDriver>(std::move(dopts), *signer_, *verifier_, *ledger_, *executor_,
                                                *sender_, std::move(hooks));
  }

  // Metrics.
  committed_txs_ =
      &registry_.AddCounter("creditd_committed_transactions_total", "Transactions in committed blocks");
  committed_blocks_ =
      &registry_.AddCounter("creditd_committed_blocks_total", "Blocks committed by this node");
  rejected_txs_ = &registry_.AddCounter("creditd_rejected_transactions_total",
                                        "Committed transactions whose receipt is a rejection");
  commit_latency_ = &registry_.AddHistogram("creditd_commit_latency_seconds",
                                            "Admission to commit, for transactions admitted by this node",
                                            metrics::LatencyBuckets());
  height_gauge_ = &registry_.AddGauge("creditd_height", "Height of the last committed block");
  view_gauge_ = &registry_.AddGauge("creditd_view", "Current PBFT view");
  view_changes_gauge_ = &registry_.AddGauge("creditd_view_changes", "Views entered after view 0 since start");
  mempool_gauge_ = &registry_.AddGauge("creditd_mempool_transactions", "Transactions waiting in the mempool");
  mempool_bytes_gauge_ = &registry_.AddGauge("creditd_mempool_bytes", "Bytes waiting in the mempool");
  peers_gauge_ = &registry_.AddGauge("creditd_peers_connected", "Peers with an authenticated link");
  dropped_msgs_gauge_ = &registry_.AddGauge("creditd_consensus_dropped_messages",
                                            "Consensus messages dropped as invalid since start");
  observer_rejected_gauge_ = &registry_.AddGauge(
      "creditd_observer_rejected_blocks", "Fetched blocks refused (bad certificate or state mismatch)");
  forwarded_dropped_ = &registry_.AddCounter(
      "creditd_forwarded_dropped_total", "Forwarded transactions dropped because the verify queue was full");
  http_metrics_ = std::make_unique<http::HttpMetrics>(registry_);

  std::vector<http::TokenEntry> entries;
  for (const auto& t : config_.api_tokens) {
    entries.push_back(http::TokenEntry{t.name, *http::ParseRole(t.role), t.token_hash});
  }
  auto tokens = http::TokenStore::Create(std::move(entries));
  if (!tokens.ok()) return Status::Error("config", "api_tokens: " + tokens.status().message());
  tokens_ = std::make_unique<http::TokenStore>(std::move(tokens).value());

  http::Router router;
  RegisterChainRoutes(router, *this);
  RegisterCreditRoutes(router, *this);
  http::ServerOptions hopts;
  hopts.address = config_.http_listen.host;
  hopts.port = config_.http_listen.port;
  hopts.threads = static_cast<int>(config_.http_threads);
  hopts.max_body_bytes = config_.http_max_body_bytes;
  hopts.log = [](std::string_view m) { Log(LogLevel::kWarn, "http", {{"detail", std::string(m)}}); };
  http_ = std::make_unique<http::HttpServer>(hopts, std::move(router), tokens_.get(), http_metrics_.get());

  last_height_change_ms_ = SteadyMs();
  seen_height_ = ledger_->Height();
  return Status::Ok();
}

Status Node::Start() {
  if (started_) return Status::Error("state", "already started");
  started_ = true;
  Log(LogLevel::kInfo, "starting",
      {{"role", is_validator() ? "validator" : "observer"},
       {"validator", validator_index_ ? std::to_string(*validator_index_) : "-"},
       {"height", std::to_string(ledger_->Height())},
       {"chain_id", genesis_.chain_id}});
  CC_RETURN_IF_ERROR(transport_->Start(
      [this](p2p::PeerIndex p, std::string f) { OnFrame(p, std::move(f)); },
      [this](p2p::PeerIndex p, bool up) { OnPeerStatus(p, up); }));
  if (driver_) driver_->Start();
  if (!is_validator()) applier_ = std::thread([this] { ApplierLoop(); });
  housekeeping_ = std::thread([this] { Housekeeping(); });
  Status st = http_->Start();
  if (!st.ok())
    return Status::Error("bind", "http_listen " + config_.http_listen.ToString() + ": " + st.message());
  Log(LogLevel::kInfo, "listening",
      {{"http", config_.http_listen.host + ":" + std::to_string(http_->port())},
       {"p2p", config_.p2p_listen.host + ":" + std::to_string(transport_->listen_port())}});
  return Status::Ok();
}

void Node::Stop() {
  if (stopping_.exchange(true)) return;
  { std::lock_guard<std::mutex> lock(stop_mu_); }
  stop_cv_.notify_all();
  applier_cv_.notify_all();
  commit_cv_.notify_all();
  if (http_) http_->Stop();
  if (housekeeping_.joinable()) housekeeping_.join();
  if (applier_.joinable()) applier_.join();
  if (transport_) transport_->Stop();
  if (driver_) driver_->Stop();
  if (pool_) pool_->Stop();
  if (started_) Log(LogLevel::kInfo, "stopped", {{"height", std::to_string(ledger_->Height())}});
}

std::optional<p2p::PeerIndex> Node::PeerOfValidator(uint32_t validator) const {
  if (validator >= validator_peer_.size()) return std::nullopt;
  return validator_peer_[validator];
}

// Runs on the transport's io thread: parse, route, never block.
void Node::OnFrame(p2p::PeerIndex peer, std::string frame) {
  pb::PeerFrame f;
  if (!f.ParseFromString(frame)) {
    Log(LogLevel::kDebug, "unparsable frame", {{"peer", std::to_string(peer)}});
    return;
  }
  switch (f.kind_case()) {
    case pb::PeerFrame::kConsensus:
      // Only validators' links carry consensus; the transport proved who is speaking.
      if (driver_ && peer < peer_validator_.size() && peer_validator_[peer].has_value()) {
        driver_->PostMessage(peer_validator_[peer].value(), std::move(*f.mutable_consensus()));
      }
      break;
    case pb::PeerFrame::kTx: {
      if (!is_validator()) break;  // observers do not order transactions
      auto raw = std::make_shared<std::string>(std::move(*f.mutable_tx()));
      const bool queued = pool_->TrySubmit([this, raw] {
        const bool primary = driver_ && validator_index_ && driver_->primary() == *validator_index_;
        auto id = primary ? admission_->Admit(*raw, NowMs()) : admission_->AdmitForwarded(*raw);
        if (id.ok() && driver_) driver_->PostRequest(*raw, *id);
      });
      if (!queued) forwarded_dropped_->Inc();
      break;
    }
    case pb::PeerFrame::kSyncRequest: {
      auto request = std::make_shared<pb::BlockSyncRequest>(f.sync_request());
      (void)pool_->TrySubmit([this, peer, request] {
        pb::PeerFrame out;
        *out.mutable_sync_response() = ServeBlockSync(*ledger_, *request);
        (void)transport_->Send(peer, out.SerializeAsString());
      });
      break;
    }
    case pb::PeerFrame::kSyncResponse: {
      sync_.OnResponse(f.sync_response());
      std::vector<pb::CertifiedBlock> blocks(f.sync_response().blocks().begin(),
                                             f.sync_response().blocks().end());
      if (blocks.empty()) break;
      if (driver_) {
        driver_->PostFetched(std::move(blocks));
      } else {
        std::lock_guard<std::mutex> lock(applier_mu_);
        const uint64_t height = ledger_->Height();
        for (auto& b : blocks) {
          const uint64_t h = b.block().header().height();
          if (h <= height || pending_blocks_.size() >= kMaxPendingBlocks) continue;
          pending_blocks_.emplace(h, std::move(b));
        }
        applier_cv_.notify_one();
      }
      break;
    }
    case pb::PeerFrame::kStatus:
      sync_.NoteRemoteHeight(f.status().height());
      break;
    case pb::PeerFrame::KIND_NOT_SET:
      break;
  }
}

// Runs on the transport's io thread.
void Node::OnPeerStatus(p2p::PeerIndex peer, bool up) {
  const std::string name = peer < config_.peers.size() ? config_.peers[peer].name : std::to_string(peer);
  if (up) {
    Log(LogLevel::kInfo, "peer connected", {{"peer", name}});
    return;
  }
  // The reason this link ended: the counter that just grew.
  const auto stats = transport_->GetPeerStats(peer);
  std::string reason = "unknown";
  {
    std::lock_guard<std::mutex> lock(peer_reasons_mu_);
    auto& last = last_disconnects_[peer];
    for (size_t r = 0; r < p2p::kDisconnectReasonCount; ++r) {
      if (stats.disconnects[r] > last[r]) reason = std::string(p2p::DisconnectReasonName(static_cast<p2p::DisconnectReason>(r)));
    }
    last = stats.disconnects;
  }
  Log(LogLevel::kInfo, "peer disconnected", {{"peer", name}, {"reason", reason}});
}

void Node::OnCommit(const ExecutedBlock& block) {
  const auto& header = block.block.block().header();
  committed_blocks_->Inc();
  committed_txs_->Inc(block.tx_ids.size());
  rejected_txs_->Inc(block.rejected.size());
  for (double waited : mempool_.RemoveCommitted(block.tx_ids)) commit_latency_->Observe(waited);
  signatures_.Forget(block.tx_ids);
  // Observers follow by block push: hand them each committed block at once.
  if (is_validator()) {
    pb::PeerFrame push;
    auto* resp = push.mutable_sync_response();
    *resp->add_blocks() = block.block;
    resp->set_tip_height(header.height());
    std::string bytes;
    for (size_t p = 0; p < peer_validator_.size(); ++p) {
      if (peer_validator_[p]) continue;
      if (bytes.empty()) bytes = push.SerializeAsString();
      (void)transport_->Send(p, bytes);
    }
  }
  for (const auto& listener : commit_listeners_) listener(block);
  Log(LogLevel::kDebug, "committed",
      {{"height", std::to_string(header.height())}, {"txs", std::to_string(block.tx_ids.size())}});
  std::lock_guard<std::mutex> lock(commit_mu_);
  commit_cv_.notify_all();
}

void Node::OnFetch(uint64_t from, uint64_t to) {
  sync_.NoteRemoteHeight(to);
  pb::BlockSyncRequest request;
  request.set_from_height(from);
  request.set_max_blocks(kMaxBlocksPerResponse);
  SendSyncRequest(request);
}

void Node::OnEvidence(const pb::Evidence& evidence) {
  Log(LogLevel::kWarn, "byzantine evidence",
      {{"replica", std::to_string(evidence.replica())},
       {"view", std::to_string(evidence.view())},
       {"sequence", std::to_string(evidence.sequence())}});
  std::lock_guard<std::mutex> lock(evidence_mu_);
  if (evidence_.size() < 10000) evidence_.push_back(evidence);
}

std::vector<pb::Evidence> Node::evidence() const {
  std::lock_guard<std::mutex> lock(evidence_mu_);
  return evidence_;
}

void Node::SendSyncRequest(const pb::BlockSyncRequest& request) {
  pb::PeerFrame f;
  *f.mutable_sync_request() = request;
  sender_->SendToAnyPeer(f.SerializeAsString());
}

void Node::BroadcastStatus() {
  pb::PeerFrame f;
  f.mutable_status()->set_height(ledger_->Height());
  if (driver_) f.mutable_status()->set_view(driver_->stats().view);
  transport_->Broadcast(f.SerializeAsString());
}

void Node::Housekeeping() {
  uint64_t last_status = 0, last_expire = SteadyMs();
  while (!stopping_) {
    {
      std::unique_lock<std::mutex> lock(stop_mu_);
      stop_cv_.wait_for(lock, std::chrono::milliseconds(100), [this] { return stopping_.load(); });
    }
    if (stopping_) break;
    const uint64_t now = SteadyMs();
    const uint64_t height = ledger_->Height();
    if (height != seen_height_) {
      seen_height_ = height;
      last_height_change_ms_ = now;
    }
    if (now - last_status >= 500) {
      BroadcastStatus();
      last_status = now;
    }
    // Observers sync whenever behind; validators only when consensus has not moved
    // them forward for a while (normally they commit through the protocol).
    const bool stalled = now - last_height_change_ms_ > 2000;
    if (!is_validator() || stalled) {
      if (auto request = sync_.Poll(height)) SendSyncRequest(*request);
    }
    if (now - last_expire >= 10000) {
      mempool_.Expire(std::chrono::minutes(10));
      last_expire = now;
    }
  }
}

void Node::ApplierLoop() {
  while (!stopping_) {
    pb::CertifiedBlock block;
    {
      std::unique_lock<std::mutex> lock(applier_mu_);
      applier_cv_.wait_for(lock, std::chrono::milliseconds(200), [this] {
        return stopping_.load() ||
               (!pending_blocks_.empty() && pending_blocks_.begin()->first <= ledger_->Height() + 1);
      });
      if (stopping_) return;
      while (!pending_blocks_.empty() && pending_blocks_.begin()->first <= ledger_->Height()) {
        pending_blocks_.erase(pending_blocks_.begin());
      }
      if (pending_blocks_.empty() || pending_blocks_.begin()->first != ledger_->Height() + 1) continue;
      block = std::move(pending_blocks_.begin()->second);
      pending_blocks_.erase(pending_blocks_.begin());
    }
    ApplyObservedBlock(block);
  }
}

void Node::ApplyObservedBlock(const pb::CertifiedBlock& block) {
  const auto& header = block.block().header();
  const std::string height = std::to_string(header.height());
  Status st = ledger::CheckBlock(block.block());
  if (st.ok())
    st = ledger::VerifyCertificate(block.certificate(), header, genesis_.chain_id, validator_keys_);
  if (!st.ok()) {
    observer_rejected_blocks_++;
    Log(LogLevel::kWarn, "refused block", {{"height", height}, {"reason", st.ToString()}});
    return;
  }
  observer_verified_++;
  pb::Batch batch;
  batch.set_timestamp_ms(header.timestamp_ms());
  for (const auto& tx : block.block().txs()) batch.add_requests(tx);
  auto executed = executor_->Execute(batch, block.certificate());
  if (!executed.ok()) {
    Log(LogLevel::kError, "cannot execute block",
        {{"height", height}, {"reason", executed.status().ToString()}});
    observer_rejected_blocks_++;
    return;
  }
  if (proto::BlockHash(executed->block.block().header()) != proto::BlockHash(header)) {
    // The validators certified the batch, but our execution disagrees with the
    // state root they reported: never store a block we cannot reproduce.
    observer_rejected_blocks_++;
    Log(LogLevel::kError, "state root mismatch: refusing block", {{"height", height}});
    return;
  }
  st = ledger_->Append(executed->block, executed->writes);
  if (!st.ok()) {
    Log(LogLevel::kError, "append failed", {{"height", height}, {"reason", st.ToString()}});
    observer_rejected_blocks_++;
    return;
  }
  OnCommit(*executed);
}

consensus::Stats Node::consensus_stats() const {
  if (driver_) return driver_->stats();
  consensus::Stats s;
  s.last_committed = s.last_executed = ledger_->Height();
  return s;
}

std::optional<uint32_t> Node::primary() const {
  if (!driver_) return std::nullopt;
  return driver_->primary();
}

std::vector<PeerView> Node::peers() const {
  std::vector<PeerView> out;
  for (size_t i = 0; i < config_.peers.size(); ++i) {
    PeerView v;
    v.name = config_.peers[i].name;
    v.public_key = config_.peers[i].public_key;
    v.validator = peer_validator_[i];
    v.connected = transport_->IsConnected(i);
    out.push_back(std::move(v));
  }
  return out;
}

uint16_t Node::http_port() const { return http_->port(); }
uint16_t Node::p2p_port() const { return transport_->listen_port(); }

bool Node::ready() const {
  size_t connected = 0;
  for (size_t i = 0; i < peer_validator_.size(); ++i) {
    if (peer_validator_[i] && transport_->IsConnected(i)) ++connected;
  }
  const size_t n = validator_keys_.size();
  const size_t f = (n - 1) / 3;
  if (is_validator()) return connected + 1 >= 2 * f + 1;
  return connected >= 1 && ledger_->Height() + 2 >= sync_.target();
}

Result<std::string> Node::Submit(const std::string& raw) {
  auto id = admission_->Admit(raw, NowMs());
  if (!id.ok()) return id;
  pb::PeerFrame f;
  f.set_tx(raw);
  sender_->BroadcastToValidators(f.SerializeAsString());
  if (driver_) driver_->PostRequest(raw, *id);
  return id;
}

void Node::AddCommitListener(std::function<void(const ExecutedBlock&)> listener) {
  commit_listeners_.push_back(std::move(listener));
}

Result<std::string> Node::SubmitAsMember(pb::TxBody body) {
  if (!member_key_) return Status::Error("no_member_key", "this node has no member key (member_key_file)");
  body.set_chain_id(genesis_.chain_id);
  body.set_sender(config_.member_id);
  pb::SignedTx tx;
  *tx.mutable_body() = std::move(body);
  tx.set_signature(member_key_->Sign(proto::TxBodySigningBytes(tx.body())));
  return Submit(tx.SerializeAsString());
}

std::optional<ledger::TxLocation> Node::WaitForCommit(const std::string& tx_id,
                                                      std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::unique_lock<std::mutex> lock(commit_mu_);
  for (;;) {
    auto loc = ledger_->FindTx(tx_id);
    if (loc.ok()) return *loc;
    if (stopping_ || commit_cv_.wait_until(lock, deadline) == std::cv_status::timeout) {
      auto last = ledger_->FindTx(tx_id);
      if (last.ok()) return *last;
      return std::nullopt;
    }
  }
}

std::string Node::RenderMetrics() {
  const auto s = consensus_stats();
  height_gauge_->Set(static_cast<double>(ledger_->Height()));
  view_gauge_->Set(static_cast<double>(s.view));
  view_changes_gauge_->Set(static_cast<double>(s.view_changes));
  dropped_msgs_gauge_->Set(static_cast<double>(s.dropped_messages));
  mempool_gauge_->Set(static_cast<double>(mempool_.size()));
  mempool_bytes_gauge_->Set(static_cast<double>(mempool_.bytes()));
  observer_rejected_gauge_->Set(static_cast<double>(observer_rejected_blocks_.load()));
  size_t connected = 0;
  for (size_t i = 0; i < transport_->peer_count(); ++i) connected += transport_->IsConnected(i) ? 1 : 0;
  peers_gauge_->Set(static_cast<double>(connected));
  // Links refused before the remote proved a known identity, and ended links, by reason.
  const auto tstats = transport_->GetStats();
  std::string text = registry_.Render();
  auto family = [&text](const char* name, const char* help, auto count_of) {
    text += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " counter\n";
    for (size_t r = 0; r < p2p::kDisconnectReasonCount; ++r) {
      const uint64_t n = count_of(r);
      if (n == 0) continue;
      text += std::string(name) + "{reason=\"" +
              std::string(p2p::DisconnectReasonName(static_cast<p2p::DisconnectReason>(r))) + "\"} " +
              std::to_string(n) + "\n";
    }
  };
  family("creditd_p2p_refused_total", "Inbound connections refused before authentication, by reason",
         [&](size_t r) { return tstats.refused[r]; });
  family("creditd_p2p_disconnects_total", "Ended links and failed dials, by reason", [&](size_t r) {
    uint64_t total = 0;
    for (const auto& ps : tstats.peers) total += ps.disconnects[r];
    return total;
  });
  return text;
}

}  // namespace cc::node
