#include "contracts/genesis.h"

#include <nlohmann/json.hpp>
#include <set>

#include "common/hex.h"
#include "contracts/keys.h"
#include "contracts/params.h"
#include "contracts/state_root.h"
#include "crypto/keys.h"

namespace cc::contracts {

bool IsValidPublicKey(std::string_view key) {
  return key.size() == crypto::kPublicKeySize && !crypto::Ed25519PublicToX25519(key).empty();
}

bool IsValidDisplayName(std::string_view name) {
  if (name.empty() || name.size() > 128) return false;
  for (char c : name) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return false;
  }
  return true;
}

namespace {

using nlohmann::json;

Status Bad(const std::string& field, const std::string& problem) {
  return Status::Error("invalid_genesis", field + ": " + problem);
}

bool IsValidChainId(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    if (c <= ' ' || c > '~') return false;
  }
  return true;
}

std::string_view RoleName(pb::Role role) { return role == pb::ROLE_REGULATOR ? "regulator" : "member"; }

// Rejects keys of `obj` not in `allowed`, naming the first one.
// "path.key", the name of a nested field in an error message.
std::string Dotted(const std::string& path, const std::string& key) {
  std::string out = path;
  out += '.';
  out += key;
  return out;
}

Status OnlyKeys(const json& obj, const std::string& path, std::initializer_list<std::string_view> allowed) {
  for (const auto& [key, value] : obj.items()) {
    bool known = false;
    for (std::string_view a : allowed) known = known || key == a;
    if (!known) return Bad(path.empty() ? key : Dotted(path, key), "unknown field");
  }
  return Status::Ok();
}

Status GetString(const json& obj, const std::string& path, const char* key, std::string* out) {
  auto it = obj.find(key);
  const std::string field = path.empty() ? key : path + "." + key;
  if (it == obj.end()) return Bad(field, "missing");
  if (!it->is_string()) return Bad(field, "must be a string");
  *out = it->get<std::string>();
  return Status::Ok();
}

Status GetUint(const json& value, const std::string& field, uint64_t* out) {
  if (!value.is_number_unsigned()) return Bad(field, "must be a non-negative integer");
  *out = value.get<uint64_t>();
  return Status::Ok();
}

Status GetKey(const json& obj, const std::string& path, std::string* out) {
  std::string hex;
  CC_RETURN_IF_ERROR(GetString(obj, path, "public_key", &hex));
  std::optional<std::string> raw = FromHexSized(hex, crypto::kPublicKeySize);
  if (!raw) return Bad(path + ".public_key", "expected 64 hex characters");
  *out = *raw;
  return Status::Ok();
}

Status ParseMember(const json& j, const std::string& path, GenesisMember* m) {
  if (!j.is_object()) return Bad(path, "must be an object");
  CC_RETURN_IF_ERROR(OnlyKeys(j, path, {"id", "display_name", "public_key", "role"}));
  CC_RETURN_IF_ERROR(GetString(j, path, "id", &m->id));
  CC_RETURN_IF_ERROR(GetString(j, path, "display_name", &m->display_name));
  CC_RETURN_IF_ERROR(GetKey(j, path, &m->public_key));
  std::string role;
  CC_RETURN_IF_ERROR(GetString(j, path, "role", &role));
  if (role == "member") {
    m->role = pb::ROLE_MEMBER;
  } else if (role == "regulator") {
    m->role = pb::ROLE_REGULATOR;
  } else {
    return Bad(path + ".role", "must be \"member\" or \"regulator\", got \"" + role + "\"");
  }
  return Status::Ok();
}

Status ParseValidator(const json& j, const std::string& path, GenesisValidator* v) {
  if (!j.is_object()) return Bad(path, "must be an object {\"public_key\", \"operator\"}");
  CC_RETURN_IF_ERROR(OnlyKeys(j, path, {"public_key", "operator"}));
  CC_RETURN_IF_ERROR(GetKey(j, path, &v->public_key));
  return GetString(j, path, "operator", &v->operator_id);
}

