// The node's whole HTTP API: the chain endpoints (chain_api.h) and the credit
// endpoints (credit_api.h), registered on one router.
#pragma once

#include "api/backend.h"
#include "http/router.h"
#include "monitor/monitor.h"

namespace cc::api {

// Registers every endpoint of docs/api.md. `backend` and `monitor` must outlive the
// server that serves `router`.
void RegisterRoutes(http::Router& router, Backend& backend, monitor::Monitor& monitor);

}  // namespace cc::api
