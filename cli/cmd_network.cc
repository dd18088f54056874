// Network set-up: `network init` writes a ready-to-run network folder (keys, alliance
// secret, genesis, one creditd config per node, API tokens, README).
//
// Everything is generated in memory and checked (the genesis is validated) before
// the first file is written, so a bad argument leaves nothing behind. Secrets (node
// and member keys, the alliance secret, tokens.json) are written with mode 0600.
// Layout and naming follow docs/configuration.md and node/config.h.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/command.h"
#include "cli/tx_builder.h"
#include "common/hex.h"
#include "contracts/genesis.h"
#include "crypto/api_token.h"
#include "crypto/keys.h"

namespace cc::cli {
namespace {

namespace fs = std::filesystem;
using ordered_json = nlohmann::ordered_json;

constexpr const char* kNetworkCmd = "network init";
constexpr const char* kTokenRoles[] = {"admin", "writer", "reader", "regulator"};
constexpr uint32_t kMaxNodes = 100;  // http ports sit 100 above the p2p ports

Result<uint64_t> ParseUintFlag(const Args& args, const std::string& flag, uint64_t min, uint64_t max,
                               std::optional<uint64_t> fallback) {
  auto v = args.Get(flag);
  if (!v) {
    if (fallback) return *fallback;
    return Status::Error("usage", "missing --" + flag);
  }
  uint64_t n = 0;
  bool ok = !v->empty() && v->size() <= 19;
  for (char c : *v) {
    ok = ok && c >= '0' && c <= '9';
    if (ok) n = n * 10 + static_cast<uint64_t>(c - '0');
  }
  if (!ok || n < min || n > max) {
    return Status::Error("usage", "--" + flag + ": expected an integer from " + std::to_string(min) + " to " +
                                      std::to_string(max) + ", got '" + *v + "'");
  }
  return n;
}

Status WriteFile(const std::string& path, const std::string& content, mode_t mode) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) {
    return Status::Error(errno == EEXIST ? "exists" : "io", path + ": " + std::strerror(errno));
  }
  size_t off = 0;
  while (off < content.size()) {
    const ssize_t n = ::write(fd, content.data() + off, content.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const std::string err = std::strerror(errno);
      ::close(fd);
      return Status::Error("io", std::string(path).append(": ").append(err));
    }
    off += static_cast<size_t>(n);
  }
  if (::fchmod(fd, mode) != 0 || ::close(fd) != 0)
    return Status::Error("io", path + ": " + std::strerror(errno));
  return Status::Ok();
}

struct NodePlan {
  std::string name;  // validator-i | observer-j
  bool validator = true;
  crypto::KeyPair key = crypto::KeyPair::Generate();
  std::string member_id;  // "" when the node serves no member
  uint16_t p2p_port = 0;
  uint16_t http_port = 0;
};

struct MemberPlan {
  std::string id;
  crypto::KeyPair key = crypto::KeyPair::Generate();
};

struct TokenPlan {
  std::string role;
  std::string token;
};

ordered_json ConsensusTuningJson() {
  // Four validators on a shared 2-core machine: 10 ms ticks and a one-tick batch
  // timeout keep latency low when idle; large batches and 4 batches in flight give
  // throughput under load; a 5 s request timer (not the 3 s default) avoids view
  // changes caused only by CPU contention.
  return ordered_json{{"tick_ms", 10},
                      {"checkpoint_interval", 32},
                      {"watermark_window", 256},
                      {"max_inflight", 4},
                      {"max_batch_requests", 2000},
                      {"max_batch_bytes", 4u << 20},
                      {"batch_timeout_ticks", 1},
                      {"view_change_timeout_ticks", 500}};
}

ordered_json NodeConfigJson(const NodePlan& node, const std::vector<NodePlan>& all,
                            const std::vector<TokenPlan>& tokens) {
  ordered_json c;
  c["name"] = node.name;
  c["role"] = node.validator ? "validator" : "observer";
  c["data_dir"] = "data/" + node.name;
  c["key_file"] = "keys/" + node.name + ".key";
  c["genesis_file"] = "genesis.json";
  c["alliance_secret_file"] = "secrets/alliance.secret";
  if (!node.member_id.empty()) {
    c["member_id"] = node.member_id;
    c["member_key_file"] = "keys/" + node.member_id + ".key";
  }
  c["p2p_listen"] = "127.0.0.1:" + std::to_string(node.p2p_port);
  c["http_listen"] = "127.0.0.1:" + std::to_string(node.http_port);
  c["log_level"] = "info";
  ordered_json peers = ordered_json::array();
  for (const auto& p : all) {
    if (p.name == node.name) continue;
    peers.push_back({{"name", p.name},
                     {"public_key", ToHex(p.key.public_key())},
                     {"address", "127.0.0.1:" + std::to_string(p.p2p_port)}});
  }
  c["peers"] = peers;
  ordered_json api = ordered_json::array();
  for (const auto& t : tokens) {
    api.push_back({{"name", t.role}, {"role", t.role}, {"token_hash", crypto::HashApiToken(t.token)}});
  }
  c["api_tokens"] = api;
  if (node.validator) c["consensus"] = ConsensusTuningJson();
  return c;
}

