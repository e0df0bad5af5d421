#include "net/dns/canonical.h"

#include <gtest/gtest.h>

#include <vector>

namespace redoubt::dns {
namespace {

Name N(std::string_view text) { return Name::FromText(text).value(); }

RdataBytes Bytes(const Rdata& r) { return RdataToBytes(r).value(); }

TEST(CanonicalTest, SignedOwnerExpandsWildcardsAsRfc2535Examples) {
  // specs/dnssec-legacy.md 2.2: owner a.b.c.d. with labels 0..4.
  Name owner = N("a.B.c.d.");
  EXPECT_EQ(SignedOwner(owner, 0)->ToText(), "*.");
  EXPECT_EQ(SignedOwner(owner, 1)->ToText(), "*.d.");
  EXPECT_EQ(SignedOwner(owner, 2)->ToText(), "*.c.d.");
  EXPECT_EQ(SignedOwner(owner, 3)->ToText(), "*.b.c.d.");
  EXPECT_EQ(SignedOwner(owner, 4)->ToText(), "a.b.c.d.");  // Lowercased.
  EXPECT_EQ(SignedOwner(owner, 5).error().code, Errc::kBadRdata);
  // A literal wildcard owner: its label count excludes the '*'.
  EXPECT_EQ(SignedOwner(N("*.c.d."), 2)->ToText(), "*.c.d.");
  EXPECT_FALSE(SignedOwner(N("*.c.d."), 3).has_value());
}

TEST(CanonicalTest, RdataSetIsSortedLowercasedAndDeduplicated) {
  std::vector<RdataBytes> set = {Bytes(rdata::MX{20, N("B.example.")}),
                                 Bytes(rdata::MX{10, N("z.example.")}),
                                 Bytes(rdata::MX{20, N("b.EXAMPLE.")})};
  auto c = CanonicalRdataSet(RrType::MX, set).value();
  ASSERT_EQ(c.size(), 2u);  // The two case variants are one record in canonical form.
  EXPECT_EQ(c[0], Bytes(rdata::MX{10, N("z.example.")}));
  EXPECT_EQ(c[1], Bytes(rdata::MX{20, N("b.example.")}));
}

TEST(CanonicalTest, ShorterRdataSortsFirstWhenPrefix) {
  std::vector<RdataBytes> set = {{2, 'a', 'b'}, {1, 'a'}, {2, 'a', 'a'}};
  auto c = CanonicalRdataSet(RrType::TXT, set).value();
  EXPECT_EQ(c[0], (RdataBytes{1, 'a'}));
  EXPECT_EQ(c[1], (RdataBytes{2, 'a', 'a'}));
}

TEST(CanonicalTest, InvalidRdataIsRejected) {
  std::vector<RdataBytes> set = {{1, 2, 3}};  // Not an A record.
  EXPECT_FALSE(CanonicalRdataSet(RrType::A, set).has_value());
}

TEST(CanonicalTest, SignedDataLayoutForOneRecord) {
  rdata::RRSIG sig{RrType::A, DnssecAlgorithm::ECDSAP256SHA256, 2, 3600, {0x65000000},
                   {0x64000000}, 0x1234, N("Example."), {{0xFF}}};
  std::vector<RdataBytes> set = {Bytes(rdata::A{{{192, 0, 2, 1}}})};
  auto data = SignedData(sig, N("WWW.example."), RrClass::IN, set).value();
  RdataBytes expected = {
      0, 1,                    // type covered A
      13,                      // algorithm
      2,                       // labels
      0, 0, 0x0E, 0x10,        // original TTL 3600
      0x65, 0, 0, 0,           // expiration
      0x64, 0, 0, 0,           // inception
      0x12, 0x34,              // key tag
      7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0,  // signer, lowercased; no signature field
      3, 'w', 'w', 'w', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0,  // owner, lowercased
      0, 1, 0, 1,              // type A, class IN
      0, 0, 0x0E, 0x10,        // original TTL replaces the received one
      0, 4, 192, 0, 2, 1};     // RDLENGTH, RDATA
  EXPECT_EQ(data, expected);
}

TEST(CanonicalTest, SignedDataUsesWildcardOwnerAndCanonicalOrder) {
  rdata::SIG sig{RrType::TXT, DnssecAlgorithm::RSAMD5, 1, 60, {2}, {1}, 7, N("example."), {}};
  std::vector<RdataBytes> set = {{1, 'b'}, {1, 'a'}};
  auto data = SignedData(sig, N("x.example."), RrClass::IN, set).value();
  // After the 18 + 9 octet SIG prefix, the owner is "*.example.".
  const uint8_t wildcard_owner[] = {1, '*', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0};
  ASSERT_GT(data.size(), 27u + sizeof wildcard_owner);
  EXPECT_TRUE(std::equal(std::begin(wildcard_owner), std::end(wildcard_owner), data.begin() + 27));
  // First RR's RDATA is "a" (canonical order), second is "b".
  size_t rr = 27 + sizeof wildcard_owner + 10;
  EXPECT_EQ(data[rr + 1], 'a');
}

TEST(CanonicalTest, KeyTagAppendixBAndRsaMd5) {
  // Hand computation of RFC 4034 Appendix B: 0x0101 + 0x0308 + 0xAABB = 0xAEC4.
  const uint8_t key[] = {0x01, 0x01, 0x03, 0x08, 0xAA, 0xBB};
  EXPECT_EQ(KeyTag(key), 0xAEC4);
  // Carry folding: 0xFFFF + 0xFF00 (+ carry).
  const uint8_t carry[] = {0xFF, 0xFF, 0xFF, 0x00};
  EXPECT_EQ(KeyTag(carry), static_cast<uint16_t>((0xFFFF + 0xFF00 + 1) & 0xFFFF));
  // Algorithm 1: octets n-3 and n-2 of the RDATA (the end of the modulus).
  const uint8_t rsamd5[] = {0x01, 0x00, 0x03, 0x01, 0x01, 0x03, 0xAB, 0xCD, 0xEF};
  EXPECT_EQ(KeyTag(rsamd5), 0xABCD);
}

}  // namespace
}  // namespace redoubt::dns
