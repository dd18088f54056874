// Metrics of the HTTP server, registered in a metrics::Registry owned by the node:
//   creditd_http_requests_total{method,route,class}      counter
//   creditd_http_request_duration_seconds{method,route}  histogram (LatencyBuckets)
//   creditd_http_connections                             gauge (open connections)
//   creditd_http_connections_rejected_total              counter (over max_connections)
// `route` is the matched route pattern ("/v1/blocks/{height}"), never the raw path,
// so label cardinality is bounded by the routing table; requests that match no route
// (404, 400 garbage, 413 before routing, ...) are counted as route="unmatched",
// method="other". `class` is "2xx", "4xx", ...
//
// Thread safety: thread-safe. REQUIRES: the Registry outlives this object.
#pragma once

#include <string_view>

#include "http/metrics.h"

namespace cc::http {

class HttpMetrics {
 public:
  explicit HttpMetrics(metrics::Registry& registry);

  // `route` empty means no route matched.
  void RecordRequest(std::string_view method, std::string_view route, int status, double seconds);
  void ConnectionOpened() { connections_.Add(1); }
  void ConnectionClosed() { connections_.Add(-1); }
  void ConnectionRejected() { rejected_.Inc(); }

 private:
  metrics::CounterFamily& requests_;
  metrics::HistogramFamily& latency_;
  metrics::Gauge& connections_;
  metrics::Counter& rejected_;
};

}  // namespace cc::http