std::string ReadmeText(const std::string& chain_id, const std::vector<NodePlan>& nodes,
                       const std::vector<MemberPlan>& members) {
  std::string r;
  r += "CreditChain network '" + chain_id + "', generated by `creditctl network init`.\n\n";
  r += "TEST-ONLY KEYS -- never use in production. Every private key, the alliance secret\n";
  r += "and the API tokens of this network are in this folder (and, for network-configs/,\n";
  r += "in the public repository). Generate a fresh network for anything real.\n\n";
  r += "Files\n";
  r += "  genesis.json              members, validators (with their operators) and alliance\n";
  r += "                            parameters; identical on every node\n";
  r += "  node-<name>.json          the creditd config of one node (node/config.h,\n";
  r += "                            docs/configuration.md); relative paths resolve against\n";
  r += "                            this folder\n";
  r += "  keys/<node>.key           Ed25519 node identity (P2P and, for validators, consensus votes)\n";
  r += "  keys/<member>.key         Ed25519 member key: signs the member's transactions\n";
  r += "  secrets/alliance.secret   32-byte alliance secret for subject keys\n";
  r += "  tokens.json               plaintext API bearer tokens, one per role; configs hold\n";
  r += "                            only their BLAKE2b-256 hashes\n";
  r += "  data/<name>/              node databases, created at start (never committed)\n\n";
  r += "Key files and secrets must have mode 0600 (creditd refuses others). Git does not\n";
  r += "keep file modes: after a fresh checkout run\n";
  r += "  chmod 600 keys/*.key secrets/alliance.secret tokens.json\n\n";
  r += "Nodes\n";
  for (const auto& n : nodes) {
    r += "  " + n.name + (n.name.size() < 14 ? std::string(14 - n.name.size(), ' ') : " ") +
         "p2p 127.0.0.1:" + std::to_string(n.p2p_port) + "  http 127.0.0.1:" + std::to_string(n.http_port) +
         (n.member_id.empty() ? "" : "  member " + n.member_id) + "\n";
  }
  r += "\nMembers\n";
  for (const auto& m : members) r += "  " + m.id + "  " + ToHex(m.key.public_key()) + "\n";
  r += "\nStart\n";
  r += "  ./run.sh                                   (from the repository root: local-4)\n";
  r += "  scripts/local-net.sh <this folder>         (any network folder)\n";
  r += "Load\n";
  r += "  build/cli/creditctl bench --network <this folder> --rate 2000 --duration 10\n";
  return r;
}

// Empties `dir` of what a previous `network init` wrote (and the node data that
// belongs to that network's genesis). Other files are left alone.
Status RemovePreviousNetwork(const fs::path& dir) {
  std::error_code ec;
  for (const char* sub : {"keys", "secrets", "data"}) {
    fs::remove_all(dir / sub, ec);
    if (ec) return Status::Error("io", (dir / sub).string() + ": " + ec.message());
  }
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string f = entry.path().filename().string();
    const bool ours = f == "genesis.json" || f == "tokens.json" || f == "README.txt" || f == ".gitignore" ||
                      (f.rfind("node-", 0) == 0 && entry.path().extension() == ".json");
    if (ours && !fs::remove(entry.path(), ec))
      return Status::Error("io", entry.path().string() + ": " + ec.message());
  }
  if (ec) return Status::Error("io", dir.string() + ": " + ec.message());
  return Status::Ok();
}

Status PrepareDir(const fs::path& dir, bool force) {
  std::error_code ec;
  if (fs::exists(dir, ec)) {
    if (!fs::is_directory(dir, ec))
      return Status::Error("exists", dir.string() + " exists and is not a directory");
    if (!fs::is_empty(dir, ec)) {
      if (!force) {
        return Status::Error("exists", dir.string() +
                                           " already exists and is not empty; --force replaces the "
                                           "network in it (its keys, configs and node data)");
      }
      CC_RETURN_IF_ERROR(RemovePreviousNetwork(dir));
    }
  }
  for (const char* sub : {"keys", "secrets"}) {
    fs::create_directories(dir / sub, ec);
    if (ec) return Status::Error("io", (dir / sub).string() + ": " + ec.message());
    fs::permissions(dir / sub, fs::perms::owner_all, ec);
  }
  return Status::Ok();
}

