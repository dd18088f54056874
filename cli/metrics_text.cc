#include "cli/metrics_text.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>

namespace cc::cli {

namespace {

Status Bad(size_t line_no, const std::string& what) {
  return Status::Error("protocol", "metrics line " + std::to_string(line_no) + ": " + what);
}

std::optional<double> ParseValue(const std::string& s) {
  if (s == "+Inf" || s == "Inf") return std::numeric_limits<double>::infinity();
  if (s == "-Inf") return -std::numeric_limits<double>::infinity();
  if (s == "NaN") return std::numeric_limits<double>::quiet_NaN();
  if (s.empty()) return std::nullopt;
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size()) return std::nullopt;
  return v;
}

// Parses `{a="x",b="y"}` starting at text[*pos] == '{'; leaves *pos after '}'.
bool ParseLabels(const std::string& text, size_t* pos, std::map<std::string, std::string>* out) {
  size_t i = *pos + 1;
  while (i < text.size() && text[i] != '}') {
    const size_t eq = text.find('=', i);
    if (eq == std::string::npos || eq + 1 >= text.size() || text[eq + 1] != '"') return false;
    std::string name = text.substr(i, eq - i);
    std::string value;
    size_t j = eq + 2;
    for (; j < text.size() && text[j] != '"'; ++j) {
      if (text[j] == '\\' && j + 1 < text.size()) {
        ++j;
        value += text[j] == 'n' ? '\n' : text[j];
      } else {
        value += text[j];
      }
    }
    if (j >= text.size()) return false;
    (*out)[name] = value;
    i = j + 1;
    if (i < text.size() && text[i] == ',') ++i;
  }
  if (i >= text.size()) return false;
  *pos = i + 1;
  return true;
}

}  // namespace

Result<std::vector<MetricSample>> ParseMetricsText(const std::string& text) {
  std::vector<MetricSample> samples;
  size_t start = 0;
  size_t line_no = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    start = end + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    MetricSample s;
    size_t pos = 0;
    while (pos < line.size() && line[pos] != '{' && line[pos] != ' ') ++pos;
    s.name = line.substr(0, pos);
    if (s.name.empty()) return Bad(line_no, "no metric name");
    if (pos < line.size() && line[pos] == '{' && !ParseLabels(line, &pos, &s.labels)) {
      return Bad(line_no, "malformed labels");
    }
    while (pos < line.size() && line[pos] == ' ') ++pos;
    const size_t value_end = line.find(' ', pos);  // an optional timestamp follows
    auto v =
        ParseValue(line.substr(pos, value_end == std::string::npos ? std::string::npos : value_end - pos));
    if (!v) return Bad(line_no, "malformed value");
    s.value = *v;
    samples.push_back(std::move(s));
  }
  return samples;
}

std::optional<double> FindSample(const std::vector<MetricSample>& samples, const std::string& name) {
  for (const auto& s : samples) {
    if (s.name == name && s.labels.empty()) return s.value;
  }
  return std::nullopt;
}

Result<HistogramData> ExtractHistogram(const std::vector<MetricSample>& samples, const std::string& name) {
  std::vector<std::pair<double, double>> buckets;  // (le, cumulative)
  std::optional<double> sum, count;
  for (const auto& s : samples) {
    if (s.name == name + "_bucket") {
      if (s.labels.size() != 1 || !s.labels.count("le")) continue;  // labelled children
      auto le = ParseValue(s.labels.at("le"));
      if (!le) return Status::Error("protocol", name + ": bad le '" + s.labels.at("le") + "'");
      buckets.emplace_back(*le, s.value);
    } else if (s.name == name + "_sum" && s.labels.empty()) {
      sum = s.value;
    } else if (s.name == name + "_count" && s.labels.empty()) {
      count = s.value;
    }
  }
  if (buckets.empty()) return Status::Error("not_found", "no histogram " + name);
  std::sort(buckets.begin(), buckets.end());
  if (!std::isinf(buckets.back().first)) return Status::Error("protocol", name + ": no +Inf bucket");
  HistogramData h;
  for (size_t i = 0; i < buckets.size(); ++i) {
    if (buckets[i].second < 0 || (i > 0 && buckets[i].second < buckets[i - 1].second) ||
        (i > 0 && buckets[i].first == buckets[i - 1].first)) {
      return Status::Error("protocol", name + ": buckets are not cumulative");
    }
    if (i + 1 < buckets.size()) h.bounds.push_back(buckets[i].first);
    h.cumulative.push_back(static_cast<uint64_t>(buckets[i].second));
  }
  h.count = h.cumulative.back();
  if (count && static_cast<uint64_t>(*count) != h.count) {
    return Status::Error("protocol", name + ": _count disagrees with the +Inf bucket");
  }
  h.sum = sum.value_or(0);
  return h;
}

Result<HistogramData> HistogramDelta(const HistogramData& after, const HistogramData& before) {
  if (after.bounds != before.bounds || after.cumulative.size() != before.cumulative.size()) {
    return Status::Error("protocol", "histogram buckets changed between scrapes");
  }
  HistogramData d;
  d.bounds = after.bounds;
  for (size_t i = 0; i < after.cumulative.size(); ++i) {
    if (after.cumulative[i] < before.cumulative[i]) {
      return Status::Error("protocol", "histogram counts went down (did the node restart?)");
    }
    d.cumulative.push_back(after.cumulative[i] - before.cumulative[i]);
  }
  d.count = d.cumulative.back();
  d.sum = after.sum - before.sum;
  return d;
}

Result<HistogramData> HistogramSum(const HistogramData& a, const HistogramData& b) {
  if (a.cumulative.empty()) return b;
  if (a.bounds != b.bounds || a.cumulative.size() != b.cumulative.size()) {
    return Status::Error("protocol", "histograms with different buckets");
  }
  HistogramData s = a;
  for (size_t i = 0; i < s.cumulative.size(); ++i) s.cumulative[i] += b.cumulative[i];
  s.count += b.count;
  s.sum += b.sum;
  return s;
}

std::optional<double> HistogramQuantile(const HistogramData& h, double q) {
  if (h.count == 0 || h.cumulative.empty()) return std::nullopt;
  const double rank = q * static_cast<double>(h.count);
  for (size_t i = 0; i < h.cumulative.size(); ++i) {
    if (static_cast<double>(h.cumulative[i]) < rank) continue;
    if (i == h.bounds.size()) return std::numeric_limits<double>::infinity();
    const double lower = i == 0 ? 0.0 : h.bounds[i - 1];
    const double below = i == 0 ? 0.0 : static_cast<double>(h.cumulative[i - 1]);
    const double in_bucket = static_cast<double>(h.cumulative[i]) - below;
    if (in_bucket <= 0) return h.bounds[i];
    return lower + (h.bounds[i] - lower) * ((rank - below) / in_bucket);
  }
  return std::numeric_limits<double>::infinity();
}

std::optional<double> HistogramMaxBound(const HistogramData& h) {
  if (h.count == 0 || h.cumulative.empty()) return std::nullopt;
  for (size_t i = 0; i < h.cumulative.size(); ++i) {
    if (h.cumulative[i] == h.count) {
      return i < h.bounds.size() ? h.bounds[i] : std::numeric_limits<double>::infinity();
    }
  }
  return std::numeric_limits<double>::infinity();
}

}  // namespace cc::cli
