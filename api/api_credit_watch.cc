// Watchlist and alert endpoints (docs/api.md "Watchlist and alerts"): the node-local
// list of watched subject keys, recent alerts, and the Server-Sent Events stream.
#include <charconv>

#include "api/credit_api.h"
#include "common/hex.h"

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

constexpr size_t kMaxPage = 1000;

json EntryJson(const monitor::Watchlist::Entry& e) {
  return json{{"subject_key", ToHex(e.subject_key)}, {"note", e.note}, {"added_ms", e.added_ms}};
}

Response Unavailable(const CreditContext& ctx) {
  return ErrorResponse(503, "watchlist_unavailable",
                       "the watchlist could not be opened: " + ctx.monitor.error());
}

Response Put(const CreditContext& ctx, const Request& req) {
  Status st = CheckQueryParams(req, {});
  if (!st.ok()) return ErrorFor(st);
  auto key = Hex32Param(req, "subject_key");
  if (!key.ok()) return ErrorFor(key.status());
  std::string note;
  if (!req.body.empty()) {
    auto body = http::ParseJsonRequest(req, {{"note", FieldType::kString, false}});
    if (!body.ok()) return ErrorFor(body.status());
    note = body->value("note", "");
  }
  if (!ctx.monitor.watchlist()) return Unavailable(ctx);
  auto added = ctx.monitor.watchlist()->Add(*key, note, ctx.node.clock().WallMs());
  if (!added.ok()) return ErrorFor(added.status());
  auto entry = ctx.monitor.watchlist()->Get(*key);
  json out = entry ? EntryJson(*entry) : json{{"subject_key", ToHex(*key)}};
  out["created"] = *added;
  return JsonResponse(*added ? 201 : 200, out);
}

Response Remove(const CreditContext& ctx, const Request& req) {
  Status st = CheckQueryParams(req, {});
  if (!st.ok()) return ErrorFor(st);
  auto key = Hex32Param(req, "subject_key");
  if (!key.ok()) return ErrorFor(key.status());
  if (!ctx.monitor.watchlist()) return Unavailable(ctx);
  auto removed = ctx.monitor.watchlist()->Remove(*key);
  if (!removed.ok()) return ErrorFor(removed.status());
  if (!*removed) return ErrorResponse(404, "not_found", "the subject is not on the watchlist");
  return JsonResponse(200, {{"subject_key", ToHex(*key)}, {"removed", true}});
}

Response List(const CreditContext& ctx, const Request& req) {
  Status st = CheckQueryParams(req, {"after", "limit"});
  if (!st.ok()) return ErrorFor(st);
  std::string after;
  if (auto a = req.Query("after")) {
    auto v = FromHexSized(*a, 32);
    if (!v) return ErrorFor(InvalidArgument("after", "expected 64 hex characters"));
    after = *v;
  }
  auto limit = U64Param(req, "limit", 100, kMaxPage);
  if (!limit.ok()) return ErrorFor(limit.status());
  if (!ctx.monitor.watchlist()) return Unavailable(ctx);
  json list = json::array();
  auto entries = ctx.monitor.watchlist()->List(after, *limit);
  for (const auto& e : entries) list.push_back(EntryJson(e));
  json out{{"subjects", list}, {"total", ctx.monitor.watchlist()->size()}};
  out["next_after"] =
      entries.size() == *limit && !entries.empty() ? json(ToHex(entries.back().subject_key)) : json(nullptr);
  return JsonResponse(200, out);
}

Response RecentAlerts(const CreditContext& ctx, const Request& req) {
  Status st = CheckQueryParams(req, {"after", "limit"});
  if (!st.ok()) return ErrorFor(st);
  auto after = U64Param(req, "after", 0, UINT64_MAX / 2);
  if (!after.ok()) return ErrorFor(after.status());
  auto limit = U64Param(req, "limit", 100, kMaxPage);
  if (!limit.ok()) return ErrorFor(limit.status());
  if (!ctx.monitor.alerts()) return Unavailable(ctx);
  json list = json::array();
  for (const auto& a : ctx.monitor.alerts()->Recent(*after, *limit)) list.push_back(a.ToJson());
  return JsonResponse(200, {{"alerts", list}, {"scanned_height", ctx.monitor.alerts()->scanned_height()}});
}

Response Stream(const CreditContext& ctx, const Request& req) {
  Status st = CheckQueryParams(req, {"last_event_id"});
  if (!st.ok()) return ErrorFor(st);
  std::optional<uint64_t> last;
  std::optional<std::string> text;
  if (auto h = req.Header("Last-Event-ID")) text = std::string(*h);
  if (!text) text = req.Query("last_event_id");
  if (text) {
    uint64_t v = 0;
    auto [p, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
    if (ec != std::errc() || p != text->data() + text->size() || text->empty()) {
      return ErrorFor(InvalidArgument("Last-Event-ID", "expected an alert id (a non-negative integer)"));
    }
    last = v;
  }
  if (!ctx.monitor.alerts()) return Unavailable(ctx);
  // Room for a full replay of the ring on top of the usual live buffer.
  auto stream = std::make_shared<http::SseStream>(ctx.monitor.alerts()->options().ring_size + 256);
  Status sub = ctx.monitor.alerts()->Subscribe(stream, last);
  if (!sub.ok()) return ErrorFor(sub);
  return Response::EventStream(stream);
}

}  // namespace

void RegisterWatchRoutes(http::Router& router, const CreditContextPtr& ctx) {
  const Access monitors = Access::Roles({Role::kReader, Role::kWriter});
  router.Add("PUT", "/v1/watchlist/{subject_key}", monitors,
             [ctx](const Request& req) { return Put(*ctx, req); });
  router.Delete("/v1/watchlist/{subject_key}", monitors,
                [ctx](const Request& req) { return Remove(*ctx, req); });
  router.Get("/v1/watchlist", monitors, [ctx](const Request& req) { return List(*ctx, req); });
  router.Get("/v1/alerts", monitors, [ctx](const Request& req) { return RecentAlerts(*ctx, req); });
  router.Get("/v1/alerts/stream", monitors, [ctx](const Request& req) { return Stream(*ctx, req); });
}

}  // namespace cc::api
