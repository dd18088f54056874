// `creditctl network init` and `creditctl token create` as a user runs them: the
// real binary writes real files, which are then read with the node's own parsers
// (node::LoadNodeConfig, contracts::ParseGenesis, crypto::LoadKeyFile, TokenStore).
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "common/hex.h"
#include "contracts/genesis.h"
#include "crypto/api_token.h"
#include "crypto/keys.h"
#include "http/auth.h"
#include "node/config.h"
#include "tests/cli/cli_test_util.h"
#include "tests/support/subprocess.h"
#include "tests/support/temp_dir.h"

namespace cc::cli {
namespace {

namespace fs = std::filesystem;
using cc::testing::ProcessResult;
using cc::testing::RunProcess;
using cc::testing::TempDir;

using testing::Contains;
using testing::Ctl;
using testing::kCreditctl;
using testing::ReadFile;

mode_t ModeOf(const fs::path& p) {
  struct stat st {};
  if (stat(p.c_str(), &st) != 0) return 0;
  return st.st_mode & 0777;
}

// Runs `network init` into dir/net and returns the folder.
fs::path InitNetwork(const TempDir& dir, int validators, int observers, int base_port,
                     const std::vector<std::string>& extra = {}) {
  const fs::path out = fs::path(dir.path()) / "net";
  std::vector<std::string> args = {"network",      "init",
                                   "--validators", std::to_string(validators),
                                   "--observers",  std::to_string(observers),
                                   "--out",        out.string(),
                                   "--base-port",  std::to_string(base_port)};
  args.insert(args.end(), extra.begin(), extra.end());
  const ProcessResult r = Ctl(args);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return out;
}

std::vector<std::string> NodeNames(int validators, int observers) {
  std::vector<std::string> names;
  for (int i = 0; i < validators; ++i) names.push_back("validator-" + std::to_string(i));
  for (int j = 0; j < observers; ++j) names.push_back("observer-" + std::to_string(j));
  return names;
}

TEST(NetworkInit, EveryNodeConfigLoadsAndAgreesWithGenesisAndKeys) {
  TempDir dir;
  const fs::path net = InitNetwork(dir, 4, 2, 31000);
  auto genesis = contracts::ParseGenesis(ReadFile(net / "genesis.json"));
  ASSERT_TRUE(genesis.ok()) << genesis.status().ToString();
  EXPECT_EQ(genesis->chain_id, "creditchain-local");
  EXPECT_EQ(genesis->genesis_time_ms % 86'400'000, 0u);
  ASSERT_EQ(genesis->validators.size(), 4u);
  ASSERT_EQ(genesis->members.size(), 5u);  // member-0..3 and regulator-0

  std::map<std::string, std::string> node_keys;  // name -> public key
  const auto names = NodeNames(4, 2);
  for (const auto& name : names) {
    auto key = crypto::LoadKeyFile((net / "keys" / (name + ".key")).string());
    ASSERT_TRUE(key.ok()) << name << ": " << key.status().ToString();
    node_keys[name] = key->public_key();
  }
  std::set<std::string> member_keys;
  for (size_t i = 0; i < genesis->members.size(); ++i) {
    const auto& m = genesis->members[i];
    auto key = crypto::LoadKeyFile((net / "keys" / (m.id + ".key")).string());
    ASSERT_TRUE(key.ok()) << m.id << ": " << key.status().ToString();
    EXPECT_EQ(key->public_key(), m.public_key) << m.id;
    member_keys.insert(m.public_key);
    if (i < 4) {
      EXPECT_EQ(m.id, "member-" + std::to_string(i));
      EXPECT_EQ(m.role, pb::ROLE_MEMBER);
    } else {
      EXPECT_EQ(m.id, "regulator-0");
      EXPECT_EQ(m.role, pb::ROLE_REGULATOR);
    }
  }
  for (int i = 0; i < 4; ++i) {
    const std::string name = "validator-" + std::to_string(i);
    EXPECT_EQ(genesis->validators[i].public_key, node_keys[name]);
    EXPECT_EQ(genesis->validators[i].operator_id, "member-" + std::to_string(i));
    EXPECT_EQ(member_keys.count(node_keys[name]), 0u) << "a member key must not be a node key";
  }

  for (size_t k = 0; k < names.size(); ++k) {
    const std::string& name = names[k];
    const bool validator = k < 4;
    auto config = node::LoadNodeConfig((net / ("node-" + name + ".json")).string());
    ASSERT_TRUE(config.ok()) << name << ": " << config.status().ToString();
    EXPECT_EQ(config->name, name);
    EXPECT_EQ(config->role, validator ? node::NodeRole::kValidator : node::NodeRole::kObserver);
    EXPECT_EQ(fs::path(config->data_dir), (net / "data" / name).lexically_normal());
    EXPECT_EQ(fs::path(config->genesis_file), (net / "genesis.json").lexically_normal());
    EXPECT_EQ(fs::path(config->alliance_secret_file), (net / "secrets/alliance.secret").lexically_normal());
    auto own = crypto::LoadKeyFile(config->key_file);
    ASSERT_TRUE(own.ok()) << own.status().ToString();
    EXPECT_EQ(own->public_key(), node_keys[name]);
    const std::string member =
        validator ? "member-" + std::to_string(k) : (name == "observer-0" ? "regulator-0" : "");
    EXPECT_EQ(config->member_id, member) << name;
    if (!member.empty()) {
      EXPECT_EQ(fs::path(config->member_key_file), (net / "keys" / (member + ".key")).lexically_normal());
    }
    EXPECT_EQ(config->p2p_listen.ToString(), "127.0.0.1:" + std::to_string(31000 + k));
    EXPECT_EQ(config->http_listen.ToString(), "127.0.0.1:" + std::to_string(31100 + k));
    // Every other node is a peer, with its key and a dialable address (observers too).
    ASSERT_EQ(config->peers.size(), names.size() - 1) << name;
    for (const auto& peer : config->peers) {
      ASSERT_TRUE(node_keys.count(peer.name)) << peer.name;
      EXPECT_NE(peer.name, name);
      EXPECT_EQ(peer.public_key, node_keys[peer.name]);
      const size_t peer_index = std::find(names.begin(), names.end(), peer.name) - names.begin();
      EXPECT_EQ(peer.address.ToString(), "127.0.0.1:" + std::to_string(31000 + peer_index));
    }
  }
}

TEST(NetworkInit, SecretsAreWrittenWithMode0600AndRefusedOtherwise) {
  TempDir dir;
  const fs::path net = InitNetwork(dir, 4, 1, 31200);
  int key_files = 0;
  for (const auto& e : fs::directory_iterator(net / "keys")) {
    EXPECT_EQ(ModeOf(e.path()), 0600u) << e.path();
    EXPECT_TRUE(crypto::LoadKeyFile(e.path().string()).ok()) << e.path();
    ++key_files;
  }
  EXPECT_EQ(key_files, 5 + 5);  // 5 node keys, 4 member keys and the regulator's
  EXPECT_EQ(ModeOf(net / "secrets/alliance.secret"), 0600u);
  EXPECT_EQ(ModeOf(net / "tokens.json"), 0600u);
  auto secret = crypto::LoadSecretFile((net / "secrets/alliance.secret").string());
  ASSERT_TRUE(secret.ok()) << secret.status().ToString();
  EXPECT_EQ(secret->size(), 32u);

  // A key left readable by others (as a plain `git checkout` leaves it) is refused.
  const fs::path key = net / "keys/validator-0.key";
  fs::permissions(
      key, fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read | fs::perms::others_read);
  auto loaded = crypto::LoadKeyFile(key.string());
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.status().code(), "permissions");
  const std::string readme = ReadFile(net / "README.txt");
  EXPECT_TRUE(Contains(readme, "TEST-ONLY KEYS")) << readme;
  EXPECT_TRUE(Contains(readme, "chmod 600")) << readme;
  EXPECT_TRUE(Contains(ReadFile(net / ".gitignore"), "data/"));
}

TEST(NetworkInit, TokensJsonHoldsTheTokensWhoseHashesEveryConfigAccepts) {
  TempDir dir;
  const fs::path net = InitNetwork(dir, 2, 1, 31300);
  const nlohmann::json tokens = nlohmann::json::parse(ReadFile(net / "tokens.json"));
  const std::vector<std::string> roles = {"admin", "writer", "reader", "regulator"};
  ASSERT_EQ(tokens.size(), roles.size());
  std::set<std::string> distinct;
  for (const auto& role : roles) {
    ASSERT_TRUE(tokens.contains(role) && tokens[role].is_string()) << role;
    distinct.insert(tokens[role].get<std::string>());
  }
  EXPECT_EQ(distinct.size(), roles.size());
  for (const auto& name : NodeNames(2, 1)) {
    auto config = node::LoadNodeConfig((net / ("node-" + name + ".json")).string());
    ASSERT_TRUE(config.ok()) << config.status().ToString();
    ASSERT_EQ(config->api_tokens.size(), roles.size());
    std::vector<http::TokenEntry> entries;
    for (const auto& t : config->api_tokens) {
      ASSERT_TRUE(tokens.contains(t.role)) << t.role;
      EXPECT_EQ(t.token_hash, crypto::HashApiToken(tokens[t.role].get<std::string>()))
          << name << " " << t.role;
      entries.push_back(http::TokenEntry{t.name, *http::ParseRole(t.role), t.token_hash});
    }
    auto store = http::TokenStore::Create(entries);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    for (const auto& role : roles) {
      const std::string header = "Bearer " + tokens[role].get<std::string>();
      auto principal = store->Authenticate(header);
      ASSERT_TRUE(principal.ok()) << role;
    }
  }
}

TEST(NetworkInit, AllPortsAreDistinct) {
  TempDir dir;
  const fs::path net = InitNetwork(dir, 7, 3, 32000);
  std::set<uint16_t> ports;
  size_t count = 0;
  for (const auto& name : NodeNames(7, 3)) {
    auto config = node::LoadNodeConfig((net / ("node-" + name + ".json")).string());
    ASSERT_TRUE(config.ok()) << config.status().ToString();
    ports.insert(config->p2p_listen.port);
    ports.insert(config->http_listen.port);
    count += 2;
  }
  EXPECT_EQ(ports.size(), count);
}

TEST(NetworkInit, RefusesToOverwriteUnlessForced) {
  TempDir dir;
  const fs::path net = InitNetwork(dir, 1, 0, 31400);
  const std::string genesis = ReadFile(net / "genesis.json");
  const std::string key = ReadFile(net / "keys/validator-0.key");
  fs::create_directories(net / "data/validator-0");
  std::ofstream(net / "notes.txt") << "operator notes\n";

  ProcessResult r =
      Ctl({"network", "init", "--validators", "1", "--out", net.string(), "--base-port", "31400"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(Contains(r.err, "exists")) << r.err;
  EXPECT_EQ(ReadFile(net / "genesis.json"), genesis);
  EXPECT_EQ(ReadFile(net / "keys/validator-0.key"), key);
  EXPECT_TRUE(fs::exists(net / "data/validator-0"));

  r = Ctl({"network", "init", "--validators", "1", "--out", net.string(), "--base-port", "31400", "--force"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(ReadFile(net / "genesis.json"), genesis);
  EXPECT_NE(ReadFile(net / "keys/validator-0.key"), key);
  EXPECT_FALSE(fs::exists(net / "data")) << "node data of the replaced genesis must go";
  EXPECT_EQ(ReadFile(net / "notes.txt"), "operator notes\n");
  EXPECT_TRUE(node::LoadNodeConfig((net / "node-validator-0.json").string()).ok());

  // An existing but empty folder is fine without --force.
  const fs::path empty = fs::path(dir.path()) / "empty";
  fs::create_directories(empty);
  r = Ctl({"network", "init", "--validators", "1", "--out", empty.string(), "--base-port", "31400"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

TEST(NetworkInit, OneValidatorAndNoObserversStillNamesARegulator) {
  TempDir dir;
  const fs::path net = InitNetwork(dir, 1, 0, 31500, {"--chain-id", "test-chain-7"});
  auto genesis = contracts::ParseGenesis(ReadFile(net / "genesis.json"));
  ASSERT_TRUE(genesis.ok()) << genesis.status().ToString();
  EXPECT_EQ(genesis->chain_id, "test-chain-7");
  ASSERT_EQ(genesis->members.size(), 2u);
  EXPECT_EQ(genesis->members[1].role, pb::ROLE_REGULATOR);
  auto config = node::LoadNodeConfig((net / "node-validator-0.json").string());
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_TRUE(config->peers.empty());
}

TEST(NetworkInit, BadArgumentsExitTwoWithUsageAndWriteNothing) {
  TempDir dir;
  const std::string out = dir.Sub("net");
  const std::vector<std::vector<std::string>> bad = {
      {"--out", out, "--base-port", "31600"},                          // no --validators
      {"--validators", "0", "--out", out, "--base-port", "31600"},     // too few
      {"--validators", "four", "--out", out, "--base-port", "31600"},  // not a number
      {"--validators", "4", "--base-port", "31600"},                   // no --out
      {"--validators", "4", "--out", out},                             // no --base-port
      {"--validators", "4", "--out", out, "--base-port", "80"},        // privileged
      {"--validators", "4", "--out", out, "--base-port", "65500"},     // http ports overflow
      {"--validators", "60", "--observers", "50", "--out", out, "--base-port", "31600"},  // > 100 nodes
      {"--validators", "4", "--out", out, "--base-port", "31600", "--chain-id", "has space"},
      {"--validators", "4", "--out", out, "--base-port", "31600", "--colour", "red"},
      {"--validators", "4", "--out", out, "--base-port", "31600", "extra"},
  };
  for (const auto& flags : bad) {
    std::vector<std::string> args = {"network", "init"};
    args.insert(args.end(), flags.begin(), flags.end());
    const ProcessResult r = Ctl(args);
    std::string joined;
    for (const auto& f : flags) joined += f + " ";
    EXPECT_EQ(r.exit_code, 2) << joined << "\n" << r.err;
    EXPECT_TRUE(Contains(r.err, "usage: creditctl network init")) << joined << "\n" << r.err;
    EXPECT_FALSE(fs::exists(out)) << joined;
  }
  const ProcessResult group = Ctl({"network"});
  EXPECT_EQ(group.exit_code, 2);
  EXPECT_TRUE(Contains(group.err, "usage: creditctl network init")) << group.err;
}

TEST(TokenCreate, PrintsATokenWhoseHashIsTheConfigEntry) {
  ProcessResult r = Ctl({"token", "create", "--role", "reader", "--name", "risk-scoring"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::string token, hash;
  std::istringstream lines(r.out);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("token: ", 0) == 0) token = line.substr(7);
    if (line.rfind("hash:  ", 0) == 0) hash = line.substr(7);
  }
  ASSERT_EQ(token.size(), 3u + 64u) << r.out;
  EXPECT_EQ(token.rfind("cc_", 0), 0u);
  EXPECT_EQ(hash, crypto::HashApiToken(token));
  const size_t brace = r.out.find('{');
  const size_t close = r.out.rfind('}');
  ASSERT_NE(brace, std::string::npos);
  const nlohmann::json entry = nlohmann::json::parse(r.out.substr(brace, close - brace + 1));
  EXPECT_EQ(entry["name"], "risk-scoring");
  EXPECT_EQ(entry["role"], "reader");
  EXPECT_EQ(entry["token_hash"], hash);
  // The entry is what a node config accepts.
  auto store = http::TokenStore::Create({{"risk-scoring", http::Role::kReader, hash}});
  ASSERT_TRUE(store.ok());
  EXPECT_TRUE(store->Authenticate("Bearer " + token).ok());

  EXPECT_NE(Ctl({"token", "create", "--role", "reader"}).out, r.out) << "tokens must be fresh";
  r = Ctl({"token", "create", "--role", "superuser"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(Contains(r.err, "usage: creditctl token create")) << r.err;
  EXPECT_EQ(Ctl({"token", "create"}).exit_code, 2);
}

}  // namespace
}  // namespace cc::cli