Status ParseParameters(const json& j, Genesis* g) {
  if (!j.is_object()) return Bad("parameters", "must be an object");
  for (const auto& [key, value] : j.items()) {
    const std::string field = "parameters." + key;
    if (key == "member_quotas") {
      if (!value.is_object()) return Bad(field, "must be an object of member id -> quota");
      for (const auto& [member, quota] : value.items()) {
        uint64_t q = 0;
        CC_RETURN_IF_ERROR(GetUint(quota, Dotted(field, member), &q));
        g->member_quotas[member] = q;
      }
      continue;
    }
    uint64_t v = 0;
    CC_RETURN_IF_ERROR(GetUint(value, field, &v));
    Status s = CheckParameter(key, v);
    if (s.code() == "unknown_parameter") return Bad(field, "unknown field");
    if (!s.ok()) return Bad(field, s.message());
    SetParameter(g->params, key, v);
  }
  return Status::Ok();
}

}  // namespace

Status ValidateGenesis(const Genesis& g) {
  if (!IsValidChainId(g.chain_id)) {
    return Bad("chain_id", "must be 1-64 printable ASCII characters without spaces");
  }
  if (g.members.empty()) return Bad("members", "must list at least one member");
  std::set<std::string> ids;
  std::set<std::string> member_keys;
  for (size_t i = 0; i < g.members.size(); ++i) {
    const GenesisMember& m = g.members[i];
    const std::string path = "members[" + std::to_string(i) + "]";
    if (!IsValidMemberId(m.id)) return Bad(path + ".id", "must be 1-64 characters of [a-z0-9._-]");
    if (!ids.insert(m.id).second) return Bad(path + ".id", "duplicate member id \"" + m.id + "\"");
    if (!IsValidDisplayName(m.display_name)) {
      return Bad(path + ".display_name", "must be 1-128 bytes without control characters");
    }
    if (!IsValidPublicKey(m.public_key)) return Bad(path + ".public_key", "not a valid Ed25519 public key");
    if (!member_keys.insert(m.public_key).second) {
      return Bad(path + ".public_key", "key already used by another member");
    }
    if (m.role != pb::ROLE_MEMBER && m.role != pb::ROLE_REGULATOR) {
      return Bad(path + ".role", "must be member or regulator");
    }
  }
  if (g.validators.empty()) return Bad("validators", "must list at least one validator");
  std::set<std::string> validator_keys;
  for (size_t i = 0; i < g.validators.size(); ++i) {
    const GenesisValidator& v = g.validators[i];
    const std::string path = "validators[" + std::to_string(i) + "]";
    if (!IsValidPublicKey(v.public_key)) return Bad(path + ".public_key", "not a valid Ed25519 public key");
    if (!validator_keys.insert(v.public_key).second) {
      return Bad(path + ".public_key", "duplicate validator key");
    }
    const GenesisMember* op = nullptr;
    for (const auto& m : g.members) {
      if (m.id == v.operator_id) op = &m;
    }
    if (op == nullptr) return Bad(path + ".operator", "\"" + v.operator_id + "\" is not a member");
    if (op->role != pb::ROLE_MEMBER) {
      return Bad(path + ".operator", "a validator is operated by a member, not a regulator");
    }
  }
  static constexpr std::string_view kParams[] = {"retention_days", "dispute_deadline_days",
                                                 "daily_query_quota", "max_validity_window_ms"};
  const uint64_t values[] = {g.params.retention_days, g.params.dispute_deadline_days,
                             g.params.daily_query_quota, g.params.max_validity_window_ms};
  for (size_t i = 0; i < std::size(kParams); ++i) {
    Status s = CheckParameter(kParams[i], values[i]);
    if (!s.ok()) return Bad("parameters." + std::string(kParams[i]), s.message());
  }
  for (const auto& [member, quota] : g.member_quotas) {
    const std::string field = "parameters.member_quotas." + member;
    if (ids.count(member) == 0) return Bad(field, "not a member");
    Status s = CheckParameter("daily_query_quota", quota);
    if (!s.ok()) return Bad(field, s.message());
  }
  return Status::Ok();
}

