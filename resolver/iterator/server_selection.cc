#include "resolver/iterator/server_selection.h"

#include <algorithm>
#include <vector>

namespace redoubt::resolver {

RttEstimate::RttEstimate(const RttLimits& limits) : limits_(limits) {}

void RttEstimate::Update(uint32_t rtt_ms) noexcept {
  if (!measured_) {
    srtt_ = rtt_ms;
    rttvar_ = rtt_ms / 2;
    measured_ = true;
  } else {
    uint32_t delta = srtt_ > rtt_ms ? srtt_ - rtt_ms : rtt_ms - srtt_;
    rttvar_ = (3 * rttvar_ + delta) / 4;
    srtt_ = (7 * srtt_ + rtt_ms) / 8;
  }
  backed_off_rto_ = 0;
  timeouts_ = 0;
}

void RttEstimate::Timeout() noexcept {
  uint32_t current = RtoMs();
  backed_off_rto_ = current >= limits_.max_rto_ms / 2 ? limits_.max_rto_ms : current * 2;
  ++timeouts_;
}

uint32_t RttEstimate::RtoMs() const noexcept {
  if (backed_off_rto_ != 0) return backed_off_rto_;
  if (!measured_) return limits_.initial_rto_ms;
  uint64_t rto = uint64_t{srtt_} + 4 * uint64_t{rttvar_};
  return static_cast<uint32_t>(std::clamp<uint64_t>(rto, limits_.min_rto_ms, limits_.max_rto_ms));
}

std::optional<size_t> ChooseServer(std::span<const ServerCandidate> candidates,
                                   const std::function<uint32_t(uint32_t)>& random_below,
                                   const RttLimits& limits) {
  std::optional<uint32_t> best;
  bool any_alive = false;
  for (const ServerCandidate& c : candidates) {
    if (!c.usable) continue;
    if (c.rto_ms < limits.max_rto_ms) any_alive = true;
  }
  for (const ServerCandidate& c : candidates) {
    if (!c.usable || (any_alive && c.rto_ms >= limits.max_rto_ms)) continue;
    if (!best || c.rto_ms < *best) best = c.rto_ms;
  }
  if (!best) return std::nullopt;
  std::vector<size_t> band;
  for (size_t i = 0; i < candidates.size(); ++i) {
    const ServerCandidate& c = candidates[i];
    if (!c.usable || (any_alive && c.rto_ms >= limits.max_rto_ms)) continue;
    if (c.rto_ms <= *best + limits.band_ms) band.push_back(i);
  }
  uint32_t pick = random_below(static_cast<uint32_t>(band.size()));
  return band[std::min<size_t>(pick, band.size() - 1)];
}

}  // namespace redoubt::resolver
