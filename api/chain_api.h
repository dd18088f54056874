// The chain endpoints of the HTTP API (docs/api.md): health, readiness, metrics,
// status, blocks, transactions (submit, look up with proof), evidence.
//
// Every parameter of a request is checked before anything is admitted, and a
// query parameter an endpoint does not define is refused (400 unknown_field).
//
// Thread safety: handlers run on the HTTP I/O threads; the Backend is thread-safe.
#pragma once

#include <chrono>
#include <string>

#include "api/backend.h"
#include "http/message.h"
#include "http/router.h"

namespace cc::api {

// Registers the chain endpoints on `router`. `backend` must outlive the server.
void RegisterChainRoutes(http::Router& router, Backend& backend);
// The answer for a committed transaction: location, receipt, body and proof
// (GET /v1/tx/{id}, and every ?wait=commit write).
http::Response CommittedTxResponse(const Backend& backend, const std::string& tx_id,
                                   const ledger::TxLocation& loc);
// Waits up to `timeout` for `tx_id` to commit: CommittedTxResponse, or 202 pending
// with "timed_out": true.
http::Response WaitForCommitResponse(Backend& backend, const std::string& tx_id,
                                     std::chrono::milliseconds timeout);

}  // namespace cc::api
