// The credit endpoints of the HTTP API (docs/api.md), split by area:
//   api_credit.cc           registration, borrower checks (lookup, subject report)
//   api_credit_writes.cc    events, amendments, blacklist, governance, regulatory actions
//   api_credit_views.cc     regulator views, governance proposals (read)
//   api_credit_watch.cc     watchlist, alerts (list and SSE stream)
// and the helpers they share. Handlers hold a shared CreditContext; the Backend and
// the Monitor must outlive the router (backend.h, monitor/monitor.h).
//
// Thread safety: handlers run on the HTTP I/O threads; everything here is
// thread-safe (the Backend, Watchlist and AlertHub are).
#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "api/backend.h"
#include "api/credit_quota.h"
#include "common/status.h"
#include "http/json_api.h"
#include "http/router.h"
#include "monitor/monitor.h"
#include "wire/credit_json.h"

namespace cc::api {

// The handlers speak the wire forms (wire/credit_json.h) throughout.
using namespace ::cc::wire;  // NOLINT(google-build-using-namespace)

// Registers the credit endpoints (subjects, lookup, events, blacklist, watchlists,
// alerts, regulator views) on `router`, and a commit listener on `backend` (for the
// quota guard). `monitor` serves the watchlist and alert endpoints.
void RegisterCreditRoutes(http::Router& router, Backend& backend, monitor::Monitor& monitor);

struct CreditContext {
  Backend& node;
  monitor::Monitor& monitor;
  std::shared_ptr<QueryQuotaGuard> quota;
};
using CreditContextPtr = std::shared_ptr<const CreditContext>;

void RegisterSubjectRoutes(http::Router& router, const CreditContextPtr& ctx);
void RegisterWriteRoutes(http::Router& router, const CreditContextPtr& ctx);
void RegisterViewRoutes(http::Router& router, const CreditContextPtr& ctx);
void RegisterWatchRoutes(http::Router& router, const CreditContextPtr& ctx);

// ---- shared helpers

// 400 invalid_argument "<field>: <what>".
Status InvalidArgument(const std::string& field, const std::string& what);
http::Response ErrorFor(const Status& status);  // status code chosen by SubmitStatus

// The HTTP status for an error code from admission, the contracts or the helpers
// here: 429 quota/mempool full, 413 too_large, 403 membership and authority,
// 409 duplicates and replays, 503 node not configured for it, 400 otherwise.
int SubmitStatus(const std::string& code);

// Field readers for a body that passed CheckFields (the field has the right JSON
// type). Errors are invalid_argument naming the field.
Result<std::string> Hex32Field(const nlohmann::json& body, const std::string& field);
// 64 hex characters -> those 32 bytes; other non-empty text -> its BLAKE2b-256.
Result<std::string> HashOrHex32(const std::string& text, const std::string& field);
Result<uint32_t> DateField(const nlohmann::json& body, const std::string& field);
// A path parameter that must be 64 hex characters (a tx id or subject key).
Result<std::string> Hex32Param(const http::Request& req, const std::string& name);

// Rejects query parameters other than `allowed` (400 unknown_field).
Status CheckQueryParams(const http::Request& req, const std::vector<std::string>& allowed);
// "true" / "false" / absent (-> fallback); anything else is invalid_argument.
Result<bool> BoolParam(const http::Request& req, const std::string& name, bool fallback);
Result<uint64_t> U64Param(const http::Request& req, const std::string& name, uint64_t fallback, uint64_t max);

// A body to sign with the member key: random 64-bit nonce, validity window
// now - 1 min .. now + 10 min.
pb::TxBody NewTxBody(uint64_t now_ms);

// How a write answers: ?wait=commit[&timeout_ms=N] waits for the commit.
struct WaitOptions {
  bool wait = false;
  uint64_t timeout_ms = 10'000;
};
// Reads ?wait and ?timeout_ms (and rejects query parameters other than those and
// `extra`) BEFORE anything is submitted.
Result<WaitOptions> ParseWaitOptions(const http::Request& req, const std::vector<std::string>& extra = {});
// Signs `body` with the member key, submits it and answers: 202 pending, or with
// wait: 200 with height, receipt and proof (202 "timed_out" if the commit does not
// come in time). Errors from admission keep their code.
http::Response SubmitWrite(Backend& node, pb::TxBody body, const WaitOptions& wait);

// The proof of a committed transaction in the API's JSON form, or null.
nlohmann::json ProofOrNull(const Backend& node, const std::string& tx_id);

}  // namespace cc::api
