#include "http/metrics.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <thread>
#include <vector>

#include "http/http_metrics.h"

namespace cc::metrics {
namespace {

TEST(Metrics, RendersCounterAndGaugeWithHelpAndType) {
  Registry r;
  Counter& c = r.AddCounter("creditd_views_changed_total", "View changes");
  Gauge& g = r.AddGauge("creditd_height", "Committed height");
  c.Inc();
  c.Inc(4);
  g.Set(41);
  g.Add(1.5);
  EXPECT_EQ(r.Render(),
            "# HELP creditd_views_changed_total View changes\n"
            "# TYPE creditd_views_changed_total counter\n"
            "creditd_views_changed_total 5\n"
            "# HELP creditd_height Committed height\n"
            "# TYPE creditd_height gauge\n"
            "creditd_height 42.5\n");
}

TEST(Metrics, HistogramBucketsAreCumulativeWithInfSumAndCount) {
  Registry r;
  Histogram& h = r.AddHistogram("lat_seconds", "Latency", {0.5, 1});
  h.Observe(0.25);
  h.Observe(0.5);  // boundary counts in its bucket (le = "less or equal")
  h.Observe(0.75);
  h.Observe(7);
  EXPECT_EQ(r.Render(),
            "# HELP lat_seconds Latency\n"
            "# TYPE lat_seconds histogram\n"
            "lat_seconds_bucket{le=\"0.5\"} 2\n"
            "lat_seconds_bucket{le=\"1\"} 3\n"
            "lat_seconds_bucket{le=\"+Inf\"} 4\n"
            "lat_seconds_sum 8.5\n"
            "lat_seconds_count 4\n");
}

TEST(Metrics, LabelledFamiliesRenderEachChildWithEscapedValues) {
  Registry r;
  CounterFamily& f = r.AddCounterFamily("req_total", "Requests", {"route", "class"});
  f.WithLabels({"/v1/blocks/{height}", "2xx"}).Inc(2);
  f.WithLabels({"a\"b\\c\nd", "4xx"}).Inc();
  HistogramFamily& h = r.AddHistogramFamily("d_seconds", "D", {"route"}, {1});
  h.WithLabels({"/x"}).Observe(2);
  const std::string text = r.Render();
  EXPECT_NE(text.find("req_total{route=\"/v1/blocks/{height}\",class=\"2xx\"} 2\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("req_total{route=\"a\\\"b\\\\c\\nd\",class=\"4xx\"} 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("d_seconds_bucket{route=\"/x\",le=\"1\"} 0\n"), std::string::npos) << text;
  EXPECT_NE(text.find("d_seconds_bucket{route=\"/x\",le=\"+Inf\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("d_seconds_count{route=\"/x\"} 1\n"), std::string::npos);
  // The same label values give the same child.
  EXPECT_EQ(&f.WithLabels({"x", "y"}), &f.WithLabels({"x", "y"}));
}

TEST(Metrics, FormatValueHandlesSpecialValues) {
  EXPECT_EQ(FormatValue(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(FormatValue(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(FormatValue(std::nan("")), "NaN");
  EXPECT_EQ(FormatValue(0.0005), "0.0005");
  EXPECT_EQ(FormatValue(3), "3");
}

TEST(Metrics, ConcurrentUpdatesAreNotLost) {
  Registry r;
  Counter& c = r.AddCounter("c_total", "c");
  Gauge& g = r.AddGauge("g", "g");
  Histogram& h = r.AddHistogram("h", "h", LatencyBuckets());
  CounterFamily& f = r.AddCounterFamily("f_total", "f", {"k"});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10000; ++i) {
        c.Inc();
        g.Add(1);
        h.Observe(0.001);
        f.WithLabels({std::to_string(i % 3)}).Inc();
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(c.Value(), 40000u);
  EXPECT_EQ(g.Value(), 40000);
  EXPECT_EQ(h.Read().count, 40000u);
  uint64_t total = 0;
  f.ForEach([&](const std::vector<std::string>&, const Counter& child) { total += child.Value(); });
  EXPECT_EQ(total, 40000u);
}

TEST(MetricsDeathTest, InvalidOrDuplicateNamesAbort) {
  Registry r;
  r.AddCounter("ok_total", "x");
  EXPECT_DEATH(r.AddCounter("ok_total", "again"), "");
  EXPECT_DEATH(r.AddGauge("9starts_with_digit", "x"), "");
  EXPECT_DEATH(r.AddGauge("has-dash", "x"), "");
  EXPECT_DEATH(r.AddHistogram("h", "x", {1, 1}), "");
}

TEST(HttpMetrics, CountsByRouteAndStatusClassAndBoundsUnmatched) {
  Registry r;
  cc::http::HttpMetrics m(r);
  m.RecordRequest("GET", "/v1/blocks/{height}", 200, 0.002);
  m.RecordRequest("GET", "/v1/blocks/{height}", 404, 0.001);
  m.RecordRequest("BREW", "", 404, 0);  // unmatched: neither method nor path kept
  m.ConnectionOpened();
  m.ConnectionRejected();
  const std::string text = r.Render();
  EXPECT_NE(text.find("creditd_http_requests_total{method=\"GET\",route=\"/v1/blocks/{height}\","
                      "class=\"2xx\"} 1\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("creditd_http_requests_total{method=\"GET\",route=\"/v1/blocks/{height}\","
                      "class=\"4xx\"} 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("creditd_http_requests_total{method=\"other\",route=\"unmatched\","
                      "class=\"4xx\"} 1\n"),
            std::string::npos);
  EXPECT_EQ(text.find("BREW"), std::string::npos);
  EXPECT_NE(text.find("creditd_http_request_duration_seconds_count{method=\"GET\","
                      "route=\"/v1/blocks/{height}\"} 2\n"),
            std::string::npos);
  EXPECT_NE(text.find("creditd_http_connections 1\n"), std::string::npos);
  EXPECT_NE(text.find("creditd_http_connections_rejected_total 1\n"), std::string::npos);
}

}  // namespace
}  // namespace cc::metrics
