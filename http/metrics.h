// A small Prometheus metrics library: counters, gauges and fixed-bucket histograms,
// optionally with labels, rendered in the Prometheus text exposition format 0.0.4.
//
// Usage:
//   metrics::Registry registry;
//   auto& height = registry.AddGauge("creditd_height", "Height of the last committed block");
//   auto& commits = registry.AddHistogram("creditd_commit_latency_seconds", "...",
//                                         metrics::LatencyBuckets());
//   height.Set(42);  commits.Observe(0.012);
//   auto& reqs = registry.AddCounterFamily("x_total", "...", {"route", "class"});
//   reqs.WithLabels({"/v1/blocks/{height}", "2xx"}).Inc();
//   std::string text = registry.Render();
//
// Metric objects are owned by the Registry; references returned by Add* and
// WithLabels stay valid for the Registry's lifetime. Names must match
// [a-zA-Z_:][a-zA-Z0-9_:]* and be registered once (a broken invariant aborts).
// Label values are escaped on rendering; callers must keep label cardinality
// bounded (never put client-supplied strings in a label).
//
// Thread safety: everything is thread-safe. Counter and Gauge updates are lock-free;
// Histogram::Observe and WithLabels take a short mutex.
#pragma once

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <type_traits>
#include <vector>

namespace cc::metrics {

class Counter {
 public:
  void Inc(uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  uint64_t Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> value_{0};
};

class Gauge {
 public:
  void Set(double v) { value_.store(v, std::memory_order_relaxed); }
  void Add(double delta);
  double Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

class Histogram {
 public:
  struct Snapshot {
    std::vector<double> bounds;        // upper bounds, ascending; +Inf is implicit
    std::vector<uint64_t> cumulative;  // bounds.size() + 1 entries (last = count)
    double sum = 0;
    uint64_t count = 0;
  };
  // REQUIRES: bounds strictly ascending and finite.
  explicit Histogram(std::vector<double> bounds);
  void Observe(double value);
  Snapshot Read() const;

 private:
  const std::vector<double> bounds_;
  mutable std::mutex mu_;
  std::vector<uint64_t> counts_;  // per bucket (not cumulative), last is +Inf
  double sum_ = 0;
  uint64_t count_ = 0;
};

// 0.5 ms .. 10 s, suited to request and commit latencies in seconds.
std::vector<double> LatencyBuckets();

// A metric with label names; one child per distinct tuple of label values.
template <typename M>
class Family {
 public:
  Family(std::vector<std::string> label_names, std::vector<double> bounds = {})
      : label_names_(std::move(label_names)), bounds_(std::move(bounds)) {}
  // REQUIRES: values.size() == number of label names.
  M& WithLabels(const std::vector<std::string>& values);
  const std::vector<std::string>& label_names() const { return label_names_; }
  // Calls f(values, metric) for every child, in label-value order.
  template <typename F>
  void ForEach(F&& f) const {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [values, metric] : children_) f(values, *metric);
  }

 private:
  const std::vector<std::string> label_names_;
  const std::vector<double> bounds_;  // histograms only
  mutable std::mutex mu_;
  std::map<std::vector<std::string>, std::unique_ptr<M>> children_;
};

template <typename M>
M& Family<M>::WithLabels(const std::vector<std::string>& values) {
  if (values.size() != label_names_.size()) std::abort();  // programming error
  std::lock_guard<std::mutex> lock(mu_);
  auto& slot = children_[values];
  if (!slot) {
    if constexpr (std::is_same_v<M, Histogram>) {
      slot = std::make_unique<M>(bounds_);
    } else {
      slot = std::make_unique<M>();
    }
  }
  return *slot;
}

using CounterFamily = Family<Counter>;
using GaugeFamily = Family<Gauge>;
using HistogramFamily = Family<Histogram>;

class Registry {
 public:
  Registry();
  ~Registry();
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  Counter& AddCounter(const std::string& name, const std::string& help);
  Gauge& AddGauge(const std::string& name, const std::string& help);
  Histogram& AddHistogram(const std::string& name, const std::string& help, std::vector<double> bounds);
  CounterFamily& AddCounterFamily(const std::string& name, const std::string& help,
                                  std::vector<std::string> label_names);
  GaugeFamily& AddGaugeFamily(const std::string& name, const std::string& help,
                              std::vector<std::string> label_names);
  HistogramFamily& AddHistogramFamily(const std::string& name, const std::string& help,
                                      std::vector<std::string> label_names, std::vector<double> bounds);

  // All metrics in registration order, in Prometheus text format.
  std::string Render() const;

 private:
  struct Entry;
  Entry& Register(const std::string& name, const std::string& help, const char* type);
  mutable std::mutex mu_;
  std::vector<std::unique_ptr<Entry>> entries_;
};

// Formats a sample value the way Prometheus expects ("+Inf", "NaN", shortest
// round-trip decimal otherwise).
std::string FormatValue(double v);
// Escapes a label value: backslash, double quote and newline.
std::string EscapeLabelValue(const std::string& v);

}  // namespace cc::metrics
