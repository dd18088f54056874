#include "cli/bench_network.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli/http_client.h"
#include "contracts/genesis.h"

namespace cc::cli {

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

Result<std::string> ReadText(const fs::path& path) {
  std::ifstream in(path);
  if (!in) return Status::Error("io", path.string() + ": cannot open");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Result<json> ReadJson(const fs::path& path) {
  auto text = ReadText(path);
  if (!text.ok()) return text.status();
  json j = json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object())
    return Status::Error("format", path.string() + ": not a JSON object");
  return j;
}

Result<BenchNode> ReadNode(const fs::path& path) {
  auto j = ReadJson(path);
  if (!j.ok()) return j.status();
  BenchNode node;
  if (!(*j)["name"].is_string() || !(*j)["role"].is_string() || !(*j)["http_listen"].is_string()) {
    return Status::Error("format", path.string() + ": name, role and http_listen must be strings");
  }
  node.name = (*j)["name"].get<std::string>();
  node.validator = (*j)["role"].get<std::string>() == "validator";
  auto url = ParseHttpUrl((*j)["http_listen"].get<std::string>());
  if (!url.ok()) return Status::Error("format", path.string() + ": http_listen: " + url.status().message());
  node.host = url->host == "0.0.0.0" ? "127.0.0.1" : url->host;
  node.http_port = url->port;
  return node;
}

}  // namespace

Result<BenchNetwork> LoadBenchNetwork(const std::string& dir_text) {
  const fs::path dir(dir_text);
  BenchNetwork net;
  net.dir = dir_text;
  auto genesis_text = ReadText(dir / "genesis.json");
  if (!genesis_text.ok()) return genesis_text.status();
  auto genesis = contracts::ParseGenesis(*genesis_text);
  if (!genesis.ok()) return genesis.status();
  net.chain_id = genesis->chain_id;
  net.max_validity_window_ms = genesis->params.max_validity_window_ms;

  auto tokens = ReadJson(dir / "tokens.json");
  if (!tokens.ok()) return tokens.status();
  for (const char* role : {"writer", "admin"}) {
    if (tokens->contains(role) && (*tokens)[role].is_string()) {
      net.token = (*tokens)[role].get<std::string>();
      break;
    }
  }
  if (net.token.empty()) return Status::Error("format", (dir / "tokens.json").string() + ": no writer token");

  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string f = entry.path().filename().string();
    if (f.rfind("node-", 0) != 0 || entry.path().extension() != ".json") continue;
    auto node = ReadNode(entry.path());
    if (!node.ok()) return node.status();
    net.nodes.push_back(*node);
  }
  if (ec) return Status::Error("io", dir_text + ": " + ec.message());
  std::sort(net.nodes.begin(), net.nodes.end(), [](const BenchNode& a, const BenchNode& b) {
    if (a.validator != b.validator) return a.validator;
    return a.http_port < b.http_port;
  });
  if (net.nodes.empty() || !net.nodes[0].validator) {
    return Status::Error("format", dir_text + ": no validator node-*.json");
  }

  for (const auto& m : genesis->members) {
    if (m.role != pb::ROLE_MEMBER) continue;
    const fs::path key_path = dir / "keys" / (m.id + ".key");
    if (!fs::exists(key_path, ec)) continue;
    auto key = crypto::LoadKeyFile(key_path.string());
    if (!key.ok()) return key.status();
    if (key->public_key() != m.public_key) {
      return Status::Error("format", key_path.string() + ": does not match the genesis key of " + m.id);
    }
    net.members.push_back(BenchMember{m.id, *key});
  }
  if (net.members.empty()) return Status::Error("format", dir_text + "/keys: no member key file");
  return net;
}

Result<std::vector<BenchNode>> SelectNodes(const BenchNetwork& net, const std::string& list) {
  std::vector<BenchNode> out;
  if (list == "all") {
    for (const auto& n : net.nodes) {
      if (n.validator) out.push_back(n);
    }
    return out;
  }
  size_t start = 0;
  while (start <= list.size()) {
    const size_t comma = std::min(list.find(',', start), list.size());
    const std::string name = list.substr(start, comma - start);
    start = comma + 1;
    auto it =
        std::find_if(net.nodes.begin(), net.nodes.end(), [&](const BenchNode& n) { return n.name == name; });
    if (it == net.nodes.end()) return Status::Error("usage", "--nodes: no node named '" + name + "'");
    out.push_back(*it);
  }
  return out;
}

}  // namespace cc::cli
