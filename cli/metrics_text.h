// Reading a node's /metrics (Prometheus text exposition format 0.0.4) for
// `creditctl bench`: plain samples and cumulative histograms, histogram deltas
// between two scrapes, and quantiles interpolated within buckets (the same
// estimate as Prometheus' histogram_quantile, so only bucket-resolution).
//
// Thread safety: pure functions over values.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"

namespace cc::cli {

struct MetricSample {
  std::string name;
  std::map<std::string, std::string> labels;
  double value = 0;
};

// Parses every sample line; "# HELP"/"# TYPE" comments and blank lines are skipped.
// Code "protocol" naming the line on a malformed one.
Result<std::vector<MetricSample>> ParseMetricsText(const std::string& text);

// The value of the unlabelled sample `name`, if present.
std::optional<double> FindSample(const std::vector<MetricSample>& samples, const std::string& name);

struct HistogramData {
  std::vector<double> bounds;        // finite upper bounds, ascending
  std::vector<uint64_t> cumulative;  // bounds.size() + 1 entries; the last is +Inf (= count)
  double sum = 0;
  uint64_t count = 0;
};

// The unlabelled histogram `name` (series name_bucket{le=...}, name_sum, name_count).
// Code "not_found" when absent, "protocol" when inconsistent.
Result<HistogramData> ExtractHistogram(const std::vector<MetricSample>& samples, const std::string& name);

// after - before, bucket by bucket. Code "protocol" if the bounds differ or a count
// went down (the node restarted between the scrapes).
Result<HistogramData> HistogramDelta(const HistogramData& after, const HistogramData& before);
// a + b. REQUIRES: equal bounds (or `a` empty: returns b).
Result<HistogramData> HistogramSum(const HistogramData& a, const HistogramData& b);

// The q-quantile (0 < q <= 1) with linear interpolation inside the bucket that holds
// it; the first bucket starts at 0. nullopt when the histogram is empty. If the
// quantile falls in the +Inf bucket, returns +infinity (only a lower bound, the
// last finite bound, is known).
std::optional<double> HistogramQuantile(const HistogramData& h, double q);
// The upper bound of the highest non-empty bucket (+infinity for the +Inf bucket);
// nullopt when empty. The largest observation is at most this.
std::optional<double> HistogramMaxBound(const HistogramData& h);

}  // namespace cc::cli
