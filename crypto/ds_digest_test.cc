#include "crypto/ds_digest.h"

#include <gtest/gtest.h>

#include <string_view>
#include <vector>

#include "crypto/dnssec_algorithms.h"
#include "crypto/dnssec_signing_key.h"
#include "net/dns/base_encoding.h"
#include "net/dns/canonical.h"
#include "net/dns/zone_parser.h"

namespace redoubt::crypto {
namespace {

using Bytes = std::vector<uint8_t>;

dns::Name N(std::string_view text) { return dns::Name::FromText(text).value(); }

struct KeyAndDs {
  dns::Name owner;
  Bytes dnskey_rdata;
  dns::rdata::DS ds;
};

// Parses a DNSKEY and the DS over it from RFC text.
KeyAndDs Parse(std::string_view zone) {
  auto records = dns::ParseZoneText(zone, "rfc-example");
  EXPECT_TRUE(records.has_value());
  KeyAndDs out;
  if (!records) return out;
  for (const dns::Record& record : *records) {
    if (record.type == dns::RrType::DNSKEY) {
      out.owner = record.owner;
      out.dnskey_rdata = record.rdata;
    } else if (record.type == dns::RrType::DS) {
      out.ds = dns::Decode<dns::rdata::DS>(record.rdata).value();
    }
  }
  return out;
}

// The DS digest computed from the key equals the RFC's, and DsMatchesKey agrees.
void ExpectRfcDsMatches(std::string_view zone) {
  KeyAndDs example = Parse(zone);
  ASSERT_FALSE(example.dnskey_rdata.empty());
  EXPECT_EQ(dns::KeyTag(example.dnskey_rdata), example.ds.key_tag);
  auto digest = DsDigest(example.ds.digest_type, example.owner, example.dnskey_rdata);
  ASSERT_TRUE(digest.has_value());
  EXPECT_EQ(dns::EncodeHex(digest->bytes()), dns::EncodeHex(example.ds.digest.bytes));
  EXPECT_TRUE(DsMatchesKey(example.ds, example.owner, example.dnskey_rdata));
}

// RFC 4034 section 5.4 and RFC 4509 section 2.3 share this key.
constexpr std::string_view kDskeyExampleCom = R"(
dskey.example.com. 86400 IN DNSKEY 256 3 5 ( AQOeiiR0GOMYkDshWoSKz9Xz
                                             fwJr1AYtsmx3TGkJaNXVbfi/
                                             2pHm822aJ5iI9BMzNXxeYCmZ
                                             DRD99WYwYqUSdjMmmAphXdvx
                                             egXd/M5+X7OrzKBaMbCVdFLU
                                             Uh6DhweJBjEVv5f2wwjM9Xzc
                                             nOf+EPbtG9DMBmADjFDc2w/r
                                             ljwvFw==
                                             ) ;  key id = 60485
)";

std::string WithDs(std::string_view ds) { return std::string(kDskeyExampleCom) + std::string(ds); }

TEST(DsDigestTest, Rfc4034Section54Sha1) {
  ExpectRfcDsMatches(WithDs(R"(
dskey.example.com. 86400 IN DS 60485 5 1 ( 2BB183AF5F22588179A53B0A
                                           98631FAD1A292118 )
)"));
}

TEST(DsDigestTest, Rfc4509Section23Sha256) {
  ExpectRfcDsMatches(WithDs(R"(
dskey.example.com. 86400 IN DS 60485 5 2   ( D4B7D520E7BB5F0F67674A0C
                                             CEB1E3E0614B93C4F9E99B83
                                             83F6A1E4469DA50A )
)"));
}

TEST(DsDigestTest, Rfc6605Section6Sha256AndSha384) {
  ExpectRfcDsMatches(R"(
example.net. 3600 IN DNSKEY 257 3 13 (
        GojIhhXUN/u4v54ZQqGSnyhWJwaubCvTmeexv7bR6edb
        krSqQpF64cYbcB7wNcP+e+MAnLr+Wi9xMWyQLc8NAA== )
example.net. 3600 IN DS 55648 13 2 (
        b4c8c1fe2e7477127b27115656ad6256f424625bf5c1
        e2770ce6d6e37df61d17 )
)");
  ExpectRfcDsMatches(R"(
example.net. 3600 IN DNSKEY 257 3 14 (
        xKYaNhWdGOfJ+nPrL8/arkwf2EY3MDJ+SErKivBVSum1
        w/egsXvSADtNJhyem5RCOpgQ6K8X1DRSEkrbYQ+OB+v8
        /uX45NBwY8rp65F6Glur8I/mlVNgF6W/qTI37m40 )
example.net. 3600 IN DS 10771 14 4 (
        72d7b62976ce06438e9c0bf319013cf801f09ecc84b8
        d7e9495f27e305c6a9b0563a9b5f4d288405c3008a94
        6df983d6 )
)");
}

TEST(DsDigestTest, Rfc8080Section6EdDsaKeys) {
  ExpectRfcDsMatches(R"(
example.com. 3600 IN DNSKEY 257 3 15 (
             l02Woi0iS8Aa25FQkUd9RMzZHJpBoRQwAQEX1SxZJA4= )
example.com. 3600 IN DS 3613 15 2 (
             3aa5ab37efce57f737fc1627013fee07bdf241bd10f3b1964ab55c78e79
             a304b )
)");
  ExpectRfcDsMatches(R"(
example.com. 3600 IN DNSKEY 257 3 16 (
             3kgROaDjrh0H2iuixWBrc8g2EpBBLCdGzHmn+G2MpTPhpj/OiBVHHSfPodx
             1FYYUcJKm1MDpJtIA )
example.com. 3600 IN DS 9713 16 2 (
             6ccf18d5bc5d7fc2fceb1d59d17321402f2aa8d368048db93dd811f5cb2
             b19c7 )
)");
}

TEST(DsDigestTest, OwnerIsHashedLowercased) {
  KeyAndDs example = Parse(kDskeyExampleCom);
  auto lower = DsDigest(2, N("dskey.example.com."), example.dnskey_rdata);
  auto mixed = DsDigest(2, N("DSKEY.Example.COM."), example.dnskey_rdata);
  ASSERT_TRUE(lower.has_value() && mixed.has_value());
  EXPECT_EQ(*lower, *mixed);
  auto other = DsDigest(2, N("dskey.example.net."), example.dnskey_rdata);
  EXPECT_NE(*lower, *other);
}

TEST(DsDigestTest, UnsupportedDigestTypesFail) {
  KeyAndDs example = Parse(kDskeyExampleCom);
  for (int type : {0, 3, 5, 6, 255}) {
    auto digest = DsDigest(static_cast<uint8_t>(type), example.owner, example.dnskey_rdata);
    ASSERT_FALSE(digest.has_value()) << type;
    EXPECT_EQ(digest.error().code, Errc::kUnsupported) << type;
  }
}

TEST(DsDigestTest, DigestLengthFollowsTheType) {
  KeyAndDs example = Parse(kDskeyExampleCom);
  EXPECT_EQ(DsDigest(1, example.owner, example.dnskey_rdata)->size(), 20u);
  EXPECT_EQ(DsDigest(2, example.owner, example.dnskey_rdata)->size(), 32u);
  EXPECT_EQ(DsDigest(4, example.owner, example.dnskey_rdata)->size(), 48u);
}

TEST(CanDigestDsTest, AcceptsExactlySha1Sha256AndSha384) {
  for (int n = 0; n < 256; ++n) {
    EXPECT_EQ(CanDigestDs(static_cast<uint8_t>(n)), n == 1 || n == 2 || n == 4) << n;
  }
}

TEST(DsMatchesKeyTest, EveryMismatchIsRejected) {
  KeyAndDs example = Parse(WithDs("dskey.example.com. 86400 IN DS 60485 5 2 "
                                  "D4B7D520E7BB5F0F67674A0CCEB1E3E0614B93C4F9E99B8383F6A1E4469DA50A\n"));
  const dns::rdata::DS& good = example.ds;
  ASSERT_TRUE(DsMatchesKey(good, example.owner, example.dnskey_rdata));

  dns::rdata::DS algorithm = good;
  algorithm.algorithm = dns::DnssecAlgorithm::RSASHA256;
  dns::rdata::DS tag = good;
  tag.key_tag = static_cast<uint16_t>(good.key_tag + 1);
  dns::rdata::DS flipped = good;
  flipped.digest.bytes.back() ^= 0x01;
  dns::rdata::DS truncated = good;
  truncated.digest.bytes.pop_back();
  dns::rdata::DS extended = good;
  extended.digest.bytes.push_back(0);
  dns::rdata::DS sha1_type = good;  // A SHA-256 digest labelled SHA-1.
  sha1_type.digest_type = 1;
  dns::rdata::DS gost = good;
  gost.digest_type = 3;
  for (const auto* ds : {&algorithm, &tag, &flipped, &truncated, &extended, &sha1_type, &gost}) {
    EXPECT_FALSE(DsMatchesKey(*ds, example.owner, example.dnskey_rdata));
  }
  EXPECT_FALSE(DsMatchesKey(good, N("other.example.com."), example.dnskey_rdata));
  Bytes revoked = example.dnskey_rdata;  // Flags change both the tag and the digest.
  revoked[1] |= 0x80;
  EXPECT_FALSE(DsMatchesKey(good, example.owner, revoked));
  EXPECT_FALSE(DsMatchesKey(good, example.owner, {}));
  EXPECT_FALSE(DsMatchesKey(good, example.owner, std::span(example.dnskey_rdata).first(3)));
}

TEST(DsMatchesKeyTest, GeneratedKeysMatchTheirOwnDsOfEveryType) {
  dns::Name owner = N("child.example.");
  for (auto algorithm : {dns::DnssecAlgorithm::ECDSAP256SHA256, dns::DnssecAlgorithm::ED25519}) {
    auto key = DnssecSigningKey::Generate(algorithm);
    ASSERT_TRUE(key.has_value());
    Bytes rdata = DnskeyRdata(*key, 257);
    for (uint8_t type : {1, 2, 4}) {
      dns::rdata::DS ds;
      ds.key_tag = dns::KeyTag(rdata);
      ds.algorithm = algorithm;
      ds.digest_type = type;
      auto digest = DsDigest(type, owner, rdata);
      ASSERT_TRUE(digest.has_value());
      ds.digest.bytes.assign(digest->bytes().begin(), digest->bytes().end());
      EXPECT_TRUE(DsMatchesKey(ds, owner, rdata)) << int{type};
      EXPECT_FALSE(DsMatchesKey(ds, owner, DnskeyRdata(*key, 256))) << int{type};
    }
  }
}

}  // namespace
}  // namespace redoubt::crypto
