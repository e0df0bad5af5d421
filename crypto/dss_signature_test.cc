#include "crypto/dss_signature.h"

#include <gtest/gtest.h>

#include <vector>

namespace redoubt::crypto {
namespace {

using Bytes = std::vector<uint8_t>;

Bytes View(const DerRsSignature& der) { return {der.view().begin(), der.view().end()}; }

TEST(DssSignatureTest, IntegersAreMinimalAndNeverNegative) {  // X.690 section 8.3.2.
  // r's leading zeros are dropped; s has its top bit set, so a zero octet keeps it positive.
  Bytes r = {0x00, 0x00, 0x7f};
  Bytes s = {0x80, 0x01};
  EXPECT_EQ(View(RsToDer(r, s)),
            (Bytes{0x30, 0x08, 0x02, 0x01, 0x7f, 0x02, 0x03, 0x00, 0x80, 0x01}));
  Bytes zero = {0x00, 0x00};  // Zero is one zero octet, not an empty INTEGER.
  EXPECT_EQ(View(RsToDer(zero, zero)), (Bytes{0x30, 0x06, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00}));
}

TEST(DssSignatureTest, EmptyOrOversizedHalvesGiveNoSignature) {
  Bytes ok(20, 0x11);
  EXPECT_EQ(RsToDer({}, ok).size, 0u);
  EXPECT_EQ(RsToDer(ok, Bytes(kMaxRsWidth + 1, 0x22)).size, 0u);
  EXPECT_NE(RsToDer(Bytes(kMaxRsWidth, 0xff), Bytes(kMaxRsWidth, 0xff)).size, 0u);
}

TEST(DssSignatureTest, DerToRsPadsEachHalfToTheWidth) {
  Bytes r(20, 0), s(20, 0);
  r[19] = 0x05;
  s[0] = 0x91;
  Bytes rs = r;
  rs.insert(rs.end(), s.begin(), s.end());
  EXPECT_EQ(DerToRs(View(RsToDer(r, s)), 20).value(), rs);
  Bytes wide(48, 0xff);  // Does not fit 20 octets.
  EXPECT_FALSE(DerToRs(View(RsToDer(wide, s)), 20).has_value());
  EXPECT_FALSE(DerToRs(Bytes{0x30, 0x03, 0x02, 0x01}, 20).has_value());  // Truncated.
}

}  // namespace
}  // namespace redoubt::crypto
