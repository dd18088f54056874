// The credit endpoints of the HTTP API (docs/api.md): registration, and the
// borrower check (POST /v1/subjects/lookup, GET /v1/subjects/{key}).
//
// A borrower check is, in this order: strict request checks; the node must hold a
// member key (and, for a raw ID, the alliance secret); the raw ID is hashed at once
// into the subject key and dropped (never logged, stored or echoed); the member's
// daily quota is checked (429 quota_exceeded); a RecordQueryAudit is signed with
// the member key and admitted (if admission refuses it, so is the query: no
// answer without its audit record); only then is the report read and answered.
#include "api/api.h"
#include "api/chain_api.h"
#include "api/credit_api.h"
#include "common/hex.h"
#include "contracts/queries.h"
#include "crypto/subject_key.h"

namespace cc::api {

using http::Access;
using http::ErrorResponse;
using http::FieldType;
using http::JsonResponse;
using http::Request;
using http::Response;
using http::Role;
using nlohmann::json;

namespace {

struct QueryRequest {
  std::string subject_key;  // 32 bytes
  pb::QueryPurpose purpose = pb::QUERY_PURPOSE_UNSPECIFIED;
  std::string authorization_ref_hash;
  bool proofs = false;
};

Result<pb::QueryPurpose> PurposeArg(const std::string& text) {
  auto p = ParsePurpose(text);
  if (!p) {
    return InvalidArgument(
        "purpose", "expected loan_application, post_loan_monitoring, dispute_handling or regulator_audit");
  }
  return *p;
}

Response AnswerQuery(const CreditContext& ctx, const QueryRequest& q) {
  Backend& node = ctx.node;
  const uint64_t now = node.clock().WallMs();
  const std::string& member = node.member_id();
  auto quota = contracts::ReadQuotaStatus(node.state(), member, now);
  if (!quota.ok()) return ErrorFor(quota.status());
  // Audits this node admitted that have not committed yet count too (credit_quota.h).
  if (quota->remaining == 0 || !ctx.quota->Reserve(quota->used, quota->quota, now)) {
    return ErrorResponse(429, "quota_exceeded",
                         "member " + member + " has used its daily query quota (" +
                             std::to_string(quota->quota) + ") for " + FormatDate(quota->day));
  }

  pb::TxBody body = NewTxBody(now);
  const uint64_t not_after = body.not_after_ms();
  auto* audit = body.mutable_query_audit();
  audit->set_subject_key(q.subject_key);
  audit->set_purpose(q.purpose);
  audit->set_authorization_ref_hash(q.authorization_ref_hash);
  audit->set_query_time_ms(now);
  auto audit_id = node.SubmitAsMember(std::move(body));
  if (!audit_id.ok()) {
    ctx.quota->Released();
    return ErrorFor(audit_id.status());
  }
  ctx.quota->Admitted(*audit_id, not_after);

  auto report = contracts::ReadSubjectReport(node.state(), q.subject_key, now);
  if (!report.ok()) return ErrorFor(report.status());
  json events = json::array();
  for (const auto& e : report->events) {
    json j = EventJson(e);
    if (q.proofs) j["proof"] = ProofOrNull(node, e.event.tx_id);
    events.push_back(std::move(j));
  }
  json blacklist = json::array();
  for (const auto& b : report->blacklist) {
    json j = BlacklistJson(b);
    if (q.proofs) j["proof"] = ProofOrNull(node, b.entry.tx_id);
    blacklist.push_back(std::move(j));
  }
  json queries = json::array();
  for (const auto& r : report->queries) queries.push_back(QueryRecordJson(r));
  return JsonResponse(
      200,
      {{"subject_key", ToHex(report->subject_key)},
       {"as_of",
        {{"height", node.ledger().Height()}, {"time_ms", now}, {"date", FormatDate(report->now_day)}}},
       {"query",
        {{"audit_tx_id", ToHex(*audit_id)},
         {"status", "pending"},
         {"member", member},
         {"purpose", PurposeName(q.purpose)},
         {"authorization_ref_hash", ToHex(q.authorization_ref_hash)}}},
       {"quota", {{"date", FormatDate(quota->day)}, {"quota", quota->quota}, {"used_before", quota->used}}},
       {"risk", RiskJson(report->risk)},
       {"events", events},
       {"hidden_by_retention", report->hidden_by_retention},
       {"blacklist", blacklist},
       {"queries", queries},
       {"truncated", report->truncated}});
}

Response Lookup(const CreditContext& ctx, const Request& req) {
  Status st = CheckQueryParams(req, {"proofs"});
  if (!st.ok()) return ErrorFor(st);
  auto body = http::ParseJsonRequest(req, {{"id_type", FieldType::kString, true},
                                           {"id", FieldType::kString, true},
                                           {"purpose", FieldType::kString, true},
                                           {"authorization_ref", FieldType::kString, true},
                                           {"proofs", FieldType::kBool, false}});
  if (!body.ok()) return ErrorFor(body.status());
  QueryRequest q;
  auto purpose = PurposeArg((*body)["purpose"].get<std::string>());
  if (!purpose.ok()) return ErrorFor(purpose.status());
  q.purpose = *purpose;
  auto auth = HashOrHex32((*body)["authorization_ref"].get<std::string>(), "authorization_ref");
  if (!auth.ok()) return ErrorFor(auth.status());
  q.authorization_ref_hash = *auth;
  auto proofs = BoolParam(req, "proofs", body->value("proofs", false));
  if (!proofs.ok()) return ErrorFor(proofs.status());
  q.proofs = *proofs;
  Backend& node = ctx.node;
  if (!node.alliance_secret()) {
    return ErrorResponse(503, "no_alliance_secret",
                         "this node has no alliance secret (alliance_secret_file)");
  }
  if (!node.has_member_key())
    return ErrorResponse(503, "no_member_key", "this node has no member key (member_key_file)");
  auto key = crypto::SubjectKey(*node.alliance_secret(), (*body)["id_type"].get<std::string>(),
                                (*body)["id"].get<std::string>());
  // Errors from SubjectKey never contain the raw ID, and it is not used below.
  if (!key.ok()) return ErrorResponse(400, key.status());
  q.subject_key = *key;
  return AnswerQuery(ctx, q);
}

Response Subject(const CreditContext& ctx, const Request& req) {
  Status st = CheckQueryParams(req, {"purpose", "authorization_ref", "proofs"});
  if (!st.ok()) return ErrorFor(st);
  auto key = Hex32Param(req, "key");
  if (!key.ok()) return ErrorFor(key.status());
  auto purpose_text = req.Query("purpose");
  if (!purpose_text) return ErrorResponse(400, "missing_field", "missing query parameter 'purpose'");
  auto auth_text = req.Query("authorization_ref");
  if (!auth_text) return ErrorResponse(400, "missing_field", "missing query parameter 'authorization_ref'");
  QueryRequest q;
  q.subject_key = *key;
  auto purpose = PurposeArg(*purpose_text);
  if (!purpose.ok()) return ErrorFor(purpose.status());
  q.purpose = *purpose;
  auto auth = HashOrHex32(*auth_text, "authorization_ref");
  if (!auth.ok()) return ErrorFor(auth.status());
  q.authorization_ref_hash = *auth;
  auto proofs = BoolParam(req, "proofs", false);
  if (!proofs.ok()) return ErrorFor(proofs.status());
  q.proofs = *proofs;
  if (!ctx.node.has_member_key()) {
    return ErrorResponse(503, "no_member_key", "this node has no member key (member_key_file)");
  }
  return AnswerQuery(ctx, q);
}

}  // namespace

void RegisterSubjectRoutes(http::Router& router, const CreditContextPtr& ctx) {
  const Access queriers = Access::Roles({Role::kReader, Role::kRegulator});
  router.Post("/v1/subjects/lookup", queriers, [ctx](const Request& req) { return Lookup(*ctx, req); });
  router.Get("/v1/subjects/{key}", queriers, [ctx](const Request& req) { return Subject(*ctx, req); });
}

void RegisterRoutes(http::Router& router, Backend& backend, monitor::Monitor& monitor) {
  RegisterChainRoutes(router, backend);
  RegisterCreditRoutes(router, backend, monitor);
}

void RegisterCreditRoutes(http::Router& router, Backend& backend, monitor::Monitor& monitor) {
  auto quota = std::make_shared<QueryQuotaGuard>(
      [&backend](const std::string& id) { return backend.ledger().FindTx(id).ok(); });
  auto ctx = std::make_shared<CreditContext>(CreditContext{backend, monitor, quota});
  // On the committing thread: only drop committed audits from the quota guard.
  std::weak_ptr<QueryQuotaGuard> guard = quota;
  backend.AddCommitListener([guard](uint64_t, const std::vector<std::string>& tx_ids) {
    if (auto g = guard.lock()) g->Committed(tx_ids);
  });
  RegisterSubjectRoutes(router, ctx);
  RegisterWriteRoutes(router, ctx);
  RegisterViewRoutes(router, ctx);
  RegisterWatchRoutes(router, ctx);
}

}  // namespace cc::api
