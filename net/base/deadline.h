// A point in monotonic time by which an operation must finish. Every network wait in redoubt
// carries one (design guide section 4).
#pragma once

#include <algorithm>

#include "net/base/clock.h"

namespace redoubt {

class Deadline {
 public:
  // A deadline `budget` after the clock's current time.
  static Deadline After(const Clock& clock, Duration budget) noexcept {
    return Deadline(clock.Now() + budget);
  }
  // A deadline that never expires.
  static Deadline Never() noexcept { return Deadline(MonoTime::max()); }

  explicit Deadline(MonoTime at) noexcept : at_(at) {}

  MonoTime at() const noexcept { return at_; }
  bool Expired(const Clock& clock) const noexcept { return clock.Now() >= at_; }
  // Time left, zero once expired.
  Duration Remaining(const Clock& clock) const noexcept {
    MonoTime now = clock.Now();
    return now >= at_ ? Duration::zero() : at_ - now;
  }
  // The earlier of two deadlines: a child step never outlives its parent.
  Deadline Min(Deadline other) const noexcept { return Deadline(std::min(at_, other.at_)); }

 private:
  MonoTime at_;
};

}  // namespace redoubt
