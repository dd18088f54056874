// Rng: the simulation's only source of randomness, a SplitMix64 generator.
//
// Written out here (not std::uniform_*_distribution, whose output is
// implementation-defined) so a seed replays the same run on every platform and
// standard library. Modulo reduction has a bias of at most range / 2^64, which is
// irrelevant for a fault injector.
//
// Thread safety: a value; one per simulation.
#pragma once

#include <cstdint>
#include <vector>

namespace cc::sim {

class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}

  uint64_t Next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  // Uniform in [lo, hi]. REQUIRES: lo <= hi.
  uint64_t Uniform(uint64_t lo, uint64_t hi) {
    const uint64_t span = hi - lo + 1;
    return span == 0 ? Next() : lo + Next() % span;
  }
  // True with probability p (p <= 0: never, p >= 1: always).
  bool Chance(double p) {
    if (p <= 0) return false;
    if (p >= 1) return true;
    return static_cast<double>(Next() >> 11) * 0x1.0p-53 < p;
  }
  // Uniform in [lo, hi).
  double Real(double lo, double hi) { return lo + (hi - lo) * static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  template <typename T>
  void Shuffle(std::vector<T>& v) {
    for (size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[Uniform(0, i - 1)]);
  }
  // A fresh generator whose stream is independent of this one's future draws.
  Rng Fork() { return Rng(Next()); }

 private:
  uint64_t state_;
};

}  // namespace cc::sim