Result<Genesis> ParseGenesis(std::string_view json_text) {
  json j = json::parse(json_text.begin(), json_text.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Bad("(document)", "not valid JSON");
  if (!j.is_object()) return Bad("(document)", "must be a JSON object");
  CC_RETURN_IF_ERROR(OnlyKeys(j, "", {"chain_id", "genesis_time_ms", "members", "validators", "parameters"}));
  Genesis g;
  CC_RETURN_IF_ERROR(GetString(j, "", "chain_id", &g.chain_id));
  if (auto it = j.find("genesis_time_ms"); it != j.end()) {
    CC_RETURN_IF_ERROR(GetUint(*it, "genesis_time_ms", &g.genesis_time_ms));
  }
  auto members = j.find("members");
  if (members == j.end()) return Bad("members", "missing");
  if (!members->is_array()) return Bad("members", "must be an array");
  for (size_t i = 0; i < members->size(); ++i) {
    GenesisMember m;
    CC_RETURN_IF_ERROR(ParseMember((*members)[i], "members[" + std::to_string(i) + "]", &m));
    g.members.push_back(std::move(m));
  }
  auto validators = j.find("validators");
  if (validators == j.end()) return Bad("validators", "missing");
  if (!validators->is_array()) return Bad("validators", "must be an array");
  for (size_t i = 0; i < validators->size(); ++i) {
    GenesisValidator v;
    CC_RETURN_IF_ERROR(ParseValidator((*validators)[i], "validators[" + std::to_string(i) + "]", &v));
    g.validators.push_back(std::move(v));
  }
  if (auto it = j.find("parameters"); it != j.end()) CC_RETURN_IF_ERROR(ParseParameters(*it, &g));
  CC_RETURN_IF_ERROR(ValidateGenesis(g));
  return g;
}

std::string GenesisToJson(const Genesis& g) {
  json j;
  j["chain_id"] = g.chain_id;
  j["genesis_time_ms"] = g.genesis_time_ms;
  j["members"] = json::array();
  for (const auto& m : g.members) {
    j["members"].push_back({{"id", m.id},
                            {"display_name", m.display_name},
                            {"public_key", ToHex(m.public_key)},
                            {"role", RoleName(m.role)}});
  }
  j["validators"] = json::array();
  for (const auto& v : g.validators) {
    j["validators"].push_back({{"public_key", ToHex(v.public_key)}, {"operator", v.operator_id}});
  }
  json params = {{"retention_days", g.params.retention_days},
                 {"dispute_deadline_days", g.params.dispute_deadline_days},
                 {"daily_query_quota", g.params.daily_query_quota},
                 {"max_validity_window_ms", g.params.max_validity_window_ms}};
  if (!g.member_quotas.empty()) {
    params["member_quotas"] = json::object();
    for (const auto& [member, quota] : g.member_quotas) params["member_quotas"][member] = quota;
  }
  j["parameters"] = params;
  return j.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

StateWrites GenesisState(const Genesis& g) {
  MemoryState empty;
  Overlay out(empty);
  AllianceParams params = g.params;
  params.chain_id = g.chain_id;
  Store(out, keys::Params(), params);
  ValidatorSet set;
  for (const auto& v : g.validators) set.validators.push_back({v.public_key, v.operator_id});
  Store(out, keys::Validators(), set);
  Store(out, keys::Tip(), ChainTip{0, g.genesis_time_ms});
  Store(out, keys::Counters(), AllianceCounters{});
  for (const auto& m : g.members) {
    MemberRecord rec;
    rec.id = m.id;
    rec.display_name = m.display_name;
    rec.public_key = m.public_key;
    rec.role = m.role;
    if (auto it = g.member_quotas.find(m.id); it != g.member_quotas.end()) {
      rec.quota_override = it->second;
    }
    Store(out, keys::Member(m.id), rec);
  }
  return out.Writes();
}

std::string GenesisStateRoot(const Genesis& genesis) {
  return ComputeStateRoot(ZeroRoot(), 0, GenesisState(genesis));
}

}  // namespace cc::contracts
