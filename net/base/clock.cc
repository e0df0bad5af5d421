#include "net/base/clock.h"

namespace redoubt {

MonoTime RealClock::Now() const noexcept { return std::chrono::steady_clock::now(); }

int64_t RealClock::WallSeconds() const noexcept {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace redoubt
