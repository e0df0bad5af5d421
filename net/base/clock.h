// Time sources. Code that needs time takes a Clock& so tests can simulate it (design guide
// section 4). Two readings exist because DNS needs both: a monotonic clock for timeouts and RTTs,
// and wall-clock seconds since the epoch for RRSIG/SIG validity windows (RFC 4034 section 3.1.5)
// and cache TTL arithmetic that survives a restart.
#pragma once

#include <chrono>
#include <cstdint>

namespace redoubt {

using MonoTime = std::chrono::steady_clock::time_point;
using Duration = std::chrono::nanoseconds;

class Clock {
 public:
  virtual ~Clock() = default;
  // Monotonic time; never goes backwards.
  virtual MonoTime Now() const noexcept = 0;
  // Seconds since 1970-01-01 UTC, no leap seconds (the unit of RRSIG times).
  virtual int64_t WallSeconds() const noexcept = 0;
};

// The system's clocks.
class RealClock final : public Clock {
 public:
  MonoTime Now() const noexcept override;
  int64_t WallSeconds() const noexcept override;
};

// A clock that moves only when told to. Both readings advance together. Not thread-safe.
class SimulatedClock final : public Clock {
 public:
  explicit SimulatedClock(int64_t wall_seconds = 1'700'000'000) : wall_start_(wall_seconds) {}
  MonoTime Now() const noexcept override { return MonoTime(elapsed_); }
  int64_t WallSeconds() const noexcept override {
    return wall_start_ + std::chrono::duration_cast<std::chrono::seconds>(elapsed_).count();
  }
  // Moves both readings forward by d (d >= 0).
  void Advance(Duration d) noexcept { elapsed_ += d; }

 private:
  int64_t wall_start_;
  Duration elapsed_{0};
};

}  // namespace redoubt
