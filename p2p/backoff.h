// Reconnect delays: exponential back-off with jitter.
//
// The n-th call of Next() (from 0) returns a delay uniformly drawn from
// [base/2, base], base = min(initial * 2^n, max). Reset() starts again at n = 0 (after
// a successful link). The jitter spreads the redials of many nodes that lost a common
// peer at the same moment.
//
// Thread safety: none; the transport calls it under its lock.
#pragma once

#include <chrono>
#include <cstdint>
#include <random>

namespace cc::p2p {

class Backoff {
 public:
  // REQUIRES: 0 < initial <= max.
  Backoff(std::chrono::milliseconds initial, std::chrono::milliseconds max, uint64_t seed);

  std::chrono::milliseconds Next();
  void Reset() { attempt_ = 0; }
  uint32_t attempt() const { return attempt_; }

 private:
  std::chrono::milliseconds initial_;
  std::chrono::milliseconds max_;
  uint32_t attempt_ = 0;
  std::mt19937_64 rng_;
};

}  // namespace cc::p2p
