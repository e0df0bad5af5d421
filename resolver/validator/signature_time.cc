#include "resolver/validator/signature_time.h"

#include <algorithm>

namespace redoubt::resolver {
namespace {

// `t` relative to `now` in RFC 1982 serial arithmetic: negative in the past, positive ahead.
int64_t Relative(uint32_t t, int64_t now) noexcept {
  return static_cast<int32_t>(t - static_cast<uint32_t>(now));
}

}  // namespace

uint32_t SkewFor(uint32_t validity_seconds, const SkewPolicy& policy) noexcept {
  uint64_t skew = static_cast<uint64_t>(validity_seconds) * policy.percent_of_validity / 100;
  return static_cast<uint32_t>(
      std::clamp<uint64_t>(skew, policy.min_seconds, std::max(policy.min_seconds, policy.max_seconds)));
}

SignatureTime JudgeSignatureTime(uint32_t inception, uint32_t expiration, int64_t now,
                                 const SkewPolicy& policy) noexcept {
  int64_t from = Relative(inception, now);
  int64_t until = Relative(expiration, now);
  if (until < from) return SignatureTime::kExpiredBeforeValid;
  int64_t skew = SkewFor(static_cast<uint32_t>(until - from), policy);
  if (until + skew < 0) return SignatureTime::kExpired;
  if (from - skew > 0) return SignatureTime::kNotYetValid;
  return SignatureTime::kValid;
}

uint32_t SecondsUntilExpiry(uint32_t expiration, int64_t now) noexcept {
  int64_t until = Relative(expiration, now);
  return until > 0 ? static_cast<uint32_t>(until) : 0;
}

}  // namespace redoubt::resolver
