#include "http/metrics.h"

#include <charconv>
#include <cmath>
#include <variant>

namespace cc::metrics {

void Gauge::Add(double delta) {
  double current = value_.load(std::memory_order_relaxed);
  while (!value_.compare_exchange_weak(current, current + delta, std::memory_order_relaxed)) {
  }
}

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)), counts_(bounds_.size() + 1, 0) {
  for (size_t i = 0; i < bounds_.size(); ++i) {
    if (!std::isfinite(bounds_[i]) || (i > 0 && bounds_[i] <= bounds_[i - 1])) std::abort();
  }
}

void Histogram::Observe(double value) {
  size_t bucket = 0;
  while (bucket < bounds_.size() && value > bounds_[bucket]) ++bucket;
  std::lock_guard<std::mutex> lock(mu_);
  ++counts_[bucket];
  sum_ += value;
  ++count_;
}

Histogram::Snapshot Histogram::Read() const {
  Snapshot s;
  s.bounds = bounds_;
  std::lock_guard<std::mutex> lock(mu_);
  uint64_t running = 0;
  for (uint64_t c : counts_) {
    running += c;
    s.cumulative.push_back(running);
  }
  s.sum = sum_;
  s.count = count_;
  return s;
}

std::vector<double> LatencyBuckets() {
  return {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

std::string FormatValue(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::general);
  return std::string(buf, res.ptr);
}

std::string EscapeLabelValue(const std::string& v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

struct Registry::Entry {
  std::string name;
  std::string help;
  const char* type;
  std::variant<std::unique_ptr<Counter>, std::unique_ptr<Gauge>, std::unique_ptr<Histogram>,
               std::unique_ptr<CounterFamily>, std::unique_ptr<GaugeFamily>, std::unique_ptr<HistogramFamily>>
      metric;
};

Registry::Registry() = default;
Registry::~Registry() = default;

namespace {

bool ValidName(const std::string& name) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
    const bool digit = c >= '0' && c <= '9';
    if (!alpha && !(digit && i > 0)) return false;
  }
  return true;
}

// `{a="x",b="y"` plus an optional extra label, closed with `}`; "" when no labels.
std::string LabelSet(const std::vector<std::string>& names, const std::vector<std::string>& values,
                     const std::string& extra_name = "", const std::string& extra_value = "") {
  if (names.empty() && extra_name.empty()) return "";
  std::string out = "{";
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += ',';
    out += names[i] + "=\"" + EscapeLabelValue(values[i]) + "\"";
  }
  if (!extra_name.empty()) {
    if (!names.empty()) out += ',';
    out += extra_name + "=\"" + EscapeLabelValue(extra_value) + "\"";
  }
  return out + "}";
}

void RenderHistogram(std::string& out, const std::string& name, const std::vector<std::string>& label_names,
                     const std::vector<std::string>& values, const Histogram& h) {
  const Histogram::Snapshot s = h.Read();
  for (size_t i = 0; i <= s.bounds.size(); ++i) {
    const std::string le = i < s.bounds.size() ? FormatValue(s.bounds[i]) : "+Inf";
    out += name + "_bucket" + LabelSet(label_names, values, "le", le) + " " +
           std::to_string(s.cumulative[i]) + "\n";
  }
  out += name + "_sum" + LabelSet(label_names, values) + " " + FormatValue(s.sum) + "\n";
  out += name + "_count" + LabelSet(label_names, values) + " " + std::to_string(s.count) + "\n";
}

}  // namespace

Registry::Entry& Registry::Register(const std::string& name, const std::string& help, const char* type) {
  if (!ValidName(name)) std::abort();  // programming error
  for (const auto& e : entries_) {
    if (e->name == name) std::abort();  // registered twice: programming error
  }
  entries_.push_back(std::make_unique<Entry>(Entry{name, help, type, {}}));
  return *entries_.back();
}

