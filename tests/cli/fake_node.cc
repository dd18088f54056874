#include "tests/cli/fake_node.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "common/hex.h"
#include "crypto/keys.h"
#include "http/json_api.h"
#include "http/router.h"
#include "proto/canonical.h"

namespace cc::cli::testing {

using http::Access;
using http::ErrorResponse;
using http::JsonResponse;
using http::Request;
using http::Response;
using http::Role;
using nlohmann::json;

struct FakeCluster::Node {
  metrics::Registry registry;
  metrics::Counter* committed = nullptr;
  metrics::Counter* blocks = nullptr;
  metrics::Histogram* latency = nullptr;
  std::unique_ptr<http::HttpServer> server;
};

FakeCluster::FakeCluster(size_t nodes, std::string chain_id, std::map<std::string, std::string> member_keys,
                         const std::string& writer_token)
    : chain_id_(std::move(chain_id)),
      member_keys_(std::move(member_keys)),
      accepted_per_node_(nodes, 0),
      full_(nodes, false) {
  auto tokens = http::TokenStore::Create({{"writer", Role::kWriter, crypto::HashApiToken(writer_token)}});
  EXPECT_TRUE(tokens.ok());
  tokens_ = std::move(tokens).value();
  for (size_t i = 0; i < nodes; ++i) {
    auto node = std::make_unique<Node>();
    node->committed = &node->registry.AddCounter("creditd_committed_transactions_total", "txs");
    node->blocks = &node->registry.AddCounter("creditd_committed_blocks_total", "blocks");
    node->latency =
        &node->registry.AddHistogram("creditd_commit_latency_seconds", "latency", metrics::LatencyBuckets());
    http::Router router;
    const Access writers = Access::Roles({Role::kWriter});
    Node* raw_node = node.get();
    router.Get("/metrics", Access::Public(),
               [raw_node](const Request&) { return Response::Text(200, raw_node->registry.Render()); });
    router.Get("/v1/status", Access::Roles({Role::kReader, Role::kWriter}), [this, i](const Request&) {
      return JsonResponse(200, {{"node", "fake-" + std::to_string(i)}, {"chain_id", chain_id_}});
    });
    router.Post("/v1/tx", writers, [this, i](const Request& req) {
      {
        std::lock_guard<std::mutex> lock(mu_);
        tx_targets_.push_back(req.target);
      }
      const json body = json::parse(req.body, nullptr, false);
      if (!body.is_object() || !body.contains("tx") || !body["tx"].is_string()) {
        return ErrorResponse(400, "wrong_type", "tx: expected hex");
      }
      auto raw = FromHex(body["tx"].get<std::string>());
      if (!raw) return ErrorResponse(400, "wrong_type", "tx: expected hex");
      std::string id;
      const std::string code = Admit(i, *raw, &id);
      if (!code.empty()) return ErrorResponse(code == "duplicate" ? 409 : 400, code, "refused");
      Commit(i, 1);
      if (req.Query("wait") == std::optional<std::string>("commit")) {
        return JsonResponse(200, {{"tx_id", ToHex(id)}, {"status", "committed"}, {"height", 1}});
      }
      return JsonResponse(202, {{"tx_id", ToHex(id)}, {"status", "pending"}});
    });
    router.Post("/v1/txs", writers, [this, i](const Request& req) {
      {
        std::lock_guard<std::mutex> lock(mu_);
        if (full_[i]) return ErrorResponse(429, "mempool_full", "the mempool is full");
      }
      const json body = json::parse(req.body, nullptr, false);
      if (!body.is_object() || !body.contains("txs") || !body["txs"].is_array()) {
        return ErrorResponse(400, "wrong_type", "txs: expected an array");
      }
      json results = json::array();
      size_t accepted = 0;
      for (const auto& t : body["txs"]) {
        auto raw = t.is_string() ? FromHex(t.get<std::string>()) : std::nullopt;
        std::string id;
        const std::string code = raw ? Admit(i, *raw, &id) : "wrong_type";
        if (code.empty()) ++accepted;
        results.push_back({{"tx_id", ToHex(id)}, {"code", code.empty() ? "ok" : code}});
      }
      Commit(i, accepted);
      return JsonResponse(accepted == body["txs"].size() ? 202 : 207,
                          {{"accepted", accepted}, {"results", results}});
    });
    http::ServerOptions options;
    options.threads = 2;
    options.max_body_bytes = 4 << 20;
    node->server = std::make_unique<http::HttpServer>(options, std::move(router), &tokens_, nullptr);
    EXPECT_TRUE(node->server->Start().ok());
    nodes_.push_back(std::move(node));
  }
}

FakeCluster::~FakeCluster() {
  for (auto& n : nodes_) n->server->Stop();
}

uint16_t FakeCluster::port(size_t node) const { return nodes_[node]->server->port(); }

void FakeCluster::SetFull(size_t node, bool full) {
  std::lock_guard<std::mutex> lock(mu_);
  full_[node] = full;
}

void FakeCluster::SetCommitting(bool on) {
  std::lock_guard<std::mutex> lock(mu_);
  committing_ = on;
}

std::vector<pb::SignedTx> FakeCluster::accepted() const {
  std::lock_guard<std::mutex> lock(mu_);
  return accepted_;
}

std::vector<size_t> FakeCluster::accepted_per_node() const {
  std::lock_guard<std::mutex> lock(mu_);
  return accepted_per_node_;
}

std::vector<std::string> FakeCluster::tx_targets() const {
  std::lock_guard<std::mutex> lock(mu_);
  return tx_targets_;
}

std::string FakeCluster::Admit(size_t node, const std::string& raw, std::string* tx_id) {
  *tx_id = proto::TxId(raw);
  pb::SignedTx tx;
  if (!proto::ParseCanonicalTx(raw, &tx).ok()) return "malformed";
  if (tx.body().chain_id() != chain_id_) return "wrong_chain";
  auto key = member_keys_.find(tx.body().sender());
  if (key == member_keys_.end()) return "unknown_member";
  if (!crypto::Verify(key->second, proto::TxBodySigningBytes(tx.body()), tx.signature()))
    return "bad_signature";
  std::lock_guard<std::mutex> lock(mu_);
  if (!seen_.insert(*tx_id).second) return "duplicate";
  accepted_.push_back(tx);
  ++accepted_per_node_[node];
  return "";
}

void FakeCluster::Commit(size_t node, size_t count) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!committing_ || count == 0) return;
  }
  for (size_t k = 0; k < count; ++k) nodes_[node]->latency->Observe(kLatencySeconds);
  for (auto& n : nodes_) {
    n->committed->Inc(count);
    n->blocks->Inc();
  }
}

}  // namespace cc::cli::testing
