#include "cache/ttl_policy.h"

#include <algorithm>

namespace redoubt::cache {

uint32_t TtlOnInsert(const TtlInputs& in, const TtlBounds& bounds, uint64_t now) {
  // RFC 2181 section 8: a TTL with the most significant bit set is read as zero.
  uint32_t ttl = (in.received_ttl & 0x80000000u) ? 0 : in.received_ttl;
  if (in.original_ttl) ttl = std::min(ttl, *in.original_ttl);
  if (in.signature_expiry) {
    if (*in.signature_expiry <= now) return 0;
    ttl = static_cast<uint32_t>(std::min<uint64_t>(ttl, *in.signature_expiry - now));
  }
  ttl = std::min(ttl, in.negative ? std::min(bounds.max_negative_ttl, bounds.max_ttl) : bounds.max_ttl);
  // The floor applies to what the server allowed, never past a signature's expiry.
  if (!in.negative && ttl < bounds.min_ttl) {
    uint32_t floor = bounds.min_ttl;
    if (in.signature_expiry) floor = static_cast<uint32_t>(std::min<uint64_t>(floor, *in.signature_expiry - now));
    ttl = std::max(ttl, floor);
  }
  return ttl;
}

uint32_t NegativeTtl(uint32_t soa_ttl, uint32_t soa_minimum) { return std::min(soa_ttl, soa_minimum); }

std::optional<uint32_t> RemainingTtl(uint64_t stored, uint32_t ttl, uint64_t now) {
  if (now < stored) return ttl;  // The clock went back: serve what was granted, no more.
  uint64_t age = now - stored;
  if (age >= ttl) return std::nullopt;
  return static_cast<uint32_t>(ttl - age);
}

bool WithinStaleWindow(uint64_t stored, uint32_t ttl, uint64_t now, const TtlBounds& bounds) {
  if (bounds.stale_window == 0) return false;
  return now < stored + ttl + bounds.stale_window;
}

}  // namespace redoubt::cache
