#include "cache/ttl_policy.h"

#include <gtest/gtest.h>

namespace redoubt::cache {
namespace {

constexpr uint64_t kNow = 1'800'000'000;

TEST(TtlPolicyTest, ReceivedTtlIsCappedByTheConfiguredMaximum) {
  TtlBounds bounds;
  bounds.max_ttl = 3600;
  EXPECT_EQ(TtlOnInsert({300, {}, {}, false}, bounds, kNow), 300u);
  EXPECT_EQ(TtlOnInsert({86400, {}, {}, false}, bounds, kNow), 3600u);
}

TEST(TtlPolicyTest, TopBitSetMeansZero) {
  EXPECT_EQ(TtlOnInsert({0x80000001u, {}, {}, false}, {}, kNow), 0u);
}

TEST(TtlPolicyTest, SignatureOriginalTtlAndExpiryBoundTheTtl) {
  TtlBounds bounds;
  // A server that inflates the TTL beyond the signature's original TTL (RFC 2065 2.3.3).
  EXPECT_EQ(TtlOnInsert({7200, 600, kNow + 86400, false}, bounds, kNow), 600u);
  // A signature that expires in 100 s.
  EXPECT_EQ(TtlOnInsert({3600, 3600, kNow + 100, false}, bounds, kNow), 100u);
  // An expired signature: not cached at all.
  EXPECT_EQ(TtlOnInsert({3600, 3600, kNow - 1, false}, bounds, kNow), 0u);
}

TEST(TtlPolicyTest, MinimumTtlNeverOutlivesTheSignature) {
  TtlBounds bounds;
  bounds.min_ttl = 300;
  EXPECT_EQ(TtlOnInsert({10, {}, {}, false}, bounds, kNow), 300u);
  EXPECT_EQ(TtlOnInsert({10, 10, kNow + 60, false}, bounds, kNow), 60u);
}

TEST(TtlPolicyTest, NegativeAnswersUseTheSoaRuleAndTheirOwnCap) {
  TtlBounds bounds;
  bounds.max_negative_ttl = 900;
  EXPECT_EQ(NegativeTtl(3600, 300), 300u);
  EXPECT_EQ(NegativeTtl(60, 300), 60u);
  EXPECT_EQ(TtlOnInsert({NegativeTtl(86400, 86400), {}, {}, true}, bounds, kNow), 900u);
  bounds.min_ttl = 3600;  // The floor is for positive data only.
  EXPECT_EQ(TtlOnInsert({30, {}, {}, true}, bounds, kNow), 30u);
}

TEST(TtlPolicyTest, RemainingTtlCountsDownAndExpires) {
  EXPECT_EQ(RemainingTtl(kNow, 300, kNow), 300u);
  EXPECT_EQ(RemainingTtl(kNow, 300, kNow + 120), 180u);
  EXPECT_EQ(RemainingTtl(kNow, 300, kNow + 299), 1u);
  EXPECT_FALSE(RemainingTtl(kNow, 300, kNow + 300).has_value());
  EXPECT_EQ(RemainingTtl(kNow, 300, kNow - 50), 300u);  // Clock moved back: no bonus.
}

TEST(TtlPolicyTest, StaleWindowOnlyWhenConfigured) {
  TtlBounds bounds;
  EXPECT_FALSE(WithinStaleWindow(kNow, 300, kNow + 400, bounds));
  bounds.stale_window = 600;
  EXPECT_TRUE(WithinStaleWindow(kNow, 300, kNow + 400, bounds));
  EXPECT_FALSE(WithinStaleWindow(kNow, 300, kNow + 900, bounds));
}

}  // namespace
}  // namespace redoubt::cache
