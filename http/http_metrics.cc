#include "http/http_metrics.h"

#include <string>

namespace cc::http {

HttpMetrics::HttpMetrics(metrics::Registry& registry)
    : requests_(registry.AddCounterFamily("creditd_http_requests_total",
                                          "HTTP requests answered, by route pattern and status class",
                                          {"method", "route", "class"})),
      latency_(registry.AddHistogramFamily("creditd_http_request_duration_seconds",
                                           "Time from a complete request to its response",
                                           {"method", "route"}, metrics::LatencyBuckets())),
      connections_(registry.AddGauge("creditd_http_connections", "Open HTTP connections")),
      rejected_(registry.AddCounter("creditd_http_connections_rejected_total",
                                    "HTTP connections refused because max_connections was reached")) {}

void HttpMetrics::RecordRequest(std::string_view method, std::string_view route, int status, double seconds) {
  std::string m = route.empty() ? "other" : std::string(method);
  std::string r = route.empty() ? "unmatched" : std::string(route);
  const int cls = status >= 100 && status < 600 ? status / 100 : 5;
  requests_.WithLabels({m, r, std::to_string(cls) + "xx"}).Inc();
  latency_.WithLabels({std::move(m), std::move(r)}).Observe(seconds);
}

}  // namespace cc::http
