// The chain endpoints of the HTTP API (docs/api.md): health, readiness, metrics,
// status, blocks, transactions (submit, look up with proof), evidence.
#include <charconv>

#include "common/hex.h"
#include "contracts/queries.h"
#include "node/api_json.h"
#include "node/http/auth.h"
#include "node/http/json_api.h"
#include "node/http/router.h"
#include "node/node.h"
#include "proto/canonical.h"

namespace cc::node {

using http::Access;
using http::ErrorResponse;
using http::JsonResponse;
using http::Request;
using http::Response;
using http::Role;
using nlohmann::json;

namespace {

constexpr size_t kMaxBatchSubmit = 5000;

int AdmissionStatus(const std::string& code) {
  if (code == "mempool_full" || code == "quota_exceeded") return 429;
  if (code == "too_large") return 413;
  if (code == "unknown_member" || code == "not_authorized" || code == "member_suspended") return 403;
  if (code == "duplicate" || code == "already_committed" || code == "replayed_nonce") return 409;
  return 400;
}

std::optional<uint64_t> ParseU64(std::string_view s) {
  uint64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

// The raw transaction bytes of a POST /v1/tx: protobuf body, or {"tx": "<hex>"}.
Result<std::string> TxFromRequest(const Request& req) {
  auto ct = req.Header("Content-Type");
  if (ct && ct->rfind("application/x-protobuf", 0) == 0) return req.body;
  auto body = http::ParseJsonRequest(req, {{"tx", http::FieldType::kString, true}});
  if (!body.ok()) return body.status();
  auto raw = FromHex((*body)["tx"].get<std::string>());
  if (!raw) return Status::Error("wrong_type", "tx: expected the SignedTx bytes in hex");
  return *raw;
}

}  // namespace

Response CommittedTxResponse(const Node& node, const std::string& tx_id, const ledger::TxLocation& loc) {
  json receipt = nullptr;
  if (auto r = contracts::ReadReceipt(node.state(), tx_id)) {
    receipt = {{"code", r->code}, {"height", r->height}, {"index", r->index}};
  }
  json out{{"tx_id", ToHex(tx_id)}, {"status", "committed"}, {"height", loc.height}, {"index", loc.index},
           {"receipt", receipt}};
  auto proof = node.ledger().GetTxProof(tx_id);
  if (proof.ok()) {
    pb::SignedTx tx;
    if (tx.ParseFromString(proof->tx())) out["body"] = TxBodyJson(tx.body());
    out["proof"] = ProofJson(*proof);
  }
  return JsonResponse(200, out);
}

Response WaitForCommitResponse(Node& node, const std::string& tx_id, std::chrono::milliseconds timeout) {
  auto loc = node.WaitForCommit(tx_id, timeout);
  if (!loc) return JsonResponse(202, {{"tx_id", ToHex(tx_id)}, {"status", "pending"}, {"timed_out", true}});
  return CommittedTxResponse(node, tx_id, *loc);
}

void RegisterChainRoutes(http::Router& router, Node& node) {
  const Access readers = Access::Roles({Role::kReader, Role::kWriter, Role::kRegulator});
  const Access writers = Access::Roles({Role::kWriter});

  router.Get("/healthz", Access::Public(), [](const Request&) { return JsonResponse(200, {{"status", "ok"}}); });

  router.Get("/readyz", Access::Public(), [&node](const Request&) {
    if (node.ready()) return JsonResponse(200, {{"status", "ready"}, {"height", node.ledger().Height()}});
    return ErrorResponse(503, "unavailable", "not connected to a quorum of validators, or still syncing");
  });

  router.Get("/metrics", Access::Public(), [&node](const Request&) {
    return Response::Text(200, node.RenderMetrics(), "text/plain; version=0.0.4; charset=utf-8");
  });

  router.Get("/v1/status", readers, [&node](const Request&) {
    const auto s = node.consensus_stats();
    json peers = json::array();
    for (const auto& p : node.peers()) {
      json pj{{"name", p.name}, {"public_key", ToHex(p.public_key)}, {"connected", p.connected}};
      pj["validator"] = p.validator ? json(*p.validator) : json(nullptr);
      peers.push_back(pj);
    }
    json out{{"node", node.config().name},
             {"role", node.is_validator() ? "validator" : "observer"},
             {"chain_id", node.genesis().chain_id},
             {"height", node.ledger().Height()},
             {"tip_hash", ToHex(node.ledger().TipHash())},
             {"view", s.view},
             {"view_changes", s.view_changes},
             {"in_view_change", s.in_view_change},
             {"stable_checkpoint", s.stable_checkpoint},
             {"validators", node.validator_keys().size()},
             {"peers", peers},
             {"mempool", {{"transactions", node.mempool().size()}, {"bytes", node.mempool().bytes()}}},
             {"ready", node.ready()}};
    out["validator_index"] = node.validator_index() ? json(*node.validator_index()) : json(nullptr);
    auto primary = node.primary();
    out["primary"] = primary ? json(*primary) : json(nullptr);
    if (!node.is_validator()) {
      out["observer"] = {{"verified_certificates", node.observer_verified_certificates()},
                         {"rejected_blocks", node.observer_rejected_blocks()}};
    }
    return JsonResponse(200, out);
  });

  router.Post("/v1/tx", writers, [&node](const Request& req) {
    auto raw = TxFromRequest(req);
    if (!raw.ok()) return ErrorResponse(400, raw.status());
    auto id = node.Submit(*raw);
    if (!id.ok()) return ErrorResponse(AdmissionStatus(id.status().code()), id.status());
    const auto wait = req.Query("wait");
    if (wait && *wait == "commit") {
      uint64_t timeout_ms = 10000;
      if (auto t = req.Query("timeout_ms")) {
        auto v = ParseU64(*t);
        if (!v || *v > 60000) return ErrorResponse(400, "bad_request", "timeout_ms: expected 0..60000");
        timeout_ms = *v;
      }
      return WaitForCommitResponse(node, *id, std::chrono::milliseconds(timeout_ms));
    }
    return JsonResponse(202, {{"tx_id", ToHex(*id)}, {"status", "pending"}});
  });

  router.Post("/v1/txs", writers, [&node](const Request& req) {
    auto body = http::ParseJsonRequest(req, {{"txs", http::FieldType::kArray, true}});
    if (!body.ok()) return ErrorResponse(400, body.status());
    const json& txs = (*body)["txs"];
    if (txs.size() > kMaxBatchSubmit) {
      return ErrorResponse(413, "too_many_transactions", "at most " + std::to_string(kMaxBatchSubmit) + " per call");
    }
    json results = json::array();
    size_t accepted = 0;
    for (size_t i = 0; i < txs.size(); ++i) {
      if (!txs[i].is_string()) return ErrorResponse(400, "wrong_type", "txs[" + std::to_string(i) + "]: expected hex");
    }
    for (const auto& t : txs) {
      auto raw = FromHex(t.get<std::string>());
      if (!raw) {
        results.push_back({{"code", "wrong_type"}});
        continue;
      }
      auto id = node.Submit(*raw);
      if (id.ok()) {
        ++accepted;
        results.push_back({{"tx_id", ToHex(*id)}, {"code", "ok"}});
      } else {
        results.push_back({{"tx_id", ToHex(proto::TxId(*raw))}, {"code", id.status().code()}});
      }
    }
    return JsonResponse(accepted == txs.size() ? 202 : 207, {{"accepted", accepted}, {"results", results}});
  });

  auto block_handler = [&node](const Request& req) {
    const std::string param = req.Param("height");
    uint64_t height = 0;
    if (param == "latest" || req.route_pattern == "/v1/blocks/latest") {
      height = node.ledger().Height();
    } else {
      auto v = ParseU64(param);
      if (!v || *v == 0) return ErrorResponse(400, "bad_request", "height: expected a positive integer");
      height = *v;
    }
    auto block = node.ledger().GetBlock(height);
    if (!block.ok()) return ErrorResponse(404, "not_found", "no block at height " + std::to_string(height));
    json ids = json::array();
    for (const auto& tx : block->block().txs()) ids.push_back(ToHex(proto::TxId(tx)));
    json out{{"header", HeaderJson(block->block().header())},
             {"certificate", CertificateJson(block->certificate())},
             {"tx_ids", ids}};
    if (req.Query("full") && *req.Query("full") == "true") {
      json raw = json::array();
      for (const auto& tx : block->block().txs()) raw.push_back(ToHex(tx));
      out["txs"] = raw;
    }
    return JsonResponse(200, out);
  };
  router.Get("/v1/blocks/latest", readers, block_handler);
  router.Get("/v1/blocks/{height}", readers, block_handler);

  router.Get("/v1/tx/{id}", readers, [&node](const Request& req) {
    auto id = FromHexSized(req.Param("id"), 32);
    if (!id) return ErrorResponse(400, "bad_request", "id: expected 64 hex characters");
    auto loc = node.ledger().FindTx(*id);
    if (loc.ok()) return CommittedTxResponse(node, *id, *loc);
    if (node.mempool().Contains(*id)) return JsonResponse(200, {{"tx_id", ToHex(*id)}, {"status", "pending"}});
    return ErrorResponse(404, "not_found", "no such transaction");
  });

  router.Get("/v1/evidence", Access::Roles({Role::kRegulator}), [&node](const Request&) {
    json list = json::array();
    for (const auto& e : node.evidence()) {
      list.push_back({{"replica", e.replica()},
                      {"view", e.view()},
                      {"sequence", e.sequence()},
                      {"first", ToHex(e.first().SerializeAsString())},
                      {"second", ToHex(e.second().SerializeAsString())}});
    }
    return JsonResponse(200, {{"evidence", list}});
  });
}

}  // namespace cc::node
