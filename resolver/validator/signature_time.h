// When a signature may be believed: its validity window judged against the wall clock, with the
// clock-skew allowance redoubt documents (docs/dnssec.md, "Time"), and how long a validated RRset
// may live before its signature expires.
//
// RFC 4034 section 3.1.5: inception and expiration are 32-bit serial numbers (RFC 1982), so a
// window is judged relative to "now", never by plain integer comparison, and it wraps in 2106.
// Skew policy (Unbound's, security.md section C "Clock skew"): both ends of the window are
// widened by 10 % of its length, at least 1 hour and at most 24 hours. A window whose expiration
// lies before its inception is never valid (EDE 25, RFC 8914 section 4.25).
#pragma once

#include <cstdint>

namespace redoubt::resolver {

enum class SignatureTime : uint8_t {
  kValid,
  kExpired,             // now > expiration + skew (EDE 7).
  kNotYetValid,         // now < inception - skew (EDE 8).
  kExpiredBeforeValid,  // expiration < inception (EDE 25).
};

struct SkewPolicy {
  uint32_t percent_of_validity = 10;
  uint32_t min_seconds = 3600;
  uint32_t max_seconds = 86400;
};

// The allowance for a window of `validity_seconds` under `policy`.
uint32_t SkewFor(uint32_t validity_seconds, const SkewPolicy& policy) noexcept;

// Judges the window [inception, expiration] (RRSIG/SIG fields) at `now` (seconds since the
// epoch, read from the wall clock by the caller when it judges).
SignatureTime JudgeSignatureTime(uint32_t inception, uint32_t expiration, int64_t now,
                                 const SkewPolicy& policy = {}) noexcept;

// Seconds from `now` until `expiration` (serial arithmetic), 0 when it has passed: the bound
// RFC 4035 section 5.3.3 puts on a validated RRset's TTL. The skew never lengthens it.
uint32_t SecondsUntilExpiry(uint32_t expiration, int64_t now) noexcept;

}  // namespace redoubt::resolver
