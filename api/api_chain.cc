// The chain endpoints of the HTTP API (docs/api.md): health, readiness, metrics,
// status, blocks, transactions (submit, look up with proof), evidence.
#include <charconv>
#include <optional>
#include <vector>

#include "api/chain_api.h"
#include "api/credit_api.h"
#include "common/hex.h"
#include "contracts/queries.h"
#include "http/auth.h"
#include "http/json_api.h"
#include "proto/canonical.h"
#include "wire/chain_json.h"

namespace cc::api {

using namespace ::cc::wire;  // NOLINT(google-build-using-namespace)

using http::Access;
using http::ErrorResponse;
using http::JsonResponse;
using http::Request;
using http::Response;
using http::Role;
using nlohmann::json;

namespace {

constexpr size_t kMaxBatchSubmit = 5000;

std::optional<uint64_t> ParseU64(std::string_view s) {
  uint64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

constexpr const char* kProtobuf = "application/x-protobuf";

// The raw transaction bytes of a POST /v1/tx: protobuf body, or {"tx": "<hex>"}.
Result<std::string> TxFromRequest(const Request& req) {
  auto media = http::AcceptedMediaType(req, {"application/json", kProtobuf});
  if (!media.ok()) return media.status();
  if (*media == kProtobuf) return req.body;
  auto body = http::ParseJsonRequest(req, {{"tx", http::FieldType::kString, true}});
  if (!body.ok()) return body.status();
  auto raw = FromHex((*body)["tx"].get<std::string>());
  if (!raw) return Status::Error("wrong_type", "tx: expected the SignedTx bytes in hex");
  return *raw;
}

}  // namespace

// A handler for an endpoint that takes no query parameters.
template <class Handler>
auto NoQuery(Handler handler) {
  return [handler](const Request& req) {
    Status st = CheckQueryParams(req, {});
    if (!st.ok()) return ErrorFor(st);
    return handler(req);
  };
}

Response CommittedTxResponse(const Backend& node, const std::string& tx_id, const ledger::TxLocation& loc) {
  json receipt = nullptr;
  if (auto r = contracts::ReadReceipt(node.state(), tx_id)) {
    receipt = {{"code", r->code}, {"height", r->height}, {"index", r->index}};
  }
  json out{{"tx_id", ToHex(tx_id)},
           {"status", "committed"},
           {"height", loc.height},
           {"index", loc.index},
           {"receipt", receipt}};
  auto proof = node.ledger().GetTxProof(tx_id);
  if (proof.ok()) {
    pb::SignedTx tx;
    if (tx.ParseFromString(proof->tx())) out["body"] = TxBodyJson(tx.body());
    out["proof"] = ProofJson(*proof);
  }
  return JsonResponse(200, out);
}

Response WaitForCommitResponse(Backend& node, const std::string& tx_id, std::chrono::milliseconds timeout) {
  auto loc = node.WaitForCommit(tx_id, timeout);
  if (!loc) return JsonResponse(202, {{"tx_id", ToHex(tx_id)}, {"status", "pending"}, {"timed_out", true}});
  return CommittedTxResponse(node, tx_id, *loc);
}

void RegisterChainRoutes(http::Router& router, Backend& node) {
  const Access readers = Access::Roles({Role::kReader, Role::kWriter, Role::kRegulator});
  const Access writers = Access::Roles({Role::kWriter});

  router.Get("/healthz", Access::Public(), NoQuery([](const Request&) {
               return JsonResponse(200, {{"status", "ok"}});
             }));

  router.Get("/readyz", Access::Public(), NoQuery([&node](const Request&) {
               if (!node.Ready()) {
                 return ErrorResponse(503, "unavailable",
                                      "not connected to a quorum of validators, or still syncing");
               }
               // A validator out of the quorum's view keeps its height by block sync
               // and would look ready: after twice the view-change timeout it is not.
               const NodeStatus s = node.StatusSnapshot();
               if (s.participation_alarm) {
                 return ErrorResponse(503, "not_participating",
                                      "validator not participating in consensus for " +
                                          std::to_string(s.not_participating_ms) +
                                          " ms: " + s.not_participating_reason);
               }
               json out{{"status", "ready"}, {"height", node.ledger().Height()}};
               if (s.participating) out["participating"] = *s.participating;
               return JsonResponse(200, out);
             }));

  router.Get("/metrics", Access::Public(), NoQuery([&node](const Request&) {
               return Response::Text(200, node.RenderMetrics(), "text/plain; version=0.0.4; charset=utf-8");
             }));

  router.Get("/v1/status", readers, NoQuery([&node](const Request&) {
               const NodeStatus s = node.StatusSnapshot();
               json peers = json::array();
               for (const auto& p : s.peers) {
                 json pj{{"name", p.name}, {"public_key", ToHex(p.public_key)}, {"connected", p.connected}};
                 pj["validator"] = p.validator ? json(*p.validator) : json(nullptr);
                 if (p.validator) pj["view"] = p.view ? json(*p.view) : json(nullptr);
                 peers.push_back(pj);
               }
               json out{{"node", s.name},
                        {"role", s.validator ? "validator" : "observer"},
                        {"chain_id", node.genesis().chain_id},
                        {"height", node.ledger().Height()},
                        {"tip_hash", ToHex(node.ledger().TipHash())},
                        {"view", s.view},
                        {"view_changes", s.view_changes},
                        {"in_view_change", s.in_view_change},
                        {"stable_checkpoint", s.stable_checkpoint},
                        {"validators", s.validators},
                        {"peers", peers},
                        {"mempool", {{"transactions", s.mempool_transactions}, {"bytes", s.mempool_bytes}}},
                        {"ready", s.ready}};
               out["validator_index"] = s.validator_index ? json(*s.validator_index) : json(nullptr);
               out["primary"] = s.primary ? json(*s.primary) : json(nullptr);
               if (!s.validator) {
                 out["observer"] = {{"verified_certificates", s.observer_verified_certificates},
                                    {"rejected_blocks", s.observer_rejected_blocks}};
               }
               if (s.participating) {
                 json c{{"participating", *s.participating},
                        {"validators_in_view", s.validators_in_view},
                        {"giving_up", s.giving_up},
                        {"view_timeouts", s.view_timeouts},
                        {"relayed_requests", s.relayed_requests}};
                 c["quorum_view"] = s.quorum_view ? json(*s.quorum_view) : json(nullptr);
                 if (!*s.participating) {
                   c["reason"] = s.not_participating_reason;
                   c["since_ms"] = s.not_participating_ms;
                 }
                 out["consensus"] = c;
                 out["participating"] = *s.participating;
               }
               return JsonResponse(200, out);
             }));

  // Every parameter is checked before anything is admitted: a refused request
  // records nothing.
  router.Post("/v1/tx", writers, [&node](const Request& req) {
    auto wait = ParseWaitOptions(req);
    if (!wait.ok()) return ErrorFor(wait.status());
    auto raw = TxFromRequest(req);
    if (!raw.ok()) return ErrorFor(raw.status());
    auto id = node.Submit(*raw);
    if (!id.ok()) return ErrorFor(id.status());
    if (wait->wait) return WaitForCommitResponse(node, *id, std::chrono::milliseconds(wait->timeout_ms));
    return JsonResponse(202, {{"tx_id", ToHex(*id)}, {"status", "pending"}});
  });

  router.Post("/v1/txs", writers, [&node](const Request& req) {
    Status params = CheckQueryParams(req, {});
    if (!params.ok()) return ErrorFor(params);
    auto body = http::ParseJsonRequest(req, {{"txs", http::FieldType::kArray, true}});
    if (!body.ok()) return ErrorFor(body.status());
    const json& txs = (*body)["txs"];
    if (txs.size() > kMaxBatchSubmit) {
      return ErrorResponse(413, "too_many_transactions",
                           "at most " + std::to_string(kMaxBatchSubmit) + " per call");
    }
    // The transactions that decode are submitted together; `hex_ok` keeps each
    // answer in its request's place.
    std::vector<std::string> raws;
    std::vector<bool> hex_ok;
    raws.reserve(txs.size());
    for (size_t i = 0; i < txs.size(); ++i) {
      if (!txs[i].is_string())
        return ErrorResponse(400, "wrong_type", "txs[" + std::to_string(i) + "]: expected hex");
      std::optional<std::string> raw = FromHex(txs[i].get_ref<const std::string&>());
      hex_ok.push_back(raw.has_value());
      if (raw) raws.push_back(std::move(*raw));
    }
    const std::vector<Result<std::string>> ids = node.SubmitMany(raws);
    json results = json::array();
    size_t accepted = 0, next = 0;
    for (const bool ok : hex_ok) {
      if (!ok) {
        results.push_back({{"code", "wrong_type"}});
        continue;
      }
      const size_t k = next++;
      if (ids[k].ok()) {
        ++accepted;
        results.push_back({{"tx_id", ToHex(*ids[k])}, {"code", "ok"}});
      } else {
        results.push_back({{"tx_id", ToHex(proto::TxId(raws[k]))}, {"code", ids[k].status().code()}});
      }
    }
    return JsonResponse(accepted == txs.size() ? 202 : 207, {{"accepted", accepted}, {"results", results}});
  });

  auto block_handler = [&node](const Request& req) {
    Status params = CheckQueryParams(req, {"full"});
    if (!params.ok()) return ErrorFor(params);
    auto full = BoolParam(req, "full", false);
    if (!full.ok()) return ErrorFor(full.status());
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
    if (*full) {
      json raw = json::array();
      for (const auto& tx : block->block().txs()) raw.push_back(ToHex(tx));
      out["txs"] = raw;
    }
    return JsonResponse(200, out);
  };
  router.Get("/v1/blocks/latest", readers, block_handler);
  router.Get("/v1/blocks/{height}", readers, block_handler);

  router.Get("/v1/tx/{id}", readers, NoQuery([&node](const Request& req) {
               auto id = FromHexSized(req.Param("id"), 32);
               if (!id) return ErrorResponse(400, "bad_request", "id: expected 64 hex characters");
               auto loc = node.ledger().FindTx(*id);
               if (loc.ok()) return CommittedTxResponse(node, *id, *loc);
               if (node.MempoolContains(*id))
                 return JsonResponse(200, {{"tx_id", ToHex(*id)}, {"status", "pending"}});
               return ErrorResponse(404, "not_found", "no such transaction");
             }));

  router.Get("/v1/evidence", Access::Roles({Role::kRegulator}), NoQuery([&node](const Request&) {
               json list = json::array();
               for (const auto& e : node.Evidence()) {
                 list.push_back({{"replica", e.replica()},
                                 {"view", e.view()},
                                 {"sequence", e.sequence()},
                                 {"first", ToHex(e.first().SerializeAsString())},
                                 {"second", ToHex(e.second().SerializeAsString())}});
               }
               return JsonResponse(200, {{"evidence", list}});
             }));
}

}  // namespace cc::api
