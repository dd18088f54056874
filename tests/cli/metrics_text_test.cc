// Reading /metrics text: samples and histograms as the node's own Registry renders
// them, deltas between scrapes, and bucket-interpolated quantiles.
#include "cli/metrics_text.h"

#include <gtest/gtest.h>

#include <cmath>

#include "http/metrics.h"

namespace cc::cli {
namespace {

TEST(MetricsText, ReadsWhatTheNodeRegistryRenders) {
  metrics::Registry registry;
  auto& committed = registry.AddCounter("creditd_committed_transactions_total", "txs");
  auto& height = registry.AddGauge("creditd_height", "height");
  auto& latency =
      registry.AddHistogram("creditd_commit_latency_seconds", "latency", metrics::LatencyBuckets());
  auto& family = registry.AddCounterFamily("creditd_http_requests_total", "reqs", {"route", "class"});
  committed.Inc(1234);
  height.Set(42);
  family.WithLabels({"/v1/txs", "2xx"}).Inc(7);
  for (double v : {0.0003, 0.004, 0.004, 0.02, 30.0}) latency.Observe(v);

  auto samples = ParseMetricsText(registry.Render());
  ASSERT_TRUE(samples.ok()) << samples.status().ToString();
  EXPECT_EQ(FindSample(*samples, "creditd_committed_transactions_total"), 1234.0);
  EXPECT_EQ(FindSample(*samples, "creditd_height"), 42.0);
  EXPECT_FALSE(FindSample(*samples, "creditd_http_requests_total").has_value()) << "only unlabelled samples";
  bool found_labelled = false;
  for (const auto& s : *samples) {
    if (s.name == "creditd_http_requests_total") {
      found_labelled = true;
      EXPECT_EQ(s.labels.at("route"), "/v1/txs");
      EXPECT_EQ(s.labels.at("class"), "2xx");
      EXPECT_EQ(s.value, 7.0);
    }
  }
  EXPECT_TRUE(found_labelled);

  auto h = ExtractHistogram(*samples, "creditd_commit_latency_seconds");
  ASSERT_TRUE(h.ok()) << h.status().ToString();
  EXPECT_EQ(h->bounds, metrics::LatencyBuckets());
  EXPECT_EQ(h->count, 5u);
  EXPECT_NEAR(h->sum, 30.0283, 1e-9);
  // le=0.0005 holds 1, le=0.005 holds 3, le=0.025 holds 4, +Inf holds 5.
  EXPECT_EQ(h->cumulative[0], 1u);
  EXPECT_EQ(h->cumulative[3], 3u);
  EXPECT_EQ(h->cumulative[5], 4u);
  EXPECT_EQ(h->cumulative.back(), 5u);
  EXPECT_EQ(ExtractHistogram(*samples, "no_such").status().code(), "not_found");
}

HistogramData Make(std::vector<double> bounds, std::vector<uint64_t> cumulative) {
  HistogramData h;
  h.bounds = std::move(bounds);
  h.cumulative = std::move(cumulative);
  h.count = h.cumulative.back();
  return h;
}

TEST(MetricsText, QuantilesInterpolateWithinTheBucket) {
  // 10 observations in (0, 1], 10 in (1, 2], none above.
  const HistogramData h = Make({1, 2, 4}, {10, 20, 20, 20});
  EXPECT_DOUBLE_EQ(*HistogramQuantile(h, 0.5), 1.0);
  EXPECT_DOUBLE_EQ(*HistogramQuantile(h, 0.25), 0.5);
  EXPECT_DOUBLE_EQ(*HistogramQuantile(h, 0.75), 1.5);
  EXPECT_DOUBLE_EQ(*HistogramQuantile(h, 0.99), 1.98);
  EXPECT_DOUBLE_EQ(*HistogramMaxBound(h), 2.0);

  // Anything in the +Inf bucket is only known to be above the last bound.
  const HistogramData tail = Make({1, 2}, {5, 9, 10});
  EXPECT_TRUE(std::isinf(*HistogramQuantile(tail, 0.99)));
  EXPECT_TRUE(std::isinf(*HistogramMaxBound(tail)));
  EXPECT_DOUBLE_EQ(*HistogramQuantile(tail, 0.5), 1.0);

  const HistogramData empty = Make({1, 2}, {0, 0, 0});
  EXPECT_FALSE(HistogramQuantile(empty, 0.5).has_value());
  EXPECT_FALSE(HistogramMaxBound(empty).has_value());
}

TEST(MetricsText, DeltasAndSumsAcrossScrapesAndNodes) {
  const HistogramData before = Make({1, 2}, {3, 4, 4});
  const HistogramData after = Make({1, 2}, {3, 10, 12});
  auto d = HistogramDelta(after, before);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->cumulative, (std::vector<uint64_t>{0, 6, 8}));
  EXPECT_EQ(d->count, 8u);
  auto s = HistogramSum(HistogramData{}, *d);
  ASSERT_TRUE(s.ok());
  s = HistogramSum(*s, *d);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->cumulative, (std::vector<uint64_t>{0, 12, 16}));
  EXPECT_EQ(s->count, 16u);

  // A restarted node's counters go down; other buckets mean another node build.
  EXPECT_EQ(HistogramDelta(before, after).status().code(), "protocol");
  EXPECT_EQ(HistogramDelta(Make({1, 3}, {3, 10, 12}), before).status().code(), "protocol");
  EXPECT_EQ(HistogramSum(before, Make({1}, {1, 2})).status().code(), "protocol");
}

TEST(MetricsText, RefusesMalformedText) {
  EXPECT_EQ(ParseMetricsText("good 1\nbad{le=\"1\" 2\n").status().code(), "protocol");
  EXPECT_EQ(ParseMetricsText("novalue\n").status().code(), "protocol");
  EXPECT_EQ(ParseMetricsText("x abc\n").status().code(), "protocol");
  auto ok =
      ParseMetricsText("# HELP x y\n# TYPE x counter\n\nx 3 1700000000000\r\ny{a=\"q\\\"uote\"} +Inf\n");
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  ASSERT_EQ(ok->size(), 2u);
  EXPECT_EQ((*ok)[0].value, 3.0);
  EXPECT_EQ((*ok)[1].labels.at("a"), "q\"uote");
  EXPECT_TRUE(std::isinf((*ok)[1].value));
  // Buckets must be cumulative.
  auto samples = ParseMetricsText("h_bucket{le=\"1\"} 5\nh_bucket{le=\"+Inf\"} 4\nh_count 4\n");
  ASSERT_TRUE(samples.ok());
  EXPECT_EQ(ExtractHistogram(*samples, "h").status().code(), "protocol");
}

}  // namespace
}  // namespace cc::cli
