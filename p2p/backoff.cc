#include "p2p/backoff.h"

#include <algorithm>
#include <cstdlib>

namespace cc::p2p {

Backoff::Backoff(std::chrono::milliseconds initial, std::chrono::milliseconds max, uint64_t seed)
    : initial_(initial), max_(max), rng_(seed) {
  if (initial_.count() <= 0 || max_ < initial_) std::abort();
}

std::chrono::milliseconds Backoff::Next() {
  // Doubling stops once the cap is reached, so the shift can never overflow.
  int64_t base = initial_.count();
  for (uint32_t i = 0; i < attempt_ && base < max_.count(); ++i) base *= 2;
  base = std::min<int64_t>(base, max_.count());
  if (base < max_.count()) ++attempt_;
  std::uniform_int_distribution<int64_t> jitter(base / 2, base);
  return std::chrono::milliseconds(jitter(rng_));
}

}  // namespace cc::p2p
