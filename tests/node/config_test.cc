#include "node/config.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace cc::node {
namespace {

const std::string kKey(64, 'a');

nlohmann::json Valid() {
  return {{"name", "validator-0"},
          {"role", "validator"},
          {"data_dir", "data/v0"},
          {"key_file", "keys/v0.key"},
          {"genesis_file", "genesis.json"},
          {"p2p_listen", "127.0.0.1:26600"},
          {"http_listen", "127.0.0.1:26700"},
          {"peers", {{{"name", "validator-1"}, {"public_key", kKey}, {"address", "127.0.0.1:26601"}}}},
          {"api_tokens", {{{"name", "ops"}, {"role", "admin"}, {"token_hash", kKey}}}}};
}

Status Parse(const nlohmann::json& j) { return ParseNodeConfig(j.dump(), "/etc/cc/node.json").status(); }

TEST(NodeConfig, ParsesAValidFileAndResolvesPathsAgainstItsFolder) {
  auto c = ParseNodeConfig(Valid().dump(), "/etc/cc/node.json");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->role, NodeRole::kValidator);
  EXPECT_EQ(c->data_dir, "/etc/cc/data/v0");
  EXPECT_EQ(c->key_file, "/etc/cc/keys/v0.key");
  EXPECT_EQ(c->p2p_listen.port, 26600);
  ASSERT_EQ(c->peers.size(), 1u);
  EXPECT_EQ(c->peers[0].public_key, std::string(32, '\xaa'));
  EXPECT_EQ(c->consensus.tick_ms, 10u);  // defaults apply
  EXPECT_FALSE(c->verify_all_signatures);
  nlohmann::json all = Valid();
  all["verify_all_signatures"] = true;
  auto strict = ParseNodeConfig(all.dump(), "/etc/cc/node.json");
  ASSERT_TRUE(strict.ok()) << strict.status().ToString();
  EXPECT_TRUE(strict->verify_all_signatures);
}

TEST(NodeConfig, EveryErrorNamesTheField) {
  struct Case {
    std::function<void(nlohmann::json&)> edit;
    std::string field;
  };
  const std::vector<Case> cases = {
      {[](auto& j) { j.erase("name"); }, "name: missing"},
      {[](auto& j) { j["role"] = "leader"; }, "role:"},
      {[](auto& j) { j["http_listen"] = "localhost"; }, "http_listen:"},
      {[](auto& j) { j["p2p_listen"] = "127.0.0.1:99999"; }, "p2p_listen:"},
      {[](auto& j) { j["peers"][0]["public_key"] = "abc"; }, "peers[0].public_key:"},
      {[](auto& j) { j["peers"][0]["colour"] = "red"; }, "peers[0].colour: unknown field"},
      {[](auto& j) { j["api_tokens"][0]["role"] = "root"; }, "api_tokens[0].role:"},
      {[](auto& j) {
         j["consensus"] = {{"tick_ms", 0}};
       },
       "consensus.tick_ms:"},
      {[](auto& j) {
         j["consensus"] = {{"watermark_window", 100}, {"checkpoint_interval", 32}};
       },
       "consensus.watermark_window:"},
      {[](auto& j) {
         j["mempool"] = {{"max_txs", "many"}};
       },
       "mempool.max_txs:"},
      {[](auto& j) { j["member_id"] = "member-0"; }, "member_key_file:"},
      {[](auto& j) { j["surprise"] = true; }, "surprise: unknown field"},
      {[](auto& j) { j["alert_webhook_url"] = "https://example/hook"; }, "alert_webhook_url:"},
      {[](auto& j) { j["verify_all_signatures"] = "yes"; }, "verify_all_signatures: expected true or false"},
  };
  for (const auto& c : cases) {
    nlohmann::json j = Valid();
    c.edit(j);
    Status st = Parse(j);
    ASSERT_FALSE(st.ok()) << c.field;
    EXPECT_EQ(st.code(), "config");
    EXPECT_NE(st.message().find(c.field), std::string::npos) << st.message() << " should name " << c.field;
  }
}

TEST(NodeConfig, RefusesBrokenJsonAndMissingFiles) {
  EXPECT_EQ(ParseNodeConfig("{not json", "x.json").status().code(), "config");
  EXPECT_EQ(ParseNodeConfig("[]", "x.json").status().code(), "config");
  EXPECT_EQ(LoadNodeConfig("/nonexistent/node.json").status().code(), "config");
}

TEST(NodeConfig, ObserverNeedsNoP2pListener) {
  nlohmann::json j = Valid();
  j["role"] = "observer";
  j.erase("p2p_listen");
  EXPECT_TRUE(Parse(j).ok());
  j["role"] = "validator";
  EXPECT_FALSE(Parse(j).ok());
}

// Found by fuzz/config_fuzz.cc: limits that parse one by one but cannot work
// together. A transaction larger than a batch is admitted (HTTP 202) and then dropped
// by the replica, so it never commits; a full batch larger than a P2P frame can be
// neither proposed nor served by block sync.
TEST(NodeConfig, RefusesSizeLimitsThatDoNotFitTogether) {
  nlohmann::json j = Valid();
  j["consensus"] = {{"max_batch_bytes", 4096}};
  j["mempool"] = {{"max_tx_bytes", 8192}};
  Status st = Parse(j);
  EXPECT_EQ(st.code(), "config");
  EXPECT_NE(st.message().find("mempool.max_tx_bytes:"), std::string::npos) << st.message();
  j["mempool"] = {{"max_tx_bytes", 4096}};
  EXPECT_TRUE(Parse(j).ok());

  j = Valid();
  j["consensus"] = {{"max_batch_bytes", 32u << 20}};
  st = Parse(j);
  EXPECT_EQ(st.code(), "config");
  EXPECT_NE(st.message().find("consensus.max_batch_bytes:"), std::string::npos) << st.message();
  j["consensus"] = {{"max_batch_bytes", 16u << 20}, {"max_batch_requests", 1}};
  EXPECT_FALSE(Parse(j).ok());  // the frame's own fields need room too
  j["consensus"] = {{"max_batch_bytes", 8u << 20}};
  EXPECT_TRUE(Parse(j).ok());
}

}  // namespace
}  // namespace cc::node
