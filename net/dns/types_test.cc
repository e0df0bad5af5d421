#include "net/dns/types.h"

#include <gtest/gtest.h>

namespace redoubt::dns {
namespace {

TEST(TypesTest, TypeMnemonicsRoundTrip) {
  EXPECT_EQ(RrTypeToText(RrType::NSEC3PARAM), "NSEC3PARAM");
  EXPECT_EQ(RrTypeFromText("aaaa"), RrType::AAAA);
  EXPECT_EQ(RrTypeFromText("NSAP-PTR"), RrType::NSAP_PTR);
  EXPECT_EQ(RrTypeToText(static_cast<RrType>(65280)), "TYPE65280");
  EXPECT_EQ(RrTypeFromText("TYPE65280"), static_cast<RrType>(65280));
  EXPECT_EQ(RrTypeFromText("type1"), RrType::A);
  EXPECT_FALSE(RrTypeFromText("TYPE65536").has_value());
  EXPECT_FALSE(RrTypeFromText("TYPE").has_value());
  EXPECT_FALSE(RrTypeFromText("BOGUS").has_value());
}

TEST(TypesTest, ClassMnemonicsRoundTrip) {
  EXPECT_EQ(RrClassFromText("in"), RrClass::IN);
  EXPECT_EQ(RrClassFromText("CHAOS"), RrClass::CH);
  EXPECT_EQ(RrClassToText(static_cast<RrClass>(42)), "CLASS42");
  EXPECT_EQ(RrClassFromText("CLASS42"), static_cast<RrClass>(42));
  EXPECT_FALSE(RrClassFromText("XX").has_value());
}

TEST(TypesTest, DnssecAlgorithmsFromNumbersAndMnemonics) {
  // RFC 4034 Appendix A.1 and the IANA registry; case-insensitive like every mnemonic.
  EXPECT_EQ(DnssecAlgorithmFromText("RSASHA256"), DnssecAlgorithm::RSASHA256);
  EXPECT_EQ(DnssecAlgorithmFromText("ecdsap256sha256"), DnssecAlgorithm::ECDSAP256SHA256);
  EXPECT_EQ(DnssecAlgorithmFromText("Ed25519"), DnssecAlgorithm::ED25519);
  EXPECT_EQ(DnssecAlgorithmFromText("RSASHA1-NSEC3-SHA1"), DnssecAlgorithm::RSASHA1_NSEC3_SHA1);
  EXPECT_EQ(DnssecAlgorithmFromText("DSA-NSEC3-SHA1"), DnssecAlgorithm::DSA_NSEC3_SHA1);
  EXPECT_EQ(DnssecAlgorithmFromText("ECC-GOST12"), DnssecAlgorithm::ECC_GOST12);
  EXPECT_EQ(DnssecAlgorithmFromText("PRIVATEOID"), DnssecAlgorithm::PRIVATEOID);
  EXPECT_EQ(DnssecAlgorithmFromText("DELETE"), DnssecAlgorithm::DELETE);
  EXPECT_EQ(DnssecAlgorithmFromText("8"), DnssecAlgorithm::RSASHA256);
  EXPECT_EQ(DnssecAlgorithmFromText("200"), static_cast<DnssecAlgorithm>(200));  // Unassigned.
  EXPECT_EQ(DnssecAlgorithmFromText("0"), DnssecAlgorithm::DELETE);
  for (const char* bad : {"", "256", "-1", "+8", "8x", "RSASHA265", "RSASHA1_NSEC3_SHA1",
                          "ECDSA", "TYPE8"}) {
    EXPECT_FALSE(DnssecAlgorithmFromText(bad).has_value()) << bad;
  }
}

TEST(TypesTest, RcodeAndMeta) {
  EXPECT_EQ(RcodeToText(Rcode::NXDOMAIN), "NXDOMAIN");
  EXPECT_EQ(RcodeToText(Rcode::BADCOOKIE), "BADCOOKIE");
  EXPECT_EQ(RcodeToText(static_cast<Rcode>(3000)), "3000");
  EXPECT_TRUE(IsMetaType(RrType::OPT));
  EXPECT_TRUE(IsMetaType(RrType::ANY));
  EXPECT_FALSE(IsMetaType(RrType::A));
}

}  // namespace
}  // namespace redoubt::dns
