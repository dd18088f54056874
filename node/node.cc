#include "node/node.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "api/api.h"
#include "common/hex.h"
#include "common/log.h"
#include "http/auth.h"
#include "http/router.h"
#include "http/server.h"
#include "monitor/monitor.h"
#include "proto/canonical.h"

namespace cc::node {

namespace {

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status::Error("io", path + ": cannot open");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

Node::Node(NodeConfig config, const Clock& clock)
    : config_(std::move(config)),
      clock_(clock),
      mempool_(std::make_unique<Mempool>(config_.mempool.max_txs, config_.mempool.max_bytes, clock)),
      sync_(clock),
      backlog_(ClientBacklog::Options{.max_wait_ms = config_.mempool.max_wait_ms,
                                      .floor = config_.mempool.client_backlog_floor}) {}

Node::~Node() { Stop(); }

Result<std::unique_ptr<Node>> Node::Create(NodeConfig config, const Clock& clock) {
  std::unique_ptr<Node> node(new Node(std::move(config), clock));
  Status st = node->Init();
  if (!st.ok()) return st;
  return node;
}

Status Node::LoadIdentity() {
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
  return Status::Ok();
}

Status Node::OpenTransport() {
  std::vector<p2p::PeerConfig> peers;
  for (const auto& p : config_.peers) {
    p2p::PeerConfig pc;
    pc.public_key = p.public_key;
    pc.host = p.address.host;
    pc.port = p.address.port;
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
  links_ = std::make_unique<PeerLinks>(*transport_, config_.peers, validator_keys_);
  return Status::Ok();
}

void Node::CreateDriver() {
  signer_ = std::make_unique<KeySigner>(*node_key_);
  verifier_ = std::make_unique<KeySetVerifier>(validator_keys_);
  ConsensusDriver::Options dopts;
  dopts.tick_ms = config_.consensus.tick_ms;
  dopts.replica = ReplicaConfigOf(config_.consensus, genesis_.chain_id,
                                  static_cast<uint32_t>(validator_keys_.size()), *validator_index_);
  const consensus::Config& rc = dopts.replica;
  ConsensusDriver::Hooks hooks;
  hooks.on_commit = [this](const ExecutedBlock& b) { OnCommit(b); };
  hooks.on_evidence = [this](const pb::Evidence& e) { OnEvidence(e); };
  hooks.on_view_event = [this](const consensus::ViewEvent& e) { OnViewEvent(e); };
  hooks.on_fetch = [this](uint64_t from, uint64_t to) { OnFetch(from, to); };
  hooks.on_timing = [this](const char* stage, double seconds) { metrics_.OnDriverStage(stage, seconds); };
  // Peers announce every 500 ms: an announcement four periods old is stale.
  health_ = std::make_unique<ViewHealth>(rc.n, rc.self, 2000);
  driver_ = std::make_unique<ConsensusDriver>(std::move(dopts), clock_, *signer_, *verifier_, *ledger_,
                                              *executor_, *links_, std::move(hooks));
}

Status Node::CreateHttpServer() {
  std::vector<http::TokenEntry> entries;
  for (const auto& t : config_.api_tokens) {
    entries.push_back(http::TokenEntry{t.name, *http::ParseRole(t.role), t.token_hash});
  }
  auto tokens = http::TokenStore::Create(std::move(entries));
  if (!tokens.ok()) return Status::Error("config", "api_tokens: " + tokens.status().message());
  tokens_ = std::make_unique<http::TokenStore>(std::move(tokens).value());

  http::Router router;
  api::RegisterRoutes(router, *this, *monitor_);
  http::ServerOptions hopts;
  hopts.address = config_.http_listen.host;
  hopts.port = config_.http_listen.port;
  hopts.threads = static_cast<int>(config_.http_threads);
  hopts.max_body_bytes = config_.http_max_body_bytes;
  hopts.log = [](std::string_view m) { Log(LogLevel::kWarn, "http", {{"detail", std::string(m)}}); };
  http_ = std::make_unique<http::HttpServer>(hopts, std::move(router), tokens_.get(), &metrics_.http());
  return Status::Ok();
}

Status Node::Init() {
  SetLogNode(config_.name);
  SetLogLevel(ParseLogLevel(config_.log_level));
  CC_RETURN_IF_ERROR(LoadIdentity());

  std::error_code ec;
  std::filesystem::create_directories(config_.data_dir, ec);
  if (ec) return Status::Error("config", "data_dir: " + ec.message());
  ledger::OpenOptions ledger_options;
  ledger_options.cache_bytes = 64u << 20;  // hot state (members, params, counters) stays in memory
  auto ledger = ledger::LevelDbLedger::Open(ledger::LedgerDbPath(config_.data_dir), ledger_options);
  if (!ledger.ok()) return Status::Error("storage", "opening the ledger: " + ledger.status().ToString());
  ledger_ = std::move(ledger).value();
  state_ = std::make_unique<contracts::LedgerState>(*ledger_, genesis_);
  ledger_executor_ = std::make_unique<contracts::LedgerExecutor>(*ledger_, genesis_, *state_, &signatures_);
  executor_ = std::make_unique<ContractsBlockExecutor>(*ledger_executor_);
  attestations_ = std::make_unique<Attestations>(genesis_.chain_id, validator_keys_, validator_index_,
                                                 validator_index_ ? &*node_key_ : nullptr, signatures_,
                                                 !config_.verify_all_signatures);
  admission_ = std::make_unique<Admission>(*state_, *ledger_, *mempool_, signatures_,
                                           config_.mempool.max_tx_bytes, genesis_.chain_id);
  pool_ = std::make_unique<WorkerPool>(config_.mempool.verify_threads, 100000);
  CC_RETURN_IF_ERROR(OpenTransport());
  if (validator_index_) {
    CreateDriver();
  } else {
    follower_ = std::make_unique<BlockFollower>(*ledger_, *executor_, genesis_.chain_id, validator_keys_,
                                                [this](const ExecutedBlock& b) { OnCommit(b); });
  }

  // Fetched and pushed blocks have their signatures checked on the pool first.
  preverifier_ =
      std::make_unique<BlockPreverifier>(*state_, signatures_, *pool_, config_.mempool.verify_threads,
                                         [this](std::vector<pb::CertifiedBlock> blocks) {
                                           if (driver_) {
                                             driver_->PostFetched(std::move(blocks));
                                           } else {
                                             follower_->Offer(std::move(blocks));
                                           }
                                         });

  monitor::Monitor::Options mopts;
  mopts.watchlist_path = config_.data_dir + "/local/watchlist";
  mopts.member_id = config_.member_id;
  mopts.webhook_url = config_.alert_webhook_url;
  monitor_ = monitor::Monitor::Create(std::move(mopts), *ledger_, *state_, node_key_);
  CC_RETURN_IF_ERROR(CreateHttpServer());

  last_height_change_ms_ = clock_.SteadyMs();
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
  monitor_->Start();
  CC_RETURN_IF_ERROR(transport_->Start([this](p2p::PeerIndex p, const std::string& f) { OnFrame(p, f); },
                                       [this](p2p::PeerIndex p, bool up) { links_->OnStatus(p, up); }));
  if (driver_) driver_->Start();
  if (follower_) follower_->Start();
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
  { std::lock_guard<std::mutex> lock(commit_mu_); }
  commit_cv_.notify_all();
  if (http_) http_->Stop();
  if (housekeeping_.joinable()) housekeeping_.join();
  if (follower_) follower_->Stop();
  if (transport_) transport_->Stop();
  if (driver_) driver_->Stop();
  if (pool_) pool_->Stop();
  if (monitor_) monitor_->Stop();
  if (started_) Log(LogLevel::kInfo, "stopped", {{"height", std::to_string(ledger_->Height())}});
}

void Node::OnCommit(const ExecutedBlock& block) {
  const auto& header = block.block.block().header();
  metrics_.OnCommitted(block.tx_ids.size(), block.rejected.size(), mempool_->RemoveCommitted(block.tx_ids));
  signatures_.Forget(block.tx_ids);
  attestations_->Forget(block.tx_ids);
  // Observers follow by block push: two validators (by height) push each committed
  // block at once, not all n, since each copy costs the observer a parse of the
  // whole block. One copy still arrives while any one validator is down, and the
  // observer's block sync fills any other gap.
  const uint64_t n = validator_keys_.size();
  const uint64_t first_pusher = header.height() % n;
  if (is_validator() && (*validator_index_ == first_pusher || *validator_index_ == (first_pusher + 1) % n)) {
    pb::PeerFrame push;
    auto* resp = push.mutable_sync_response();
    *resp->add_blocks() = block.block;
    resp->set_tip_height(header.height());
    links_->SendToObservers(push.SerializeAsString());
  }
  for (const auto& listener : commit_listeners_) listener(header.height(), block.tx_ids);
  monitor_->OnCommitted(header.height());
  Log(LogLevel::kDebug, "committed",
      {{"height", std::to_string(header.height())}, {"txs", std::to_string(block.tx_ids.size())}});
  std::lock_guard<std::mutex> lock(commit_mu_);
  commit_cv_.notify_all();
}

void Node::OnViewEvent(const consensus::ViewEvent& e) {
  using Kind = consensus::ViewEvent::Kind;
  if (e.kind == Kind::kViewChangeStarted) metrics_.OnViewChange();
  if (e.kind == Kind::kGaveUp) metrics_.OnViewTimeout();
  if (e.reason.empty()) {
    Log(LogLevel::kInfo, consensus::ToString(e.kind), {{"view", std::to_string(e.view)}});
  } else {
    Log(LogLevel::kInfo, consensus::ToString(e.kind),
        {{"view", std::to_string(e.view)}, {"reason", e.reason}});
  }
}

uint64_t Node::ViewChangeTimeoutMs() const {
  return uint64_t{config_.consensus.view_change_timeout_ticks} * config_.consensus.tick_ms;
}

void Node::CheckParticipation() {
  if (!driver_) return;
  const ViewHealth::Report r = health_->Evaluate(driver_->stats(), clock_.SteadyMs());
  const uint64_t now = clock_.SteadyMs();
  if (r.participating) {
    not_participating_since_ms_ = 0;
  } else if (not_participating_since_ms_ == 0) {
    not_participating_since_ms_ = std::max<uint64_t>(now, 1);
  }
  if (participation_known_ && r.participating == was_participating_) return;
  participation_known_ = true;
  was_participating_ = r.participating;
  if (r.participating) {
    Log(LogLevel::kInfo, "participating in consensus",
        {{"view", std::to_string(r.views[*validator_index_].value_or(0))},
         {"validators_in_view", std::to_string(r.validators_in_view)}});
  } else {
    Log(LogLevel::kInfo, "not participating in consensus", {{"reason", r.reason}});
  }
}

void Node::OnEvidence(const pb::Evidence& evidence) {
  Log(LogLevel::kWarn, "byzantine evidence",
      {{"replica", std::to_string(evidence.replica())},
       {"view", std::to_string(evidence.view())},
       {"sequence", std::to_string(evidence.sequence())}});
  std::lock_guard<std::mutex> lock(evidence_mu_);
  if (evidence_.size() < 10000) evidence_.push_back(evidence);
}

std::vector<pb::Evidence> Node::Evidence() const {
  std::lock_guard<std::mutex> lock(evidence_mu_);
  return evidence_;
}

api::NodeStatus Node::StatusSnapshot() const {
  api::NodeStatus s;
  s.name = config_.name;
  s.validator = is_validator();
  s.validator_index = validator_index_;
  s.validators = validator_keys_.size();
  s.peers = links_->Views();
  if (driver_) {
    const consensus::Stats c = driver_->stats();
    s.primary = driver_->primary();
    s.view = c.view;
    s.view_changes = c.view_changes;
    s.in_view_change = c.in_view_change;
    s.stable_checkpoint = c.stable_checkpoint;
    s.giving_up = c.giving_up;
    s.view_timeouts = c.view_timeouts_sent;
    s.relayed_requests = c.relayed_requests;
    const uint64_t now = clock_.SteadyMs();
    const ViewHealth::Report r = health_->Evaluate(c, now);
    s.participating = r.participating;
    s.validators_in_view = r.validators_in_view;
    s.quorum_view = r.quorum_view;
    s.not_participating_reason = r.reason;
    const uint64_t since = not_participating_since_ms_;
    if (!r.participating && since != 0 && now > since) {
      s.not_participating_ms = now - since;
      s.participation_alarm = s.not_participating_ms > 2 * ViewChangeTimeoutMs();
    }
    for (auto& p : s.peers) {
      if (p.validator) p.view = r.views[*p.validator];
    }
  }
  s.mempool_transactions = mempool_->size();
  s.mempool_bytes = mempool_->bytes();
  s.ready = Ready();
  if (follower_) {
    s.observer_verified_certificates = follower_->verified_certificates();
    s.observer_rejected_blocks = follower_->rejected_blocks();
  }
  return s;
}

uint16_t Node::http_port() const { return http_->port(); }
uint16_t Node::p2p_port() const { return transport_->listen_port(); }

bool Node::Ready() const {
  const size_t n = validator_keys_.size();
  const size_t f = (n - 1) / 3;
  if (is_validator()) return links_->ConnectedValidators() + 1 >= 2 * f + 1;
  return links_->ConnectedValidators() >= 1 && ledger_->Height() + 2 >= sync_.target();
}

void Node::AddCommitListener(CommitListener listener) { commit_listeners_.push_back(std::move(listener)); }

std::string Node::RenderMetrics() {
  const auto c = driver_ ? driver_->stats() : consensus::Stats{};
  NodeMetrics::Snapshot s;
  s.height = ledger_->Height();
  s.view = c.view;
  s.dropped_messages = c.dropped_messages;
  s.relayed_requests = c.relayed_requests;
  if (driver_) {
    const ViewHealth::Report r = health_->Evaluate(c, clock_.SteadyMs());
    s.validators_in_view = r.validators_in_view;
    s.participating = r.participating;
  }
  s.mempool_transactions = mempool_->size();
  s.mempool_bytes = mempool_->bytes();
  s.observer_rejected_blocks = follower_ ? follower_->rejected_blocks() : 0;
  s.peers_connected = links_->ConnectedPeers();
  s.client_backlog_limit = backlog_.Limit();
  s.commit_rate = backlog_.CommitRate();
  return metrics_.Render(s, transport_->GetStats());
}

}  // namespace cc::node
