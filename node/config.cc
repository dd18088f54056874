#include "node/config.h"

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "common/hex.h"
#include "monitor/webhook.h"
#include "p2p/p2p_types.h"

namespace cc::node {

namespace {

using nlohmann::json;

// A batch's requests travel in one P2P frame, each with its protobuf tag and length
// (at most 6 bytes), beside fixed fields and a commit certificate (the headroom).
constexpr uint64_t kBatchFramingBytes = 6;
constexpr uint64_t kBatchFrameHeadroom = 64 * 1024;

Status FieldError(const std::string& field, const std::string& what) {
  return Status::Error("config", field + ": " + what);
}

// Reads fields of one JSON object, refusing unknown ones, with errors that name the
// full field path.
class ObjectReader {
 public:
  ObjectReader(const json& obj, std::string prefix) : obj_(obj), prefix_(std::move(prefix)) {}

  Status CheckObject() const {
    if (!obj_.is_object()) return FieldError(Name(""), "expected an object");
    return Status::Ok();
  }
  Status String(const char* key, std::string* out, bool required) {
    seen_.insert(key);
    if (!obj_.contains(key)) return required ? FieldError(Name(key), "missing") : Status::Ok();
    if (!obj_[key].is_string()) return FieldError(Name(key), "expected a string");
    *out = obj_[key].get<std::string>();
    if (required && out->empty()) return FieldError(Name(key), "must not be empty");
    return Status::Ok();
  }
  Status Bool(const char* key, bool* out) {
    seen_.insert(key);
    if (!obj_.contains(key)) return Status::Ok();
    if (!obj_[key].is_boolean()) return FieldError(Name(key), "expected true or false");
    *out = obj_[key].get<bool>();
    return Status::Ok();
  }
  template <typename T>
  Status Unsigned(const char* key, T* out, uint64_t min, uint64_t max) {
    seen_.insert(key);
    if (!obj_.contains(key)) return Status::Ok();
    if (!obj_[key].is_number_unsigned()) return FieldError(Name(key), "expected a non-negative integer");
    const uint64_t v = obj_[key].get<uint64_t>();
    if (v < min || v > max) {
      return FieldError(Name(key), "must be between " + std::to_string(min) + " and " + std::to_string(max));
    }
    *out = static_cast<T>(v);
    return Status::Ok();
  }
  const json* Child(const char* key) {
    seen_.insert(key);
    return obj_.contains(key) ? &obj_[key] : nullptr;
  }
  Status NoUnknownFields() const {
    for (auto it = obj_.begin(); it != obj_.end(); ++it) {
      if (!seen_.count(it.key())) return FieldError(Name(it.key()), "unknown field");
    }
    return Status::Ok();
  }
  std::string Name(const std::string& key) const {
    if (prefix_.empty()) return key;
    return key.empty() ? prefix_ : prefix_ + "." + key;
  }

