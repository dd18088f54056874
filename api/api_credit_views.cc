// Read-only views of the credit API (docs/api.md "Regulator views", "Governance"):
// the query audit by member and time, member compliance figures, members with
// their quotas and usage, alliance statistics, and governance proposals. They read
// the replicated state, so any node (typically the regulator's observer) answers.
#include "api/credit_api.h"
#include "common/hex.h"
#include "contracts/queries.h"
#include "wire/credit_json.h"

namespace cc::api {

using http::Access;
using http::ErrorResponse;
using http::JsonResponse;
using http::Request;
using http::Response;
using http::Role;
using nlohmann::json;

namespace {

constexpr uint64_t kMsPerDay = contracts::kMsPerDay;

// A time bound: milliseconds since the epoch, or a date (its first millisecond for
// `from`, its last for `to`).
Result<uint64_t> TimeParam(const Request& req, const std::string& name, uint64_t fallback, bool end_of_day) {
  auto v = req.Query(name);
  if (!v) return fallback;
  if (auto day = ParseDate(*v)) return end_of_day ? (*day + 1) * kMsPerDay - 1 : *day * kMsPerDay;
  auto ms = U64Param(req, name, 0, UINT64_MAX / 2);
  if (!ms.ok()) return InvalidArgument(name, "expected a date YYYY-MM-DD or milliseconds since the epoch");
  return *ms;
}

Response QueryAudit(const Backend& node, const Request& req) {
  Status st = CheckQueryParams(req, {"member", "from", "to", "limit"});
  if (!st.ok()) return ErrorFor(st);
  auto member = req.Query("member");
  if (!member) return ErrorResponse(400, "missing_field", "missing query parameter 'member'");
  const uint64_t now = node.clock().WallMs();
  auto to = TimeParam(req, "to", now, true);
  if (!to.ok()) return ErrorFor(to.status());
  const uint64_t default_from = *to >= 30 * kMsPerDay ? *to - 30 * kMsPerDay + 1 : 0;
  auto from = TimeParam(req, "from", default_from, false);
  if (!from.ok()) return ErrorFor(from.status());
  auto limit = U64Param(req, "limit", 1000, contracts::kMaxListItems);
  if (!limit.ok()) return ErrorFor(limit.status());
  auto page = contracts::ReadQueryAudit(node.state(), *member, *from, *to, *limit);
  if (!page.ok()) {
    const std::string& code = page.status().code();
    if (code == "unknown_member") return ErrorResponse(404, page.status());
    return ErrorResponse(400, page.status());
  }
  json records = json::array();
  for (const auto& r : page->records) records.push_back(QueryRecordJson(r));
  return JsonResponse(200, {{"member", *member},
                            {"from_ms", *from},
                            {"to_ms", *to},
                            {"records", records},
                            {"truncated", page->truncated}});
}

Response Compliance(const Backend& node, const Request& req) {
  Status st = CheckQueryParams(req, {"days"});
  if (!st.ok()) return ErrorFor(st);
  auto days = U64Param(req, "days", 30, 366);
  if (!days.ok()) return ErrorFor(days.status());
  if (*days == 0) return ErrorFor(InvalidArgument("days", "expected 1 to 366"));
  auto c = contracts::ReadMemberCompliance(node.state(), req.Param("id"), node.clock().WallMs(),
                                           static_cast<uint32_t>(*days));
  if (!c.ok()) {
    if (c.status().code() == "unknown_member") return ErrorResponse(404, c.status());
    return ErrorResponse(400, c.status());
  }
  return JsonResponse(200, ComplianceJson(*c));
}

Response Members(const Backend& node, const Request& req) {
  Status st = CheckQueryParams(req, {});
  if (!st.ok()) return ErrorFor(st);
  const uint64_t now = node.clock().WallMs();
  json members = json::array();
  for (const auto& m : contracts::ReadMembers(node.state())) {
    json j = MemberJson(m);
    if (auto q = contracts::ReadQuotaStatus(node.state(), m.member.id, now); q.ok()) {
      j["queries_today"] = {{"date", FormatDate(q->day)}, {"used", q->used}, {"remaining", q->remaining}};
    }
    members.push_back(std::move(j));
  }
  return JsonResponse(200, {{"members", members}});
}

Response Stats(const Backend& node, const Request& req) {
  Status st = CheckQueryParams(req, {});
  if (!st.ok()) return ErrorFor(st);
  auto stats = contracts::ReadAllianceStats(node.state());
  if (!stats.ok()) return ErrorResponse(500, "internal", stats.status().ToString());
  json out = AllianceStatsJson(*stats);
  if (auto params = contracts::ReadParams(node.state()); params.ok()) out["parameters"] = ParamsJson(*params);
  return JsonResponse(200, out);
}

Response Proposals(const Backend& node, const Request& req) {
  Status st = CheckQueryParams(req, {});
  if (!st.ok()) return ErrorFor(st);
  json list = json::array();
  for (const auto& p : contracts::ReadPendingProposals(node.state(), node.clock().WallMs()))
    list.push_back(ProposalJson(p));
  return JsonResponse(200, {{"proposals", list}});
}

Response Proposal(const Backend& node, const Request& req) {
  Status st = CheckQueryParams(req, {});
  if (!st.ok()) return ErrorFor(st);
  auto id = Hex32Param(req, "tx_id");
  if (!id.ok()) return ErrorFor(id.status());
  auto p = contracts::ReadProposal(node.state(), *id, node.clock().WallMs());
  if (!p) return ErrorResponse(404, "not_found", "no such proposal");
  return JsonResponse(200, ProposalJson(*p));
}

}  // namespace

void RegisterViewRoutes(http::Router& router, const CreditContextPtr& ctx) {
  const Access regulators = Access::Roles({Role::kRegulator});
  const Access readers = Access::Roles({Role::kReader, Role::kWriter, Role::kRegulator});
  const Backend* node = &ctx->node;
  router.Get("/v1/regulator/query-audit", regulators,
             [node](const Request& req) { return QueryAudit(*node, req); });
  router.Get("/v1/regulator/members", regulators, [node](const Request& req) { return Members(*node, req); });
  router.Get("/v1/regulator/members/{id}/compliance", regulators,
             [node](const Request& req) { return Compliance(*node, req); });
  router.Get("/v1/regulator/stats", regulators, [node](const Request& req) { return Stats(*node, req); });
  router.Get("/v1/governance/proposals", readers,
             [node](const Request& req) { return Proposals(*node, req); });
  router.Get("/v1/governance/proposals/{tx_id}", readers,
             [node](const Request& req) { return Proposal(*node, req); });
}

}  // namespace cc::api
