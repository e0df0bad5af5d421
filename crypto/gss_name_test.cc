#include "crypto/gss_name.h"

#include <gtest/gtest.h>

namespace redoubt::crypto {
namespace {

TEST(GssNameTest, DomainBasedNameMapsToTheThreePartPrincipal) {  // RFC 5179 section 2.
  auto name = ParseGssTargetName("DNS@corp.example@ns1.corp.example");
  ASSERT_TRUE(name) << name.error();
  EXPECT_EQ(name->kind, GssTargetName::Kind::kDomainBased);
  EXPECT_EQ(name->ToText(), "DNS@corp.example@ns1.corp.example");
  EXPECT_EQ(name->KerberosPrincipal("CORP.EXAMPLE"), "DNS/ns1.corp.example/corp.example@CORP.EXAMPLE");
}

TEST(GssNameTest, HostBasedNameMapsToTheTwoPartPrincipal) {
  auto name = ParseGssTargetName("DNS@NS1.Corp.Example.");
  ASSERT_TRUE(name) << name.error();
  EXPECT_EQ(name->kind, GssTargetName::Kind::kHostBased);
  EXPECT_EQ(name->host, "ns1.corp.example");  // Lower case, no final dot: compared as ASCII.
  EXPECT_EQ(name->KerberosPrincipal("CORP.EXAMPLE"), "DNS/ns1.corp.example@CORP.EXAMPLE");
  EXPECT_EQ(name->KerberosPrincipal(""), "DNS/ns1.corp.example");  // The default realm.
}

// RFC 5178 section 5: UTF-8 names are accepted and kept, displayed and compared as A-labels.
TEST(GssNameTest, InternationalisedNamesBecomeALabels) {
  auto name = ParseGssTargetName("DNS@bücher.example@ns1.bücher.example");
  ASSERT_TRUE(name) << name.error();
  EXPECT_EQ(name->domain, "xn--bcher-kva.example");
  EXPECT_EQ(name->host, "ns1.xn--bcher-kva.example");
  auto same = ParseGssTargetName("DNS@XN--BCHER-KVA.example@ns1.xn--bcher-kva.example");
  ASSERT_TRUE(same) << same.error();
  EXPECT_EQ(*name, *same);
}

TEST(GssNameTest, MalformedNamesAreRefusedWithTheReason) {
  const std::pair<const char*, const char*> kCases[] = {
      {"ns1.corp.example", "not service@host"},
      {"@corp.example", "not a service name"},
      {"D NS@corp.example", "not a service name"},
      {"DNS@corp@ns1.corp.example", "two labels"},          // RFC 5178: domain needs two labels.
      {"DNS@corp.example@ns1", "two labels"},
      {"DNS@a@b@c.example", "more than two"},
      {"DNS@-bad.example", "hyphen"},
      {"DNS@bad_host.example", "not letters, digits and hyphens"},
      {"DNS@a..example", "empty label"},
      {"DNS@", "empty"},
  };
  for (const auto& [text, reason] : kCases) {
    auto name = ParseGssTargetName(text);
    ASSERT_FALSE(name) << text;
    EXPECT_NE(name.error().find(reason), std::string::npos) << text << ": " << name.error();
  }
}

TEST(GssNameTest, OverlongLabelIsRefused) {
  std::string label(64, 'a');
  EXPECT_FALSE(ParseGssTargetName("DNS@" + label + ".example"));
  EXPECT_TRUE(ParseGssTargetName("DNS@" + std::string(63, 'a') + ".example"));
}

}  // namespace
}  // namespace redoubt::crypto
