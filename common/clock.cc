#include "common/clock.h"

namespace cc {

uint64_t Clock::SteadyMs() const {
  return static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(Steady().time_since_epoch()).count());
}

uint64_t SystemClock::WallMs() const {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count());
}

Clock::SteadyTime SystemClock::Steady() const { return std::chrono::steady_clock::now(); }

const SystemClock& SystemClock::Get() {
  static const SystemClock clock;
  return clock;
}

void FakeClock::Advance(std::chrono::nanoseconds d) {
  steady_ns_.fetch_add(d.count());
  wall_ms_.fetch_add(static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(d).count()));
}

}  // namespace cc
