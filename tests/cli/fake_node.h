// FakeCluster: in-process stand-ins for creditd's HTTP API (real cc_http servers on
// 127.0.0.1), enough for `creditctl submit` and `creditctl bench`: POST /v1/tx,
// POST /v1/txs, GET /v1/status, GET /metrics, with bearer-token auth.
//
// Each node checks a transaction the way admission does for everything the client
// controls (canonical protobuf, chain id, known sender, Ed25519 signature, duplicate
// id) and commits an accepted one at once: every node's
// creditd_committed_transactions_total rises, and the admitting node observes
// kLatencySeconds in its creditd_commit_latency_seconds histogram.
//
// Thread safety: the servers' threads and the test thread share state under a mutex.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "http/auth.h"
#include "http/metrics.h"
#include "http/server.h"
#include "proto/creditchain.pb.h"

namespace cc::cli::testing {

class FakeCluster {
 public:
  static constexpr double kLatencySeconds = 0.003;

  // `member_keys`: member id -> 32-byte public key. `writer_token`: the plaintext
  // token accepted with role writer.
  FakeCluster(size_t nodes, std::string chain_id, std::map<std::string, std::string> member_keys,
              const std::string& writer_token);
  ~FakeCluster();

  uint16_t port(size_t node) const;
  // While full, node `node` answers POST /v1/txs with 429 mempool_full.
  void SetFull(size_t node, bool full);
  // While off, accepted transactions are never committed.
  void SetCommitting(bool on);

  std::vector<pb::SignedTx> accepted() const;
  std::vector<size_t> accepted_per_node() const;
  std::vector<std::string> tx_targets() const;  // request targets of POST /v1/tx

 private:
  struct Node;
  // Checks and records one transaction; "" when accepted, else the error code.
  std::string Admit(size_t node, const std::string& raw, std::string* tx_id);
  void Commit(size_t node, size_t count);

  const std::string chain_id_;
  const std::map<std::string, std::string> member_keys_;
  http::TokenStore tokens_;
  std::vector<std::unique_ptr<Node>> nodes_;

  mutable std::mutex mu_;
  std::set<std::string> seen_;
  std::vector<pb::SignedTx> accepted_;
  std::vector<size_t> accepted_per_node_;
  std::vector<bool> full_;
  bool committing_ = true;
  std::vector<std::string> tx_targets_;
};

}  // namespace cc::cli::testing
