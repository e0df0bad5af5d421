// The one place that decides how long cached data may be served (design guide section 5).
//
// What is served is never more than
//   min(TTL as received, capped by the configured bounds,
//       the signature's original TTL        (RFC 4035 section 5.3.3; RFC 2065 section 2.3.3),
//       signature expiry - now              (RFC 4035 section 5.3.3; RFC 2065 section 2.3.3))
// counted down from the time the entry was stored. RFC 2181 section 8: a TTL with the top bit
// set is treated as zero. RFC 2308 section 5: a negative answer lives for
// min(SOA TTL, SOA MINIMUM), capped by max-negative-ttl. RFC 8767: an expired entry may be
// served stale for a window when every upstream fails.
#pragma once

#include <cstdint>
#include <optional>

namespace redoubt::cache {

struct TtlBounds {
  uint32_t min_ttl = 0;             // Raise shorter TTLs to this (0: off).
  uint32_t max_ttl = 86400;         // Cap every TTL (Unbound's cache-max-ttl default).
  uint32_t max_negative_ttl = 3600; // Cap negative answers (RFC 2308 section 5; Unbound's default).
  uint32_t stale_window = 0;        // RFC 8767 serve-stale window in seconds; 0: off.
};

// What is known about the data when it is stored.
struct TtlInputs {
  uint32_t received_ttl = 0;                 // The RRset's TTL (the minimum over its records).
  std::optional<uint32_t> original_ttl;      // From the covering RRSIG/SIG, if signed.
  std::optional<uint32_t> signature_expiry;  // Absolute, seconds since the epoch, if signed.
  bool negative = false;                     // NXDOMAIN or NODATA (received_ttl: SOA rule).
};

// The TTL an entry gets at `now` (seconds since the epoch): the bound the rule above allows.
// 0 means "do not cache".
uint32_t TtlOnInsert(const TtlInputs& inputs, const TtlBounds& bounds, uint64_t now);

// The negative TTL of RFC 2308 section 5: min(SOA record TTL, SOA MINIMUM field).
uint32_t NegativeTtl(uint32_t soa_ttl, uint32_t soa_minimum);

// The remaining TTL of an entry stored at `stored` with `ttl`, at `now`: counts down, never
// below zero; nullopt once expired.
std::optional<uint32_t> RemainingTtl(uint64_t stored, uint32_t ttl, uint64_t now);

// True when an expired entry may still be served stale at `now` (RFC 8767 section 4).
bool WithinStaleWindow(uint64_t stored, uint32_t ttl, uint64_t now, const TtlBounds& bounds);

}  // namespace redoubt::cache
