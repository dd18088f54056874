#include "tests/integration/node_api.h"

#include <nlohmann/json.hpp>

#include "common/hex.h"

namespace cc::integration {
namespace {

using nlohmann::json;

Status Unexpected(const std::string& what, const cli::HttpResponse& resp) {
  std::string body = resp.body.substr(0, 300);
  return Status::Error("unexpected_answer", what + ": HTTP " + std::to_string(resp.status) + ": " + body);
}

Result<json> ParseBody(const std::string& what, const cli::HttpResponse& resp) {
  json j = json::parse(resp.body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return Unexpected(what + " (not a JSON object)", resp);
  return j;
}

std::string ErrorCode(const json& j) {
  if (j.contains("error") && j["error"].is_object() && j["error"].contains("code") &&
      j["error"]["code"].is_string()) {
    return j["error"]["code"].get<std::string>();
  }
  return "";
}

uint64_t U64(const json& j, const char* key) {
  return j.contains(key) && j[key].is_number_unsigned() ? j[key].get<uint64_t>() : 0;
}

std::string Str(const json& j, const char* key) {
  return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : "";
}

}  // namespace

NodeApi::NodeApi(uint16_t http_port, std::string token, std::chrono::milliseconds timeout)
    : port_(http_port), token_(std::move(token)), timeout_(timeout) {}

Result<cli::HttpResponse> NodeApi::Call(const std::string& method, const std::string& target,
                                        const std::string& body) {
  if (!client_) client_ = std::make_unique<cli::HttpClient>("127.0.0.1", port_, timeout_);
  auto resp = client_->Send(method, target, token_, body);
  if (!resp.ok()) {
    client_.reset();  // a fresh connection next time
    return Status::Error(resp.status().code(), method + " " + target + " on :" + std::to_string(port_) +
                                                   ": " + resp.status().message());
  }
  return resp;
}

Result<int> NodeApi::Healthz() {
  auto resp = Call("GET", "/healthz");
  if (!resp.ok()) return resp.status();
  return resp->status;
}

Result<int> NodeApi::Readyz() {
  auto resp = Call("GET", "/readyz");
  if (!resp.ok()) return resp.status();
  return resp->status;
}

Result<NodeStatus> NodeApi::Status() {
  auto resp = Call("GET", "/v1/status");
  if (!resp.ok()) return resp.status();
  if (resp->status != 200) return Unexpected("GET /v1/status", *resp);
  auto j = ParseBody("GET /v1/status", *resp);
  if (!j.ok()) return j.status();
  NodeStatus s;
  s.node = Str(*j, "node");
  s.height = U64(*j, "height");
  s.tip_hash = Str(*j, "tip_hash");
  s.view = U64(*j, "view");
  s.view_changes = U64(*j, "view_changes");
  s.in_view_change = j->value("in_view_change", false);
  // At the top level or in a "consensus" object, whichever the node uses.
  for (const json* o : {&*j, j->contains("consensus") ? &(*j)["consensus"] : nullptr}) {
    if (o == nullptr || !o->is_object()) continue;
    if (o->contains("participating") && (*o)["participating"].is_boolean())
      s.participating = (*o)["participating"].get<bool>();
    if (o->contains("validators_in_view") && (*o)["validators_in_view"].is_number_unsigned())
      s.validators_in_view = (*o)["validators_in_view"].get<uint64_t>();
  }
  if (j->contains("primary") && (*j)["primary"].is_number_unsigned())
    s.primary = (*j)["primary"].get<uint32_t>();
  if (j->contains("mempool") && (*j)["mempool"].is_object())
    s.mempool_txs = U64((*j)["mempool"], "transactions");
  if (j->contains("peers") && (*j)["peers"].is_array()) {
    for (const auto& p : (*j)["peers"]) {
      ++s.peers_total;
      if (p.value("connected", false)) {
        ++s.peers_connected;
      } else {
        s.disconnected_peers.push_back(Str(p, "name"));
      }
    }
  }
  if (j->contains("observer") && (*j)["observer"].is_object()) {
    s.verified_certificates = U64((*j)["observer"], "verified_certificates");
    s.rejected_blocks = U64((*j)["observer"], "rejected_blocks");
  }
  return s;
}

Result<BlockInfo> NodeApi::Block(uint64_t height) {
  const std::string target = "/v1/blocks/" + std::to_string(height);
  auto resp = Call("GET", target);
  if (!resp.ok()) return resp.status();
  if (resp->status == 404)
    return Status::Error("not_found", "no block " + std::to_string(height) + " on :" + std::to_string(port_));
  if (resp->status != 200) return Unexpected("GET " + target, *resp);
  auto j = ParseBody("GET " + target, *resp);
  if (!j.ok()) return j.status();
  BlockInfo b;
  if (!j->contains("header") || !(*j)["header"].is_object() || !j->contains("tx_ids") ||
      !(*j)["tx_ids"].is_array()) {
    return Unexpected("GET " + target + " (no header or tx_ids)", *resp);
  }
  b.height = U64((*j)["header"], "height");
  b.hash = Str((*j)["header"], "hash");
  for (const auto& id : (*j)["tx_ids"]) b.tx_ids.push_back(id.is_string() ? id.get<std::string>() : "");
  if (b.height != height || b.hash.size() != 64) return Unexpected("GET " + target + " (bad header)", *resp);
  return b;
}

Result<TxLookup> NodeApi::Tx(const std::string& tx_id_hex) {
  const std::string target = "/v1/tx/" + tx_id_hex;
  auto resp = Call("GET", target);
  if (!resp.ok()) return resp.status();
  TxLookup t;
  if (resp->status == 404) return t;
  if (resp->status != 200) return Unexpected("GET " + target, *resp);
  auto j = ParseBody("GET " + target, *resp);
  if (!j.ok()) return j.status();
  t.found = true;
  t.committed = Str(*j, "status") == "committed";
  t.height = U64(*j, "height");
  if (j->contains("receipt") && (*j)["receipt"].is_object()) t.receipt_code = Str((*j)["receipt"], "code");
  return t;
}

Result<std::string> NodeApi::Metrics() {
  auto resp = Call("GET", "/metrics");
  if (!resp.ok()) return resp.status();
  if (resp->status != 200) return Unexpected("GET /metrics", *resp);
  return resp->body;
}

Result<BatchAnswer> NodeApi::SubmitBatch(const std::vector<std::string>& raw_txs) {
  std::string body = "{\"txs\":[";
  for (size_t i = 0; i < raw_txs.size(); ++i) {
    if (i > 0) body += ',';
    body += '"' + ToHex(raw_txs[i]) + '"';
  }
  body += "]}";
  auto resp = Call("POST", "/v1/txs", body);
  if (!resp.ok()) return resp.status();
  BatchAnswer a;
  a.http_status = resp->status;
  if (resp->status != 202 && resp->status != 207) {
    // The whole batch was refused (e.g. 429, 503): one code for all.
    json j = json::parse(resp->body, nullptr, false);
    const std::string code = j.is_object() ? ErrorCode(j) : "";
    a.codes.assign(raw_txs.size(), code.empty() ? "http_" + std::to_string(resp->status) : code);
    return a;
  }
  auto j = ParseBody("POST /v1/txs", *resp);
  if (!j.ok()) return j.status();
  if (!j->contains("results") || !(*j)["results"].is_array() || (*j)["results"].size() != raw_txs.size()) {
    return Unexpected("POST /v1/txs (results do not match the batch)", *resp);
  }
  for (const auto& r : (*j)["results"]) a.codes.push_back(Str(r, "code"));
  return a;
}

Result<WaitAnswer> NodeApi::SubmitAndWait(const std::string& raw_tx, uint32_t timeout_ms) {
  const std::string target = "/v1/tx?wait=commit&timeout_ms=" + std::to_string(timeout_ms);
  const std::string body = json{{"tx", ToHex(raw_tx)}}.dump();
  Result<cli::HttpResponse> resp = Status::Error("unset", "");
  const auto needed = std::chrono::milliseconds(timeout_ms) + std::chrono::seconds(10);
  if (needed > timeout_) {
    cli::HttpClient once("127.0.0.1", port_, needed);
    resp = once.Send("POST", target, token_, body);
  } else {
    resp = Call("POST", target, body);
  }
  if (!resp.ok()) return resp.status();
  WaitAnswer w;
  w.http_status = resp->status;
  json j = json::parse(resp->body, nullptr, false);
  if (!j.is_object()) return Unexpected("POST " + target + " (not JSON)", *resp);
  if (resp->status == 200) {
    w.committed = Str(j, "status") == "committed";
    w.height = U64(j, "height");
  } else if (resp->status != 202) {
    w.error_code = ErrorCode(j);
  }
  return w;
}

}  // namespace cc::integration
