#include "contracts/state_reader.h"

#include <cstdlib>

namespace cc::contracts {

namespace {

bool HasPrefix(std::string_view key, std::string_view prefix) {
  return key.substr(0, prefix.size()) == prefix;
}

}  // namespace

std::optional<std::string> MemoryState::Get(std::string_view key) const {
  auto it = entries_.find(key);
  if (it == entries_.end()) return std::nullopt;
  return it->second;
}

StateEntries MemoryState::Scan(std::string_view prefix, size_t limit) const {
  StateEntries out;
  for (auto it = entries_.lower_bound(prefix);
       it != entries_.end() && out.size() < limit && HasPrefix(it->first, prefix); ++it) {
    out.emplace_back(it->first, it->second);
  }
  return out;
}

void MemoryState::Apply(const StateWrites& writes) {
  for (const auto& [key, value] : writes) {
    if (value) {
      entries_[key] = *value;
    } else {
      entries_.erase(key);
    }
  }
}

std::optional<std::string> Overlay::Get(std::string_view key) const {
  auto it = changes_.find(key);
  if (it != changes_.end()) return it->second;
  return base_.Get(key);
}

StateEntries Overlay::Scan(std::string_view prefix, size_t limit) const {
  // Each deletion in range can hide at most one base entry, so asking the base for
  // `limit + deletions` entries is enough to fill `limit` after merging.
  size_t deletions = 0;
  for (auto it = changes_.lower_bound(prefix); it != changes_.end() && HasPrefix(it->first, prefix); ++it) {
    if (!it->second) ++deletions;
  }
  const StateEntries base = base_.Scan(prefix, limit + deletions);
  StateEntries out;
  auto b = base.begin();
  auto c = changes_.lower_bound(prefix);
  auto c_in_range = [&] { return c != changes_.end() && HasPrefix(c->first, prefix); };
  while (out.size() < limit && (b != base.end() || c_in_range())) {
    if (c_in_range() && (b == base.end() || c->first <= b->first)) {
      if (b != base.end() && c->first == b->first) ++b;  // the change shadows the base
      if (c->second) out.emplace_back(c->first, *c->second);
      ++c;
    } else {
      out.push_back(*b);
      ++b;
    }
  }
  return out;
}

void Overlay::Put(std::string key, std::string value) { changes_[std::move(key)] = std::move(value); }

void Overlay::Delete(std::string key) { changes_[std::move(key)] = std::nullopt; }

void Overlay::Absorb(Overlay& child) {
  if (&child.base_ != this) std::abort();  // REQUIRES violated
  for (auto& [key, value] : child.changes_) changes_[key] = std::move(value);
  child.changes_.clear();
}

StateWrites Overlay::Writes() const {
  StateWrites out;
  out.reserve(changes_.size());
  for (const auto& [key, value] : changes_) out.emplace_back(key, value);
  return out;
}

}  // namespace cc::contracts
