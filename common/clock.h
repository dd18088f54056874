// Clock: the one seam through which CreditChain reads time.
//
// Two readings, for two purposes:
//   - WallMs(): milliseconds since the Unix epoch (UTC). Calendar meaning: block
//     timestamps chosen by a primary, transaction validity windows, query times, the
//     "today" of a borrower report, log timestamps.
//   - Steady(): a monotonic time point for measuring intervals (timeouts, ticks,
//     latencies, expiry of waiting transactions). It never goes backwards.
//
// Production code takes a `const Clock&` from its owner (only node/ and the binaries
// pick SystemClock); tests pass a FakeClock and set the time explicitly, so no test
// depends on today's date or on how fast the machine is. Waiting itself (condition
// variables, socket deadlines) still sleeps in real time: a deadline only bounds how
// long something waits, never what the answer is.
//
// Thread safety: every method of both implementations is thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace cc {

class Clock {
 public:
  using SteadyTime = std::chrono::steady_clock::time_point;
  virtual ~Clock() = default;
  virtual uint64_t WallMs() const = 0;
  virtual SteadyTime Steady() const = 0;
  // Steady() in whole milliseconds since the steady clock's epoch.
  uint64_t SteadyMs() const;
};

// The operating system's clocks.
class SystemClock final : public Clock {
 public:
  uint64_t WallMs() const override;
  SteadyTime Steady() const override;
  // One process-wide instance; it has no state.
  static const SystemClock& Get();
};

// A clock that moves only when told. Starts at `wall_ms` (wall) and at an
// arbitrary steady epoch; Advance moves both readings together, SetWallMs moves
// the wall reading alone (as an operator's clock correction would).
class FakeClock final : public Clock {
 public:
  explicit FakeClock(uint64_t wall_ms) : wall_ms_(wall_ms) {}
  uint64_t WallMs() const override { return wall_ms_.load(); }
  SteadyTime Steady() const override { return SteadyTime(std::chrono::nanoseconds(steady_ns_.load())); }
  void Advance(std::chrono::nanoseconds d);
  void SetWallMs(uint64_t wall_ms) { wall_ms_.store(wall_ms); }

 private:
  std::atomic<uint64_t> wall_ms_;
  std::atomic<int64_t> steady_ns_{int64_t{1'000'000'000} * 3600};
};

}  // namespace cc
