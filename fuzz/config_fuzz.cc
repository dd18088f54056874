// Node configuration files (node/config.h ParseNodeConfig), as creditd reads them at
// start. The input is the file's bytes.
//
// Whatever ParseNodeConfig accepts must not crash the node while it builds itself
// from it: every path is resolved against the config's directory, every token role
// parses, the token store and the P2P transport validate (or refuse with their
// code), the peer links map peers to validators, the consensus tuning makes a
// replica configuration the replica accepts (it aborts on an invalid one), and the
// size limits agree with each other (see CheckNodeBuildsFrom). A refused file is
// refused with code "config".
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/hex.h"
#include "common/log.h"
#include "consensus/replica.h"
#include "fuzz/fuzz_chain.h"
#include "fuzz/fuzz_input.h"
#include "http/auth.h"
#include "node/config.h"
#include "node/mempool.h"
#include "node/peer_links.h"
#include "p2p/transport.h"

namespace cc::fuzz {
namespace {

constexpr const char* kConfigPath = "/srv/creditchain/network/node.json";
// Bytes a frame carrying a batch may need beyond its requests and their framing: the
// pre-prepare's or block's fixed fields and a commit certificate.
constexpr uint64_t kFrameHeadroom = 64 * 1024;

class NullSigner final : public consensus::Signer {
 public:
  std::string Sign(std::string_view) override { return std::string(64, 's'); }
};
class NullVerifier final : public consensus::Verifier {
 public:
  bool Verify(uint32_t, std::string_view, std::string_view) override { return false; }
};

void CheckNodeBuildsFrom(const node::NodeConfig& c) {
  FUZZ_CHECK(c.path == kConfigPath);
  for (const std::string* p :
       {&c.data_dir, &c.key_file, &c.genesis_file, &c.alliance_secret_file, &c.member_key_file}) {
    FUZZ_CHECK(p->empty() || p->front() == '/');
  }
  (void)ParseLogLevel(c.log_level);

  std::vector<http::TokenEntry> entries;
  for (const auto& t : c.api_tokens) {
    auto role = http::ParseRole(t.role);
    FUZZ_CHECK(role.has_value());
    entries.push_back(http::TokenEntry{t.name, *role, t.token_hash});
  }
  auto tokens = http::TokenStore::Create(std::move(entries));
  FUZZ_CHECK(tokens.ok() || tokens.status().code() == "invalid_config");

  std::vector<p2p::PeerConfig> peers;
  for (const auto& p : c.peers) {
    FUZZ_CHECK(p.public_key.size() == 32);
    peers.push_back(p2p::PeerConfig{p.public_key, p.address.host, p.address.port});
  }
  p2p::TransportOptions topts;
  topts.chain_id = kFuzzChainId;
  topts.listen = c.p2p_listen.port != 0;
  topts.listen_host = c.p2p_listen.host.empty() ? "127.0.0.1" : c.p2p_listen.host;
  topts.listen_port = c.p2p_listen.port;
  auto transport = p2p::Transport::Create(ValidatorKey(0), std::move(peers), topts);
  if (transport.ok()) {
    const std::vector<std::string> validators = ValidatorPublicKeys();
    node::PeerLinks links(**transport, c.peers, validators);
    for (size_t i = 0; i < c.peers.size(); ++i) {
      if (auto v = links.ValidatorOf(i)) FUZZ_CHECK(c.peers[i].public_key == validators.at(*v));
    }
  } else {
    FUZZ_CHECK(transport.status().code() == "invalid_config");
  }

  const consensus::Config rc = node::ReplicaConfigOf(c.consensus, kFuzzChainId, 4, 0);
  NullSigner signer;
  NullVerifier verifier;
  consensus::Replica replica(rc, signer, verifier);
  FUZZ_CHECK(!replica.stats().in_view_change);

  FakeClock clock(kFuzzGenesisMs);
  node::Mempool mempool(c.mempool.max_txs, c.mempool.max_bytes, clock);
  FUZZ_CHECK(!mempool.full());

  // The limits must agree with each other, or the node accepts work it can never do:
  // a transaction admission accepts must fit in a batch (the replica drops a larger
  // request, so it would be acknowledged and never committed), and a full batch, as
  // a pre-prepare or as a block in a block-sync answer, must fit in one P2P frame
  // (the transport refuses a larger one, so the batch could never be sent).
  FUZZ_CHECK(c.mempool.max_tx_bytes <= c.consensus.max_batch_bytes);
  const uint64_t largest_batch_frame =
      uint64_t{c.consensus.max_batch_bytes} + 6 * uint64_t{c.consensus.max_batch_requests} + kFrameHeadroom;
  FUZZ_CHECK(largest_batch_frame <= p2p::TransportOptions{}.max_frame_size);
}

nlohmann::json ValidatorConfig() {
  using nlohmann::json;
  json peers = json::array();
  for (uint32_t i = 1; i < 4; ++i) {
    peers.push_back({{"name", "validator-" + std::to_string(i)},
                     {"public_key", ToHex(ValidatorKey(i).public_key())},
                     {"address", "127.0.0.1:2660" + std::to_string(i)}});
  }
  peers.push_back({{"name", "observer-0"},
                   {"public_key", ToHex(KeyFor("observer-0").public_key())},
                   {"address", "127.0.0.1:26604"}});
  return {{"name", "validator-0"},
          {"role", "validator"},
          {"data_dir", "data/validator-0"},
          {"key_file", "keys/validator-0.key"},
          {"genesis_file", "genesis.json"},
          {"alliance_secret_file", "secrets/alliance.secret"},
          {"member_id", "bank-a"},
          {"member_key_file", "keys/bank-a.key"},
          {"p2p_listen", "127.0.0.1:26600"},
          {"http_listen", "127.0.0.1:26700"},
          {"log_level", "info"},
          {"alert_webhook_url", "http://127.0.0.1:9000/alerts"},
          {"peers", peers},
          {"api_tokens",
           json::array({{{"name", "admin"}, {"role", "admin"}, {"token_hash", std::string(64, 'a')}},
                        {{"name", "writer"}, {"role", "writer"}, {"token_hash", std::string(64, 'b')}}})},
          {"consensus",
           {{"tick_ms", 10},
            {"checkpoint_interval", 32},
            {"watermark_window", 256},
            {"max_inflight", 4},
            {"max_batch_requests", 2000},
            {"max_batch_bytes", 4194304},
            {"batch_timeout_ticks", 1},
            {"view_change_timeout_ticks", 500}}},
          {"mempool",
           {{"max_txs", 1000}, {"max_bytes", 1 << 20}, {"max_tx_bytes", 65536}, {"verify_threads", 2}}}};
}

}  // namespace

std::vector<Seed> FuzzSeeds() {
  std::vector<Seed> seeds;
  nlohmann::json validator = ValidatorConfig();
  seeds.emplace_back("valid_validator.json", validator.dump(2));
  nlohmann::json observer = validator;
  observer["name"] = "observer-0";
  observer["role"] = "observer";
  observer.erase("p2p_listen");
  observer.erase("consensus");
  observer.erase("alert_webhook_url");
  seeds.emplace_back("valid_observer.json", observer.dump(2));
  nlohmann::json small = validator;
  small["consensus"] = {
      {"checkpoint_interval", 1}, {"watermark_window", 2}, {"view_change_timeout_ticks", 2}};
  seeds.emplace_back("valid_small_windows.json", small.dump());
  nlohmann::json odd = validator;
  odd["consensus"]["watermark_window"] = 100;
  seeds.emplace_back("bad_window_not_multiple.json", odd.dump());
  nlohmann::json self_peer = validator;
  self_peer["peers"][0]["public_key"] = ToHex(ValidatorKey(0).public_key());
  seeds.emplace_back("own_key_in_peers.json", self_peer.dump());
  seeds.emplace_back("bad_not_json.json", "{\"name\": ");
  return seeds;
}

}  // namespace cc::fuzz

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  cc::SetLogLevel(cc::LogLevel::kError);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace cc;
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto config = node::ParseNodeConfig(text, fuzz::kConfigPath);
  if (!config.ok()) {
    FUZZ_CHECK(config.status().code() == "config");
    return 0;
  }
  fuzz::CheckNodeBuildsFrom(*config);
  return 0;
}
