#include "http/router.h"

#include <algorithm>
#include <cstdlib>
#include <set>

namespace cc::http {

bool Access::Allows(Role role) const {
  if (public_ || role == Role::kAdmin) return true;
  return std::find(roles_.begin(), roles_.end(), role) != roles_.end();
}

namespace {

std::vector<std::string_view> SplitPath(std::string_view path) {
  std::vector<std::string_view> out;
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  while (true) {
    const size_t slash = path.find('/');
    out.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return out;
}

bool IsParam(std::string_view segment) {
  return segment.size() >= 2 && segment.front() == '{' && segment.back() == '}';
}

// True if `a` is more specific than `b` (both match the same number of segments).
bool MoreSpecific(const Router::Route& a, const Router::Route& b) {
  for (size_t i = 0; i < a.segments.size(); ++i) {
    const bool pa = IsParam(a.segments[i]);
    const bool pb = IsParam(b.segments[i]);
    if (pa != pb) return !pa;
  }
  return false;
}

bool Matches(const Router::Route& route, const std::vector<std::string_view>& parts) {
  if (route.segments.size() != parts.size()) return false;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (IsParam(route.segments[i])) {
      if (parts[i].empty()) return false;
    } else if (route.segments[i] != parts[i]) {
      return false;
    }
  }
  return true;
}

}  // namespace

void Router::Add(std::string method, std::string pattern, Access access, Handler handler) {
  if (pattern.empty() || pattern.front() != '/' || method.empty() || !handler) std::abort();
  Route route{std::move(method), std::move(pattern), std::move(access), std::move(handler), {}};
  std::set<std::string_view> names;
  for (std::string_view s : SplitPath(route.pattern)) {
    if (IsParam(s)) {
      const std::string_view name = s.substr(1, s.size() - 2);
      if (name.empty() || !names.insert(name).second) std::abort();
    } else if (s.find_first_of("{}") != std::string_view::npos) {
      std::abort();  // a brace that is not a whole-segment parameter
    }
    route.segments.emplace_back(s);
  }
  for (const Route& r : routes_) {
    // "/a/{x}" and "/a/{y}" are the same route: neither would ever be preferred.
    bool same_shape = r.method == route.method && r.segments.size() == route.segments.size();
    for (size_t i = 0; same_shape && i < r.segments.size(); ++i) {
      same_shape =
          r.segments[i] == route.segments[i] || (IsParam(r.segments[i]) && IsParam(route.segments[i]));
    }
    if (same_shape) std::abort();
  }
  routes_.push_back(std::move(route));
}

Router::Match Router::Find(std::string_view method, std::string_view path) const {
  const std::vector<std::string_view> parts = SplitPath(path);
  const Route* best = nullptr;
  std::set<std::string> allowed;
  for (const Route& r : routes_) {
    if (!Matches(r, parts)) continue;
    allowed.insert(r.method);
    if (r.method != method) continue;
    if (best == nullptr || MoreSpecific(r, *best)) best = &r;
  }
  Match m;
  if (best == nullptr) {
    if (allowed.empty()) return m;
    m.kind = Match::Kind::kMethodNotAllowed;
    for (const std::string& a : allowed) m.allow += (m.allow.empty() ? "" : ", ") + a;
    return m;
  }
  for (size_t i = 0; i < parts.size(); ++i) {
    const std::string& seg = best->segments[i];
    if (!IsParam(seg)) continue;
    auto decoded = UrlDecode(parts[i], /*plus_is_space=*/false);
    if (!decoded) {
      m.kind = Match::Kind::kBadPath;
      return m;
    }
    m.params[seg.substr(1, seg.size() - 2)] = std::move(*decoded);
  }
  m.kind = Match::Kind::kFound;
  m.route = best;
  return m;
}

}  // namespace cc::http
