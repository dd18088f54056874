// Helpers shared by the credit endpoints (credit_api.h).
#include <cstring>

#include "api/chain_api.h"
#include "api/credit_api.h"
#include "common/hex.h"
#include "contracts/queries.h"
#include "crypto/hash.h"
#include "crypto/keys.h"
#include "wire/chain_json.h"
#include "wire/credit_json.h"

namespace cc::api {

using http::ErrorResponse;
using http::JsonResponse;
using http::Request;
using http::Response;
using nlohmann::json;

Status InvalidArgument(const std::string& field, const std::string& what) {
  return Status::Error("invalid_argument", field + ": " + what);
}

int SubmitStatus(const std::string& code) {
  if (code == "mempool_full" || code == "quota_exceeded") return 429;
  if (code == "too_large") return 413;
  if (code == "unsupported_media_type") return 415;
  if (code == "unknown_member" || code == "not_authorized" || code == "member_suspended") return 403;
  if (code == "duplicate" || code == "already_committed" || code == "replayed_nonce") return 409;
  if (code == "no_member_key" || code == "no_alliance_secret" || code == "watchlist_unavailable" ||
      code == "too_many_streams" || code == "storage") {
    return 503;
  }
  if (code == "not_found") return 404;
  return 400;
}

Response ErrorFor(const Status& status) { return ErrorResponse(SubmitStatus(status.code()), status); }

Result<std::string> Hex32Field(const json& body, const std::string& field) {
  auto v = FromHexSized(body[field].get<std::string>(), 32);
  if (!v) return InvalidArgument(field, "expected 64 hex characters");
  return *v;
}

Result<std::string> HashOrHex32(const std::string& text, const std::string& field) {
  if (text.empty()) return InvalidArgument(field, "must not be empty");
  if (text.size() == 64) {
    if (auto v = FromHexSized(text, 32)) return *v;
  }
  return crypto::Blake2b256(text);
}

Result<uint32_t> DateField(const json& body, const std::string& field) {
  auto d = ParseDate(body[field].get<std::string>());
  if (!d) return InvalidArgument(field, "expected a date YYYY-MM-DD");
  return *d;
}

Result<std::string> Hex32Param(const Request& req, const std::string& name) {
  auto v = FromHexSized(req.Param(name), 32);
  if (!v) return InvalidArgument(name, "expected 64 hex characters");
  return *v;
}

Status CheckQueryParams(const Request& req, const std::vector<std::string>& allowed) {
  for (const auto& [name, value] : req.query) {
    bool known = false;
    for (const auto& a : allowed) known = known || a == name;
    if (!known) return Status::Error("unknown_field", "unknown query parameter '" + name + "'");
  }
  return Status::Ok();
}

Result<bool> BoolParam(const Request& req, const std::string& name, bool fallback) {
  auto v = req.Query(name);
  if (!v) return fallback;
  if (*v == "true") return true;
  if (*v == "false") return false;
  return InvalidArgument(name, "expected true or false");
}

Result<uint64_t> U64Param(const Request& req, const std::string& name, uint64_t fallback, uint64_t max) {
  auto v = req.Query(name);
  if (!v) return fallback;
  uint64_t n = 0;
  if (v->empty() || v->size() > 19)
    return InvalidArgument(name, "expected an integer from 0 to " + std::to_string(max));
  for (char c : *v) {
    if (c < '0' || c > '9')
      return InvalidArgument(name, "expected an integer from 0 to " + std::to_string(max));
    n = n * 10 + static_cast<uint64_t>(c - '0');
  }
  if (n > max) return InvalidArgument(name, "expected an integer from 0 to " + std::to_string(max));
  return n;
}

pb::TxBody NewTxBody(uint64_t now_ms) {
  const std::string random = crypto::RandomBytes(8);
  uint64_t nonce = 0;
  std::memcpy(&nonce, random.data(), sizeof nonce);
  pb::TxBody body;
  body.set_nonce(nonce);
  body.set_not_before_ms(now_ms - 60'000);
  body.set_not_after_ms(now_ms + 600'000);
  return body;
}

Result<WaitOptions> ParseWaitOptions(const Request& req, const std::vector<std::string>& extra) {
  std::vector<std::string> allowed = extra;
  allowed.push_back("wait");
  allowed.push_back("timeout_ms");
  CC_RETURN_IF_ERROR(CheckQueryParams(req, allowed));
  WaitOptions w;
  if (auto v = req.Query("wait")) {
    if (*v != "commit") return InvalidArgument("wait", "the only value is 'commit'");
    w.wait = true;
  }
  auto t = U64Param(req, "timeout_ms", w.timeout_ms, 60'000);
  if (!t.ok()) return t.status();
  w.timeout_ms = *t;
  return w;
}

json ProofOrNull(const Backend& node, const std::string& tx_id) {
  auto proof = node.ledger().GetTxProof(tx_id);
  if (!proof.ok()) return nullptr;
  return ProofJson(*proof);
}

Response SubmitWrite(Backend& node, pb::TxBody body, const WaitOptions& wait) {
  auto id = node.SubmitAsMember(std::move(body));
  if (!id.ok()) return ErrorFor(id.status());
  if (!wait.wait) return JsonResponse(202, {{"tx_id", ToHex(*id)}, {"status", "pending"}});
  return WaitForCommitResponse(node, *id, std::chrono::milliseconds(wait.timeout_ms));
}

}  // namespace cc::api
