#include "wire/chain_json.h"

#include "common/hex.h"
#include "proto/canonical.h"

namespace cc::wire {

using nlohmann::json;

json HeaderJson(const pb::BlockHeader& h) {
  return json{{"height", h.height()},
              {"hash", ToHex(proto::BlockHash(h))},
              {"prev_hash", ToHex(h.prev_hash())},
              {"batch_digest", ToHex(h.batch_digest())},
              {"tx_root", ToHex(h.tx_root())},
              {"state_root", ToHex(h.state_root())},
              {"timestamp_ms", h.timestamp_ms()},
              {"tx_count", h.tx_count()}};
}

json CertificateJson(const pb::CommitCertificate& c) {
  json sigs = json::array();
  for (const auto& s : c.signatures())
    sigs.push_back({{"validator", s.validator()}, {"signature", ToHex(s.signature())}});
  return json{
      {"view", c.view()}, {"sequence", c.sequence()}, {"digest", ToHex(c.digest())}, {"signatures", sigs}};
}

json TxBodyJson(const pb::TxBody& b) {
  json j{{"chain_id", b.chain_id()},
         {"sender", b.sender()},
         {"nonce", b.nonce()},
         {"not_before_ms", b.not_before_ms()},
         {"not_after_ms", b.not_after_ms()}};
  switch (b.payload_case()) {
    case pb::TxBody::kRecordEvent:
      j["type"] = "record_event";
      break;
    case pb::TxBody::kAmendEvent:
      j["type"] = "amend_event";
      break;
    case pb::TxBody::kAddBlacklist:
      j["type"] = "add_blacklist";
      break;
    case pb::TxBody::kRemoveBlacklist:
      j["type"] = "remove_blacklist";
      break;
    case pb::TxBody::kQueryAudit:
      j["type"] = "query_audit";
      break;
    case pb::TxBody::kProposeChange:
      j["type"] = "propose_change";
      break;
    case pb::TxBody::kApproveChange:
      j["type"] = "approve_change";
      break;
    case pb::TxBody::kRegulatoryAction:
      j["type"] = "regulatory_action";
      break;
    case pb::TxBody::PAYLOAD_NOT_SET:
      j["type"] = "none";
      break;
  }
  return j;
}

json ProofJson(const pb::TxProof& p) {
  json siblings = json::array();
  for (const auto& s : p.merkle().siblings()) siblings.push_back(ToHex(s));
  json header = HeaderJson(p.header());
  header.erase("hash");
  return json{{"tx", ToHex(p.tx())},
              {"tx_id", ToHex(proto::TxId(p.tx()))},
              {"merkle",
               {{"leaf_index", p.merkle().leaf_index()},
                {"leaf_count", p.merkle().leaf_count()},
                {"siblings", siblings}}},
              {"header", header},
              {"certificate", CertificateJson(p.certificate())}};
}

namespace {
bool Hex(const json& j, const char* key, std::string* out) {
  if (!j.contains(key) || !j[key].is_string()) return false;
  auto v = FromHex(j[key].get<std::string>());
  if (!v) return false;
  *out = std::move(*v);
  return true;
}
bool U64(const json& j, const char* key, uint64_t* out) {
  if (!j.contains(key) || !j[key].is_number_unsigned()) return false;
  *out = j[key].get<uint64_t>();
  return true;
}
}  // namespace

namespace {
bool ReadProofFields(const json& j, pb::TxProof* p) {
  if (!j.is_object()) return false;
  std::string s;
  uint64_t v = 0;
  if (!Hex(j, "tx", &s)) return false;
  p->set_tx(s);
  if (!j.contains("merkle") || !j["merkle"].is_object()) return false;
  const json& m = j["merkle"];
  if (!U64(m, "leaf_index", &v)) return false;
  p->mutable_merkle()->set_leaf_index(v);
  if (!U64(m, "leaf_count", &v)) return false;
  p->mutable_merkle()->set_leaf_count(v);
  if (!m.contains("siblings") || !m["siblings"].is_array()) return false;
  for (const auto& sib : m["siblings"]) {
    if (!sib.is_string()) return false;
    auto b = FromHex(sib.get<std::string>());
    if (!b) return false;
    p->mutable_merkle()->add_siblings(*b);
  }
  if (!j.contains("header") || !j["header"].is_object()) return false;
  const json& h = j["header"];
  auto* hp = p->mutable_header();
  if (!U64(h, "height", &v)) return false;
  hp->set_height(v);
  if (!Hex(h, "prev_hash", &s)) return false;
  hp->set_prev_hash(s);
  if (!Hex(h, "batch_digest", &s)) return false;
  hp->set_batch_digest(s);
  if (!Hex(h, "tx_root", &s)) return false;
  hp->set_tx_root(s);
  if (!Hex(h, "state_root", &s)) return false;
  hp->set_state_root(s);
  if (!U64(h, "timestamp_ms", &v)) return false;
  hp->set_timestamp_ms(v);
  if (!U64(h, "tx_count", &v) || v > UINT32_MAX) return false;
  hp->set_tx_count(static_cast<uint32_t>(v));
  if (!j.contains("certificate") || !j["certificate"].is_object()) return false;
  const json& c = j["certificate"];
  auto* cp = p->mutable_certificate();
  if (!U64(c, "view", &v)) return false;
  cp->set_view(v);
  if (!U64(c, "sequence", &v)) return false;
  cp->set_sequence(v);
  if (!Hex(c, "digest", &s)) return false;
  cp->set_digest(s);
  if (!c.contains("signatures") || !c["signatures"].is_array()) return false;
  for (const auto& sig : c["signatures"]) {
    if (!sig.is_object() || !U64(sig, "validator", &v) || v > UINT32_MAX || !Hex(sig, "signature", &s))
      return false;
    auto* sp = cp->add_signatures();
    sp->set_validator(static_cast<uint32_t>(v));
    sp->set_signature(s);
  }
  return true;
}
}  // namespace

Status ProofFromJson(const json& j, pb::TxProof* p) {
  if (!ReadProofFields(j, p)) {
    return Status::Error("format",
                         "not a proof in the API's JSON form (tx, tx_id, merkle, header, certificate)");
  }
  std::string tx_id;
  if (!Hex(j, "tx_id", &tx_id)) return Status::Error("format", "proof: tx_id must be 64 hex characters");
  if (tx_id != proto::TxId(p->tx())) {
    return Status::Error("tx_id_mismatch", "proof: tx_id " + ToHex(tx_id) +
                                               " is not the id of the proof's transaction (" +
                                               ToHex(proto::TxId(p->tx())) + ")");
  }
  return Status::Ok();
}

}  // namespace cc::wire
