// LinkModel: what the network switch of scripts/netns.sh does to each Ethernet frame
// between the hosts of a test network: deliver it after a delay, or drop it.
//
// Each host has one link into the switch. A host's link profile (SetProfile, the
// netem-like words of ParseProfile) applies to the frames the host sends, as
// `tc qdisc ... netem` does on a host's egress: so "delay 50ms 10ms" on every host
// gives every one-way path 50 ms ± 10 ms.
//   - delay D [J]: each frame waits D plus a uniform draw in [-J, +J] (at least 0).
//     Frames from one host to another stay in order (a frame never leaves before an
//     earlier frame of the same pair), as on a real path; reordering is asked for
//     separately.
//   - loss P%: each frame is dropped with probability P.
//   - reorder P%: each frame, with probability P, is sent at once, overtaking the
//     delayed frames before it (netem's meaning of reorder).
// Partitions: Cut(i) drops every frame from and to host i (the host sees no carrier
// change, as in a WAN partition); CutOneWay(i, j) drops frames from i to j only.
//
// Pure: no clock, no sockets; time and randomness come in as arguments.
// Thread safety: none (the switch's one thread owns it).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"

namespace cc::netns {

using Nanos = std::chrono::nanoseconds;

struct LinkProfile {
  Nanos delay{0};
  Nanos jitter{0};
  double loss = 0;     // probability, 0..1
  double reorder = 0;  // probability, 0..1

  bool operator==(const LinkProfile&) const = default;
  // netem-like words, e.g. "delay 50ms 10ms loss 1%", or "none".
  std::string ToString() const;
};

// Parses netem-like words: any of "delay D [J]", "loss P%", "reorder P%", or the single
// word "clear" / "none" (no impairment). Durations take us, ms or s; percentages 0..100.
// Code "usage" for anything else.
Result<LinkProfile> ParseProfile(const std::vector<std::string>& words);

class LinkModel {
 public:
  // REQUIRES: hosts > 0.
  LinkModel(size_t hosts, uint64_t seed);

  size_t hosts() const { return profiles_.size(); }

  // REQUIRES: host < hosts() (also for every host argument below).
  void SetProfile(size_t host, const LinkProfile& profile) { profiles_[host] = profile; }
  const LinkProfile& profile(size_t host) const { return profiles_[host]; }

  void Cut(size_t host) { cut_.insert(host); }
  void CutOneWay(size_t from, size_t to) { one_way_.insert({from, to}); }
  // Heal(): every cut; Heal(i): i's link and every one-way cut from or to i;
  // Heal(i, j): the one-way cut from i to j.
  void Heal() {
    cut_.clear();
    one_way_.clear();
  }
  void Heal(size_t host);
  void Heal(size_t from, size_t to) { one_way_.erase({from, to}); }
  bool Blocked(size_t from, size_t to) const;

  // The time a frame from `from` to `to`, arriving at the switch at `now`, leaves it;
  // nullopt if it is dropped. Draws from the model's random generator.
  // REQUIRES: from != to.
  std::optional<Nanos> Route(size_t from, size_t to, Nanos now);

  // One line per host with its profile and cuts.
  std::string Describe() const;

 private:
  std::vector<LinkProfile> profiles_;
  std::set<size_t> cut_;
  std::set<std::pair<size_t, size_t>> one_way_;
  // The departure time of the last in-order frame of each (from, to) pair.
  std::vector<std::vector<Nanos>> last_departure_;
  std::mt19937_64 rng_;
};

}  // namespace cc::netns
