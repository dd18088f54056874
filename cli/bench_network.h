// BenchNetwork: what `creditctl bench` needs from a network folder written by
// `creditctl network init`: the chain id and members (genesis.json), the member
// keys (keys/<member>.key, checked against genesis), each node's HTTP address and
// role (node-*.json), and the writer API token (tokens.json).
//
// Thread safety: a plain value.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "crypto/keys.h"

namespace cc::cli {

struct BenchNode {
  std::string name;
  bool validator = false;
  std::string host;
  uint16_t http_port = 0;
};

struct BenchMember {
  std::string id;
  crypto::KeyPair key;
};

struct BenchNetwork {
  std::string dir;
  std::string chain_id;
  uint64_t max_validity_window_ms = 0;
  std::string token;                 // "writer" from tokens.json (else "admin")
  std::vector<BenchNode> nodes;      // validators first, each group by http port
  std::vector<BenchMember> members;  // role member, with a key file in keys/
};

// Codes: "io" (a file is missing or unreadable), "format" (bad JSON, no validators,
// no member key, a key that does not match genesis), plus ParseGenesis' codes.
Result<BenchNetwork> LoadBenchNetwork(const std::string& dir);

// The nodes named by `list` ("all": every validator; else comma-separated names).
// Code "usage" for an unknown name or an empty selection.
Result<std::vector<BenchNode>> SelectNodes(const BenchNetwork& net, const std::string& list);

}  // namespace cc::cli
