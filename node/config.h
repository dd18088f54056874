// NodeConfig: a creditd node's configuration file (JSON), validated at start.
//
// Relative paths in the file are resolved against the config file's directory, so
// a network folder can be moved as a whole. Secrets (node key, member key,
// alliance secret) live in separate files with mode 0600; the config names them.
// Every error names the offending field, e.g. `config: peers[2].public_key: expected
// 64 hex characters`. The format is documented in docs/configuration.md.
//
// Thread safety: a plain value.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "consensus/replica.h"

namespace cc::node {

enum class NodeRole { kValidator, kObserver };

struct Endpoint {
  std::string host;
  uint16_t port = 0;
  std::string ToString() const { return host + ":" + std::to_string(port); }
};

struct PeerConfig {
  std::string name;
  std::string public_key;  // 32 raw bytes
  Endpoint address;        // port 0: accept-only peer (it dials us)
};

struct ApiToken {
  std::string name;
  std::string role;        // writer | reader | regulator | admin
  std::string token_hash;  // hex BLAKE2b-256 of the bearer token
};

struct ConsensusTuning {
  uint32_t tick_ms = 10;
  uint32_t checkpoint_interval = 32;
  uint32_t watermark_window = 256;
  uint32_t max_inflight = 4;
  uint32_t max_batch_requests = 2000;
  uint32_t max_batch_bytes = 4u << 20;
  uint32_t batch_timeout_ticks = 1;
  uint32_t view_change_timeout_ticks = 300;  // 3 s at 10 ms ticks
};

struct MempoolTuning {
  uint32_t max_txs = 200000;
  uint64_t max_bytes = 128ull << 20;
  uint32_t max_tx_bytes = 64u << 10;
  uint32_t verify_threads = 2;
  // Clients are refused (429 mempool_full) while the mempool holds more than this
  // much waiting at the recent commit rate, and at least client_backlog_floor
  // transactions (node/client_backlog.h); 0 turns the limit off.
  uint32_t max_wait_ms = 2000;
  uint32_t client_backlog_floor = 4000;
};

struct NodeConfig {
  std::string path;  // the file it came from
  std::string dir;   // its directory; base of relative paths
  std::string name;
  NodeRole role = NodeRole::kValidator;
  std::string data_dir;
  std::string key_file;  // Ed25519 node identity (validators: the validator key)
  std::string genesis_file;
  std::string alliance_secret_file;  // optional for observers
  std::string member_id;             // the member this node serves (optional)
  std::string member_key_file;       // signs writes made through the API (optional)
  Endpoint p2p_listen;
  Endpoint http_listen;
  // A ?wait=commit request holds its I/O thread until the commit (at most 60 s), so
  // there are more threads than cores: idle waiting threads cost no CPU.
  uint32_t http_threads = 8;
  uint64_t http_max_body_bytes = 1u << 20;
  std::vector<PeerConfig> peers;
  std::vector<ApiToken> api_tokens;
  ConsensusTuning consensus;
  MempoolTuning mempool;
  std::string log_level = "info";
  // Check every client signature even where f+1 validators attested it
  // (node/attestations.h): a regulator's observer may want to see every check
  // done by its own hand. Validators and observers take attestations by default.
  bool verify_all_signatures = false;
  // Where this member's watchlist alerts are also POSTed, signed with the node key
  // (http://host:port/path; node/credit_webhook.h). Empty: SSE stream only.
  std::string alert_webhook_url;
};

Result<NodeConfig> LoadNodeConfig(const std::string& path);

// The replica's configuration from the operator's tuning (what creditd runs, and
// what fuzz/config_fuzz.cc checks every accepted config against).
consensus::Config ReplicaConfigOf(const ConsensusTuning& tuning, std::string chain_id, uint32_t n,
                                  uint32_t self);
Result<NodeConfig> ParseNodeConfig(const std::string& json_text, const std::string& path);
Result<Endpoint> ParseEndpoint(const std::string& text);

}  // namespace cc::node