 private:
  const json& obj_;
  std::string prefix_;
  std::set<std::string> seen_;
};

std::string Resolve(const std::string& dir, const std::string& p) {
  if (p.empty() || std::filesystem::path(p).is_absolute()) return p;
  return (std::filesystem::path(dir) / p).lexically_normal().string();
}

Status ReadEndpoint(ObjectReader& r, const char* key, Endpoint* out, bool required) {
  std::string text;
  CC_RETURN_IF_ERROR(r.String(key, &text, required));
  if (text.empty()) return Status::Ok();
  auto ep = ParseEndpoint(text);
  if (!ep.ok()) return FieldError(r.Name(key), ep.status().message());
  *out = *ep;
  return Status::Ok();
}

Status ReadPeers(const json& arr, std::vector<PeerConfig>* out) {
  if (!arr.is_array()) return FieldError("peers", "expected an array");
  std::set<std::string> keys;
  for (size_t i = 0; i < arr.size(); ++i) {
    const std::string prefix = "peers[" + std::to_string(i) + "]";
    ObjectReader r(arr[i], prefix);
    CC_RETURN_IF_ERROR(r.CheckObject());
    PeerConfig peer;
    std::string key_hex;
    CC_RETURN_IF_ERROR(r.String("name", &peer.name, true));
    CC_RETURN_IF_ERROR(r.String("public_key", &key_hex, true));
    auto key = FromHexSized(key_hex, 32);
    if (!key) return FieldError(prefix + ".public_key", "expected 64 hex characters");
    if (!keys.insert(*key).second) return FieldError(prefix + ".public_key", "duplicate peer key");
    peer.public_key = *key;
    CC_RETURN_IF_ERROR(ReadEndpoint(r, "address", &peer.address, false));
    CC_RETURN_IF_ERROR(r.NoUnknownFields());
    out->push_back(std::move(peer));
  }
  return Status::Ok();
}

Status ReadTokens(const json& arr, std::vector<ApiToken>* out) {
  if (!arr.is_array()) return FieldError("api_tokens", "expected an array");
  for (size_t i = 0; i < arr.size(); ++i) {
    const std::string prefix = "api_tokens[" + std::to_string(i) + "]";
    ObjectReader r(arr[i], prefix);
    CC_RETURN_IF_ERROR(r.CheckObject());
    ApiToken t;
    CC_RETURN_IF_ERROR(r.String("name", &t.name, true));
    CC_RETURN_IF_ERROR(r.String("role", &t.role, true));
    CC_RETURN_IF_ERROR(r.String("token_hash", &t.token_hash, true));
    if (t.role != "writer" && t.role != "reader" && t.role != "regulator" && t.role != "admin") {
      return FieldError(prefix + ".role", "expected writer, reader, regulator or admin");
    }
    if (!FromHexSized(t.token_hash, 32))
      return FieldError(prefix + ".token_hash", "expected 64 hex characters");
    CC_RETURN_IF_ERROR(r.NoUnknownFields());
    out->push_back(std::move(t));
  }
  return Status::Ok();
}

Status ReadConsensus(const json& obj, ConsensusTuning* c) {
  ObjectReader r(obj, "consensus");
  CC_RETURN_IF_ERROR(r.CheckObject());
  CC_RETURN_IF_ERROR(r.Unsigned("tick_ms", &c->tick_ms, 1, 1000));
  CC_RETURN_IF_ERROR(r.Unsigned("checkpoint_interval", &c->checkpoint_interval, 1, 100000));
  CC_RETURN_IF_ERROR(r.Unsigned("watermark_window", &c->watermark_window, 2, 1000000));
  CC_RETURN_IF_ERROR(r.Unsigned("max_inflight", &c->max_inflight, 1, 1000));
  CC_RETURN_IF_ERROR(r.Unsigned("max_batch_requests", &c->max_batch_requests, 1, 100000));
  CC_RETURN_IF_ERROR(r.Unsigned("max_batch_bytes", &c->max_batch_bytes, 1024, 64u << 20));
  CC_RETURN_IF_ERROR(r.Unsigned("batch_timeout_ticks", &c->batch_timeout_ticks, 1, 100000));
  CC_RETURN_IF_ERROR(r.Unsigned("view_change_timeout_ticks", &c->view_change_timeout_ticks, 2, 1000000));
  if (c->watermark_window % c->checkpoint_interval != 0) {
    return FieldError("consensus.watermark_window", "must be a multiple of checkpoint_interval");
  }
  return r.NoUnknownFields();
}

Status ReadMempool(const json& obj, MempoolTuning* m) {
  ObjectReader r(obj, "mempool");
  CC_RETURN_IF_ERROR(r.CheckObject());
  CC_RETURN_IF_ERROR(r.Unsigned("max_txs", &m->max_txs, 1, 10000000));
  CC_RETURN_IF_ERROR(r.Unsigned("max_bytes", &m->max_bytes, 1024, 1ull << 36));
  CC_RETURN_IF_ERROR(r.Unsigned("max_tx_bytes", &m->max_tx_bytes, 256, 1u << 24));
  CC_RETURN_IF_ERROR(r.Unsigned("verify_threads", &m->verify_threads, 1, 64));
  CC_RETURN_IF_ERROR(r.Unsigned("max_wait_ms", &m->max_wait_ms, 0, 600000));
  CC_RETURN_IF_ERROR(r.Unsigned("client_backlog_floor", &m->client_backlog_floor, 1, 10000000));
  return r.NoUnknownFields();
}

}  // namespace

Result<Endpoint> ParseEndpoint(const std::string& text) {
  const size_t colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == text.size()) {
    return Status::Error("config", "expected host:port, got '" + text + "'");
  }
  Endpoint ep;
  ep.host = text.substr(0, colon);
  const std::string port = text.substr(colon + 1);
  uint32_t v = 0;
  for (char c : port) {
    if (c < '0' || c > '9' || v > 65535) return Status::Error("config", "bad port in '" + text + "'");
    v = v * 10 + static_cast<uint32_t>(c - '0');
  }
  if (v > 65535) return Status::Error("config", "bad port in '" + text + "'");
  ep.port = static_cast<uint16_t>(v);
  return ep;
}