Counter& Registry::AddCounter(const std::string& name, const std::string& help) {
  std::lock_guard<std::mutex> lock(mu_);
  auto m = std::make_unique<Counter>();
  Counter& ref = *m;
  Register(name, help, "counter").metric = std::move(m);
  return ref;
}

Gauge& Registry::AddGauge(const std::string& name, const std::string& help) {
  std::lock_guard<std::mutex> lock(mu_);
  auto m = std::make_unique<Gauge>();
  Gauge& ref = *m;
  Register(name, help, "gauge").metric = std::move(m);
  return ref;
}

Histogram& Registry::AddHistogram(const std::string& name, const std::string& help,
                                  std::vector<double> bounds) {
  std::lock_guard<std::mutex> lock(mu_);
  auto m = std::make_unique<Histogram>(std::move(bounds));
  Histogram& ref = *m;
  Register(name, help, "histogram").metric = std::move(m);
  return ref;
}

CounterFamily& Registry::AddCounterFamily(const std::string& name, const std::string& help,
                                          std::vector<std::string> label_names) {
  std::lock_guard<std::mutex> lock(mu_);
  auto m = std::make_unique<CounterFamily>(std::move(label_names));
  CounterFamily& ref = *m;
  Register(name, help, "counter").metric = std::move(m);
  return ref;
}

GaugeFamily& Registry::AddGaugeFamily(const std::string& name, const std::string& help,
                                      std::vector<std::string> label_names) {
  std::lock_guard<std::mutex> lock(mu_);
  auto m = std::make_unique<GaugeFamily>(std::move(label_names));
  GaugeFamily& ref = *m;
  Register(name, help, "gauge").metric = std::move(m);
  return ref;
}

HistogramFamily& Registry::AddHistogramFamily(const std::string& name, const std::string& help,
                                              std::vector<std::string> label_names,
                                              std::vector<double> bounds) {
  std::lock_guard<std::mutex> lock(mu_);
  Histogram check(bounds);  // validates the bounds now rather than on first use
  auto m = std::make_unique<HistogramFamily>(std::move(label_names), std::move(bounds));
  HistogramFamily& ref = *m;
  Register(name, help, "histogram").metric = std::move(m);
  return ref;
}

std::string Registry::Render() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::string out;
  for (const auto& e : entries_) {
    std::string help;
    for (char c : e->help) {
      if (c == '\\') {
        help += "\\\\";
      } else if (c == '\n') {
        help += "\\n";
      } else {
        help.push_back(c);
      }
    }
    out += "# HELP " + e->name + " " + help + "\n";
    out += "# TYPE " + e->name + " " + e->type + "\n";
    const std::string& n = e->name;
    std::visit(
        [&](const auto& m) {
          using T = std::decay_t<decltype(*m)>;
          if constexpr (std::is_same_v<T, Counter>) {
            out += n + " " + std::to_string(m->Value()) + "\n";
          } else if constexpr (std::is_same_v<T, Gauge>) {
            out += n + " " + FormatValue(m->Value()) + "\n";
          } else if constexpr (std::is_same_v<T, Histogram>) {
            RenderHistogram(out, n, {}, {}, *m);
          } else if constexpr (std::is_same_v<T, CounterFamily>) {
            m->ForEach([&](const std::vector<std::string>& v, const Counter& c) {
              out += n + LabelSet(m->label_names(), v) + " " + std::to_string(c.Value()) + "\n";
            });
          } else if constexpr (std::is_same_v<T, GaugeFamily>) {
            m->ForEach([&](const std::vector<std::string>& v, const Gauge& g) {
              out += n + LabelSet(m->label_names(), v) + " " + FormatValue(g.Value()) + "\n";
            });
          } else {
            m->ForEach([&](const std::vector<std::string>& v, const Histogram& h) {
              RenderHistogram(out, n, m->label_names(), v, h);
            });
          }
        },
        e->metric);
  }
  return out;
}

}  // namespace cc::metrics
