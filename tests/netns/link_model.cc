#include "tests/netns/link_model.h"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace cc::netns {
namespace {

Status Usage(const std::string& what) {
  return Status::Error("usage", what + " (expected: delay D [J] | loss P% | reorder P% | clear)");
}

// "50ms", "10us", "1s", "1.5ms" -> nanoseconds.
std::optional<Nanos> ParseDuration(const std::string& text) {
  double value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr == text.data() || !(value >= 0) || value > 3600) return std::nullopt;
  const std::string unit(ptr, end);
  double scale = 0;
  if (unit == "us") {
    scale = 1e3;
  } else if (unit == "ms") {
    scale = 1e6;
  } else if (unit == "s") {
    scale = 1e9;
  } else {
    return std::nullopt;
  }
  return Nanos(static_cast<int64_t>(std::llround(value * scale)));
}

// "1%", "0.5%" -> 0.01, 0.005.
std::optional<double> ParsePercent(const std::string& text) {
  if (text.empty() || text.back() != '%') return std::nullopt;
  double value = 0;
  const char* end = text.data() + text.size() - 1;
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr != end || !(value >= 0) || value > 100) return std::nullopt;
  return value / 100;
}

std::string Ms(Nanos d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%gms", static_cast<double>(d.count()) / 1e6);
  return buf;
}

std::string Percent(double p) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g%%", p * 100);
  return buf;
}

}  // namespace

std::string LinkProfile::ToString() const {
  std::string out;
  if (delay.count() > 0 || jitter.count() > 0)
    out += "delay " + Ms(delay) + (jitter.count() ? " " + Ms(jitter) : "");
  if (loss > 0) out += std::string(out.empty() ? "" : " ") + "loss " + Percent(loss);
  if (reorder > 0) out += std::string(out.empty() ? "" : " ") + "reorder " + Percent(reorder);
  return out.empty() ? "none" : out;
}

Result<LinkProfile> ParseProfile(const std::vector<std::string>& words) {
  LinkProfile p;
  if (words.empty()) return Usage("no impairment given");
  if (words.size() == 1 && (words[0] == "clear" || words[0] == "none")) return p;
  for (size_t k = 0; k < words.size();) {
    const std::string& w = words[k];
    if (w == "delay") {
      if (k + 1 >= words.size()) return Usage("delay: no duration");
      auto d = ParseDuration(words[k + 1]);
      if (!d) return Usage("delay: bad duration '" + words[k + 1] + "'");
      p.delay = *d;
      k += 2;
      if (k < words.size()) {
        if (auto j = ParseDuration(words[k])) {
          p.jitter = *j;
          ++k;
        }
      }
    } else if (w == "loss" || w == "reorder") {
      if (k + 1 >= words.size()) return Usage(w + ": no percentage");
      auto v = ParsePercent(words[k + 1]);
      if (!v) return Usage(w + ": bad percentage '" + words[k + 1] + "'");
      (w == "loss" ? p.loss : p.reorder) = *v;
      k += 2;
    } else {
      return Usage("unknown word '" + w + "'");
    }
  }
  return p;
}

LinkModel::LinkModel(size_t hosts, uint64_t seed)
    : profiles_(hosts), last_departure_(hosts, std::vector<Nanos>(hosts, Nanos(0))), rng_(seed) {}

void LinkModel::Heal(size_t host) {
  cut_.erase(host);
  for (auto it = one_way_.begin(); it != one_way_.end();) {
    it = (it->first == host || it->second == host) ? one_way_.erase(it) : std::next(it);
  }
}

bool LinkModel::Blocked(size_t from, size_t to) const {
  return cut_.count(from) || cut_.count(to) || one_way_.count({from, to});
}

std::optional<Nanos> LinkModel::Route(size_t from, size_t to, Nanos now) {
  if (Blocked(from, to)) return std::nullopt;
  const LinkProfile& p = profiles_[from];
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  if (p.loss > 0 && unit(rng_) < p.loss) return std::nullopt;
  if (p.reorder > 0 && unit(rng_) < p.reorder) return now;
  Nanos delay = p.delay;
  if (p.jitter.count() > 0) {
    std::uniform_int_distribution<int64_t> jitter(-p.jitter.count(), p.jitter.count());
    delay += Nanos(jitter(rng_));
  }
  Nanos departure = now + std::max(delay, Nanos(0));
  Nanos& last = last_departure_[from][to];
  departure = std::max(departure, last);
  last = departure;
  return departure;
}

std::string LinkModel::Describe() const {
  std::string out;
  for (size_t h = 0; h < profiles_.size(); ++h) {
    out += "host " + std::to_string(h) + ": " + profiles_[h].ToString();
    if (cut_.count(h)) out += "; link cut";
    for (const auto& [from, to] : one_way_) {
      if (from == h) out += "; drops to host " + std::to_string(to);
    }
    out += "\n";
  }
  return out;
}

}  // namespace cc::netns
