// NodeApi: the calls the integration tests make to one creditd's HTTP API
// (docs/api.md), parsed into small structs. Every answer that is not what the API
// documents comes back as an error Status naming the endpoint and the HTTP status,
// so a failing test says what the node answered.
//
// Thread safety: none; one NodeApi per thread (it holds one keep-alive connection).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/http_client.h"
#include "common/status.h"

namespace cc::integration {

struct NodeStatus {
  std::string node;
  uint64_t height = 0;
  std::string tip_hash;  // hex
  uint64_t view = 0;
  uint64_t view_changes = 0;
  bool in_view_change = false;
  // Validators only, when the node reports them (absent from older nodes): whether
  // this validator takes part in its view, and how many validators it sees in it.
  std::optional<bool> participating;
  std::optional<uint64_t> validators_in_view;
  std::optional<uint32_t> primary;
  uint64_t mempool_txs = 0;
  size_t peers_connected = 0;
  size_t peers_total = 0;
  std::vector<std::string> disconnected_peers;  // names
  // Observers only.
  uint64_t verified_certificates = 0;
  uint64_t rejected_blocks = 0;
};

struct BlockInfo {
  uint64_t height = 0;
  std::string hash;                 // header.hash, hex
  std::vector<std::string> tx_ids;  // hex
};

struct TxLookup {
  bool found = false;      // 404 -> false
  bool committed = false;  // status "committed" (else "pending")
  uint64_t height = 0;
  std::string receipt_code;  // "" when no receipt
};

// The answer to POST /v1/txs: one code per transaction, in order ("ok" = admitted).
struct BatchAnswer {
  int http_status = 0;
  std::vector<std::string> codes;
};

// The answer to POST /v1/tx?wait=commit.
struct WaitAnswer {
  int http_status = 0;
  bool committed = false;
  uint64_t height = 0;
  std::string error_code;  // error.code of a 4xx/5xx answer
};

class NodeApi {
 public:
  NodeApi(uint16_t http_port, std::string token,
          std::chrono::milliseconds timeout = std::chrono::milliseconds(30000));

  // GET /healthz, /readyz: the HTTP status (error only if there was no answer).
  Result<int> Healthz();
  Result<int> Readyz();
  Result<NodeStatus> Status();
  // GET /v1/blocks/{height}; code "not_found" for 404.
  Result<BlockInfo> Block(uint64_t height);
  Result<TxLookup> Tx(const std::string& tx_id_hex);
  Result<std::string> Metrics();
  // POST /v1/txs with the raw SignedTx bytes.
  Result<BatchAnswer> SubmitBatch(const std::vector<std::string>& raw_txs);
  // POST /v1/tx?wait=commit&timeout_ms=... (the client waits 10 s longer).
  Result<WaitAnswer> SubmitAndWait(const std::string& raw_tx, uint32_t timeout_ms);

  uint16_t port() const { return port_; }

 private:
  Result<cli::HttpResponse> Call(const std::string& method, const std::string& target,
                                 const std::string& body = "");

  uint16_t port_;
  std::string token_;
  std::chrono::milliseconds timeout_;
  std::unique_ptr<cli::HttpClient> client_;
};

}  // namespace cc::integration