int NetworkInit(const Args& args) {
  auto validators = ParseUintFlag(args, "validators", 1, 64, std::nullopt);
  if (!validators.ok()) return ReportError(kNetworkCmd, validators.status());
  auto observers = ParseUintFlag(args, "observers", 0, 64, 0);
  if (!observers.ok()) return ReportError(kNetworkCmd, observers.status());
  const uint32_t total = static_cast<uint32_t>(*validators + *observers);
  if (total > kMaxNodes) return ReportError(kNetworkCmd, Status::Error("usage", "at most 100 nodes"));
  auto base = ParseUintFlag(args, "base-port", 1024, 65535 - 100 - (total - 1), std::nullopt);
  if (!base.ok()) return ReportError(kNetworkCmd, base.status());
  auto out = args.Require("out");
  if (!out.ok()) return ReportError(kNetworkCmd, out.status());
  if (!args.positional().empty()) {
    return ReportError(kNetworkCmd,
                       Status::Error("usage", "unexpected argument '" + args.positional()[0] + "'"));
  }
  const std::string chain_id = args.Get("chain-id").value_or("creditchain-local");

  // Plan everything in memory.
  std::vector<NodePlan> nodes(total);
  std::vector<MemberPlan> members;
  for (uint32_t k = 0; k < total; ++k) {
    NodePlan& n = nodes[k];
    n.validator = k < *validators;
    n.name = n.validator ? "validator-" + std::to_string(k) : "observer-" + std::to_string(k - *validators);
    n.p2p_port = static_cast<uint16_t>(*base + k);
    n.http_port = static_cast<uint16_t>(*base + 100 + k);
    if (n.validator) {
      n.member_id = "member-" + std::to_string(k);
      members.push_back(MemberPlan{n.member_id});
    }
  }
  members.push_back(MemberPlan{"regulator-0"});
  if (*observers > 0) nodes[*validators].member_id = "regulator-0";

  contracts::Genesis genesis;
  genesis.chain_id = chain_id;
  genesis.genesis_time_ms = NowMs() / kMsPerDay * kMsPerDay;
  for (const auto& m : members) {
    const bool regulator = m.id.rfind("regulator-", 0) == 0;
    const std::string number = m.id.substr(m.id.find('-') + 1);
    genesis.members.push_back(contracts::GenesisMember{m.id, (regulator ? "Regulator " : "Member ") + number,
                                                       m.key.public_key(),
                                                       regulator ? pb::ROLE_REGULATOR : pb::ROLE_MEMBER});
  }
  for (uint32_t i = 0; i < *validators; ++i) {
    genesis.validators.push_back(contracts::GenesisValidator{nodes[i].key.public_key(), nodes[i].member_id});
  }
  if (Status s = contracts::ValidateGenesis(genesis); !s.ok()) {
    return ReportError(kNetworkCmd, Status::Error("usage", s.message()));
  }
  std::vector<TokenPlan> tokens;
  for (const char* role : kTokenRoles) tokens.push_back(TokenPlan{role, crypto::GenerateApiToken()});

  // Write.
  const fs::path dir(*out);
  if (Status s = PrepareDir(dir, args.Has("force")); !s.ok()) return ReportError(kNetworkCmd, s);
  auto write = [&](const std::string& rel, const std::string& content, mode_t mode) {
    return WriteFile((dir / rel).string(), content, mode);
  };
  Status s = crypto::SaveSecretFile((dir / "secrets/alliance.secret").string(), crypto::RandomBytes(32));
  for (const auto& n : nodes) {
    if (s.ok()) s = crypto::SaveKeyFile((dir / "keys" / (n.name + ".key")).string(), n.key);
  }
  for (const auto& m : members) {
    if (s.ok()) s = crypto::SaveKeyFile((dir / "keys" / (m.id + ".key")).string(), m.key);
  }
  if (s.ok()) s = write("genesis.json", contracts::GenesisToJson(genesis), 0644);
  for (const auto& n : nodes) {
    if (s.ok()) s = write("node-" + n.name + ".json", NodeConfigJson(n, nodes, tokens).dump(2) + "\n", 0644);
  }
  ordered_json token_file;
  for (const auto& t : tokens) token_file[t.role] = t.token;
  if (s.ok()) s = write("tokens.json", token_file.dump(2) + "\n", 0600);
  if (s.ok()) s = write("README.txt", ReadmeText(chain_id, nodes, members), 0644);
  if (s.ok())
    s = write(".gitignore", "# Node databases are created at start and never committed.\ndata/\n", 0644);
  if (!s.ok()) return ReportError(kNetworkCmd, s);

  std::cout << "wrote network '" << chain_id << "' to " << dir.string() << ": " << *validators
            << " validators, " << *observers << " observers\n";
  for (const auto& n : nodes) {
    std::cout << "  " << n.name << "  p2p 127.0.0.1:" << n.p2p_port << "  http 127.0.0.1:" << n.http_port
              << "\n";
  }
  std::cout << "API tokens: " << (dir / "tokens.json").string() << " (TEST-ONLY keys; see README.txt)\n";
  return kExitOk;
}

}  // namespace

std::vector<Command> NetworkCommands() {
  return {
      {"network init", "--validators N [--observers M] --out DIR --base-port P [--chain-id ID] [--force]",
       "write a ready network into DIR: node and member keys, alliance secret, genesis.json, "
       "node-<name>.json per node (p2p on P+k, http on P+100+k), tokens.json and README.txt; "
       "refuses a non-empty DIR unless --force, which replaces the previous network there "
       "(keys, configs and node data)",
       FlagSpec{{"validators", "observers", "out", "base-port", "chain-id"}, {"force"}}, NetworkInit},
  };
}

}  // namespace cc::cli
