// ViewHealth: whether this validator takes part in consensus, judged against what
// its peers say. Every node announces (height, view, in view change) to its peers
// every 500 ms (StatusAnnounce); this keeps each validator's latest announcement
// and compares it with the replica's own state, so a validator left alone in
// another view, which keeps its height by block sync and looks "ready", shows up
// in /v1/status, /readyz, /metrics and the log (issue 9).
//
// A validator participates when it is not in a view change and at least a quorum
// (2f+1, itself included) of validators are in its view. Otherwise the report says
// why: alone (or short of a quorum) in a view change, behind or ahead of the view
// a quorum is in, or too few validators heard from in its view.
//
// Thread safety: every method may be called from any thread.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "consensus/replica.h"

namespace cc::node {

class ViewHealth {
 public:
  // `fresh_ms`: an announcement older than this no longer counts.
  ViewHealth(uint32_t n, uint32_t self, uint64_t fresh_ms);

  void NotePeer(uint32_t validator, uint64_t view, bool in_view_change, uint64_t now_ms);

  struct Report {
    bool participating = false;
    uint32_t validators_in_view = 0;      // itself included (when not changing view)
    std::optional<uint64_t> quorum_view;  // a view 2f+1 validators announce, if any
    std::string reason;                   // "" when participating
    // By validator index: the view it announced lately (nullopt: not heard lately;
    // this validator's own entry is its replica's view).
    std::vector<std::optional<uint64_t>> views;
  };
  Report Evaluate(const consensus::Stats& self, uint64_t now_ms) const;

 private:
  struct Announced {
    uint64_t view = 0;
    bool in_view_change = false;
    uint64_t at_ms = 0;
    bool heard = false;
  };
  const uint32_t n_;
  const uint32_t self_;
  const uint64_t fresh_ms_;
  mutable std::mutex mu_;
  std::vector<Announced> peers_;  // guarded by mu_
};

}  // namespace cc::node
