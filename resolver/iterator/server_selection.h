// Choosing which authoritative server to ask: per-server round-trip estimates kept in the
// infrastructure cache, and a choice that favours fast servers without starving the others.
// Unbound's services/cache/infra.c and util/rtt.c are the model; the defaults are those of
// ../shared/docs/research/security.md section 5.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>

namespace redoubt::resolver {

struct RttLimits {
  uint32_t initial_rto_ms = 376;   // For a server never measured (Unbound UNKNOWN_SERVER_NICENESS).
  uint32_t min_rto_ms = 50;
  uint32_t max_rto_ms = 120000;    // A server this slow counts as down until it is probed.
  uint32_t band_ms = 400;          // Servers within this of the best are chosen at random.
};

// Smoothed RTT and variance with exponential back-off on timeouts (RFC 6298 section 2, applied
// per server as in Unbound's util/rtt.c).
class RttEstimate {
 public:
  explicit RttEstimate(const RttLimits& limits = {});
  // A reply arrived after `rtt_ms`. Resets the back-off.
  void Update(uint32_t rtt_ms) noexcept;
  // The exchange timed out: the timeout doubles, up to max_rto_ms (RFC 6298 section 5.5).
  void Timeout() noexcept;
  // The time to wait for a reply before giving up on this server.
  uint32_t RtoMs() const noexcept;
  bool Measured() const noexcept { return measured_; }
  uint32_t Timeouts() const noexcept { return timeouts_; }

 private:
  RttLimits limits_;
  uint32_t srtt_ = 0, rttvar_ = 0;
  uint32_t backed_off_rto_ = 0;  // Non-zero after timeouts.
  uint32_t timeouts_ = 0;
  bool measured_ = false;
};

// One server the iterator could ask, as the selection sees it.
struct ServerCandidate {
  uint32_t rto_ms = 0;     // RttEstimate::RtoMs(), or the initial RTO when unknown.
  bool usable = true;      // False when lame for this zone or over its failure budget.
};

// Picks the candidate to ask next (index into `candidates`): among usable servers whose RTO
// lies within band_ms of the best one, uniformly at random (`random_below(n)` returns a value
// in [0, n)), so a slightly slower server still gets queries and its estimate stays fresh.
// Servers at max_rto_ms are chosen only when nothing else is usable. Returns nothing when no
// candidate is usable.
std::optional<size_t> ChooseServer(std::span<const ServerCandidate> candidates,
                                   const std::function<uint32_t(uint32_t)>& random_below,
                                   const RttLimits& limits = {});

}  // namespace redoubt::resolver
