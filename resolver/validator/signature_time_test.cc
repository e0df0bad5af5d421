#include "resolver/validator/signature_time.h"

#include <gtest/gtest.h>

namespace redoubt::resolver {
namespace {

constexpr int64_t kNow = 1'700'000'000;
constexpr uint32_t kHour = 3600, kDay = 86400;
uint32_t At(int64_t t) { return static_cast<uint32_t>(t); }

// security.md C "Clock skew": 30-day signatures get 24 h of skew (10 % = 72 h, clamped).
TEST(SignatureTime, ThirtyDaySignaturesAllowADayOfSkewNotMore) {
  uint32_t inception = At(kNow + 23 * kHour), expiration = At(inception + 30 * kDay);
  EXPECT_EQ(JudgeSignatureTime(inception, expiration, kNow), SignatureTime::kValid);
  inception = At(kNow + 25 * kHour);
  EXPECT_EQ(JudgeSignatureTime(inception, At(inception + 30 * kDay), kNow),
            SignatureTime::kNotYetValid);
  expiration = At(kNow - 23 * kHour);
  EXPECT_EQ(JudgeSignatureTime(At(expiration - 30 * kDay), expiration, kNow), SignatureTime::kValid);
  expiration = At(kNow - 25 * kHour);
  EXPECT_EQ(JudgeSignatureTime(At(expiration - 30 * kDay), expiration, kNow),
            SignatureTime::kExpired);
}

// Two-hour signatures get the one-hour floor: 59 minutes late is accepted, 61 is not.
TEST(SignatureTime, ShortSignaturesGetTheOneHourFloor) {
  uint32_t expiration = At(kNow - 59 * 60);
  EXPECT_EQ(JudgeSignatureTime(At(expiration - 2 * kHour), expiration, kNow), SignatureTime::kValid);
  expiration = At(kNow - 61 * 60);
  EXPECT_EQ(JudgeSignatureTime(At(expiration - 2 * kHour), expiration, kNow),
            SignatureTime::kExpired);
  uint32_t inception = At(kNow + 61 * 60);
  EXPECT_EQ(JudgeSignatureTime(inception, At(inception + 2 * kHour), kNow),
            SignatureTime::kNotYetValid);
}

// EDE 25: a window that ends before it starts is refused whatever the clock says.
TEST(SignatureTime, ExpirationBeforeInceptionIsNeverValid) {
  EXPECT_EQ(JudgeSignatureTime(At(kNow + 10), At(kNow - 10), kNow),
            SignatureTime::kExpiredBeforeValid);
}

// RFC 4034 section 3.1.5: serial arithmetic, so a window straddling 2^32 seconds (2106) works.
TEST(SignatureTime, WindowAcrossTheThirtyTwoBitWrapIsValid) {
  int64_t now = (int64_t{1} << 32) + 100;  // Just after the wrap.
  uint32_t inception = static_cast<uint32_t>(now - kDay), expiration = static_cast<uint32_t>(now + kDay);
  ASSERT_GT(inception, expiration);  // Plain integers would call this "expired before valid".
  EXPECT_EQ(JudgeSignatureTime(inception, expiration, now), SignatureTime::kValid);
  EXPECT_EQ(SecondsUntilExpiry(expiration, now), kDay);
}

TEST(SignatureTime, ExpiryBoundCountsDownAndNeverIncludesSkew) {
  EXPECT_EQ(SecondsUntilExpiry(At(kNow + 120), kNow), 120u);
  EXPECT_EQ(SecondsUntilExpiry(At(kNow - 1), kNow), 0u);
  EXPECT_EQ(SkewFor(2 * kHour, {}), kHour);
  EXPECT_EQ(SkewFor(5 * kDay, {}), 12 * kHour);
  EXPECT_EQ(SkewFor(300 * kDay, {}), kDay);
}

}  // namespace
}  // namespace redoubt::resolver