Result<NodeConfig> ParseNodeConfig(const std::string& json_text, const std::string& path) {
  json doc = json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return Status::Error("config", path + ": not valid JSON");
  NodeConfig c;
  c.path = path;
  c.dir = std::filesystem::path(path).parent_path().string();
  if (c.dir.empty()) c.dir = ".";
  ObjectReader r(doc, "");
  CC_RETURN_IF_ERROR(r.CheckObject());
  std::string role;
  CC_RETURN_IF_ERROR(r.String("name", &c.name, true));
  CC_RETURN_IF_ERROR(r.String("role", &role, true));
  if (role == "validator") {
    c.role = NodeRole::kValidator;
  } else if (role == "observer") {
    c.role = NodeRole::kObserver;
  } else {
    return FieldError("role", "expected validator or observer");
  }
  CC_RETURN_IF_ERROR(r.String("data_dir", &c.data_dir, true));
  CC_RETURN_IF_ERROR(r.String("key_file", &c.key_file, true));
  CC_RETURN_IF_ERROR(r.String("genesis_file", &c.genesis_file, true));
  CC_RETURN_IF_ERROR(r.String("alliance_secret_file", &c.alliance_secret_file, false));
  CC_RETURN_IF_ERROR(r.String("member_id", &c.member_id, false));
  CC_RETURN_IF_ERROR(r.String("member_key_file", &c.member_key_file, false));
  CC_RETURN_IF_ERROR(r.String("log_level", &c.log_level, false));
  CC_RETURN_IF_ERROR(r.String("alert_webhook_url", &c.alert_webhook_url, false));
  if (!c.alert_webhook_url.empty()) {
    auto target = monitor::ParseWebhookUrl(c.alert_webhook_url);
    if (!target.ok()) return FieldError("alert_webhook_url", target.status().message());
  }
  CC_RETURN_IF_ERROR(ReadEndpoint(r, "p2p_listen", &c.p2p_listen, c.role == NodeRole::kValidator));
  CC_RETURN_IF_ERROR(ReadEndpoint(r, "http_listen", &c.http_listen, true));
  CC_RETURN_IF_ERROR(r.Bool("verify_all_signatures", &c.verify_all_signatures));
  CC_RETURN_IF_ERROR(r.Unsigned("http_threads", &c.http_threads, 1, 64));
  CC_RETURN_IF_ERROR(r.Unsigned("http_max_body_bytes", &c.http_max_body_bytes, 1024, 64ull << 20));
  if (!c.member_id.empty() != !c.member_key_file.empty()) {
    return FieldError("member_key_file", "member_id and member_key_file go together");
  }
  if (const json* peers = r.Child("peers")) CC_RETURN_IF_ERROR(ReadPeers(*peers, &c.peers));
  if (const json* tokens = r.Child("api_tokens")) CC_RETURN_IF_ERROR(ReadTokens(*tokens, &c.api_tokens));
  if (const json* cons = r.Child("consensus")) CC_RETURN_IF_ERROR(ReadConsensus(*cons, &c.consensus));
  if (const json* mp = r.Child("mempool")) CC_RETURN_IF_ERROR(ReadMempool(*mp, &c.mempool));
  CC_RETURN_IF_ERROR(r.NoUnknownFields());
  // The size limits must agree (found by fuzz/config_fuzz.cc): the replica drops a
  // request larger than a batch, so admission would acknowledge a transaction that
  // never commits; and the transport refuses a frame above its limit, so a full
  // batch (a pre-prepare, or a block in a block-sync answer) could never be sent.
  if (c.mempool.max_tx_bytes > c.consensus.max_batch_bytes) {
    return FieldError("mempool.max_tx_bytes", "must not exceed consensus.max_batch_bytes (" +
                                                  std::to_string(c.consensus.max_batch_bytes) + ")");
  }
  const uint64_t max_frame = p2p::TransportOptions{}.max_frame_size;
  if (uint64_t{c.consensus.max_batch_bytes} + kBatchFramingBytes * c.consensus.max_batch_requests +
          kBatchFrameHeadroom >
      max_frame) {
    return FieldError("consensus.max_batch_bytes",
                      "a full batch (max_batch_bytes plus " + std::to_string(kBatchFramingBytes) +
                          " bytes per request of max_batch_requests, plus " +
                          std::to_string(kBatchFrameHeadroom) + ") must fit in one P2P frame of " +
                          std::to_string(max_frame) + " bytes");
  }
  if (c.log_level != "debug" && c.log_level != "info" && c.log_level != "warn" && c.log_level != "error") {
    return FieldError("log_level", "expected debug, info, warn or error");
  }
  for (std::string* p :
       {&c.data_dir, &c.key_file, &c.genesis_file, &c.alliance_secret_file, &c.member_key_file}) {
    *p = Resolve(c.dir, *p);
  }
  return c;
}

Result<NodeConfig> LoadNodeConfig(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status::Error("config", path + ": cannot open");
  std::stringstream ss;
  ss << in.rdbuf();
  return ParseNodeConfig(ss.str(), path);
}

consensus::Config ReplicaConfigOf(const ConsensusTuning& tuning, std::string chain_id, uint32_t n,
                                  uint32_t self) {
  consensus::Config rc;
  rc.chain_id = std::move(chain_id);
  rc.n = n;
  rc.self = self;
  rc.checkpoint_interval = tuning.checkpoint_interval;
  rc.watermark_window = tuning.watermark_window;
  rc.max_inflight = tuning.max_inflight;
  rc.max_batch_requests = tuning.max_batch_requests;
  rc.max_batch_bytes = tuning.max_batch_bytes;
  rc.batch_timeout_ticks = tuning.batch_timeout_ticks;
  rc.view_change_timeout_ticks = tuning.view_change_timeout_ticks;
  return rc;
}

}  // namespace cc::node
