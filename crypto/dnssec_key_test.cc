#include "crypto/dnssec_key.h"

#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <string_view>
#include <thread>
#include <vector>

#include "crypto/dnssec_algorithms.h"
#include "crypto/dnssec_signing_key.h"
#include "net/dns/canonical.h"
#include "net/dns/zone_parser.h"

namespace redoubt::crypto {
namespace {

using dns::DnssecAlgorithm;
using Bytes = std::vector<uint8_t>;

constexpr DnssecAlgorithm kValidated[] = {
    DnssecAlgorithm::RSASHA1,         DnssecAlgorithm::RSASHA1_NSEC3_SHA1,
    DnssecAlgorithm::RSASHA256,       DnssecAlgorithm::RSASHA512,
    DnssecAlgorithm::ECDSAP256SHA256, DnssecAlgorithm::ECDSAP384SHA384,
    DnssecAlgorithm::ED25519,         DnssecAlgorithm::ED448};

Bytes Text(std::string_view s) { return {s.begin(), s.end()}; }

// One key per algorithm, made once and shared (RSA at 1024 bits keeps the suite quick).
const DnssecSigningKey& KeyFor(DnssecAlgorithm algorithm) {
  static std::map<DnssecAlgorithm, DnssecSigningKey> keys;
  auto it = keys.find(algorithm);
  if (it == keys.end()) {
    it = keys.emplace(algorithm, DnssecSigningKey::Generate(algorithm, 1024).value()).first;
  }
  return it->second;
}

DnssecPublicKey PublicFor(DnssecAlgorithm algorithm) {
  return DnssecPublicKey::Import(algorithm, KeyFor(algorithm).PublicKeyField()).value();
}

Bytes SignWith(DnssecAlgorithm algorithm, const Bytes& data) {
  return KeyFor(algorithm).Sign(data).value();
}

TEST(CanValidateTest, AcceptsExactlyTheRfc8624ValidationAlgorithms) {
  for (int n = 0; n < 256; ++n) {
    bool expected = n == 5 || n == 7 || n == 8 || n == 10 || (n >= 13 && n <= 16);
    EXPECT_EQ(CanValidate(static_cast<DnssecAlgorithm>(n)), expected) << n;
  }
}

TEST(DnssecKeyTest, EveryAlgorithmVerifiesItsOwnSignature) {
  Bytes data = Text("www.example. A 192.0.2.1, signed");
  for (DnssecAlgorithm algorithm : kValidated) {
    SCOPED_TRACE(static_cast<int>(algorithm));
    Result<DnssecPublicKey> key =
        DnssecPublicKey::Import(algorithm, KeyFor(algorithm).PublicKeyField());
    ASSERT_TRUE(key.has_value());
    EXPECT_EQ(key->algorithm(), algorithm);
    EXPECT_TRUE(key->Verify(data, SignWith(algorithm, data)));
    EXPECT_TRUE(key->Verify({}, SignWith(algorithm, {})));
  }
}

TEST(DnssecKeyTest, KeySizesAreReported) {
  const std::map<DnssecAlgorithm, unsigned> expected = {
      {DnssecAlgorithm::RSASHA256, 1024}, {DnssecAlgorithm::ECDSAP256SHA256, 256},
      {DnssecAlgorithm::ECDSAP384SHA384, 384}, {DnssecAlgorithm::ED25519, 256},
      {DnssecAlgorithm::ED448, 456}};
  for (auto [algorithm, bits] : expected) {
    EXPECT_EQ(PublicFor(algorithm).bits(), bits) << static_cast<int>(algorithm);
  }
}

TEST(DnssecKeyTest, FlippedSignatureBitIsRejected) {
  Bytes data = Text("signed data");
  for (DnssecAlgorithm algorithm : kValidated) {
    SCOPED_TRACE(static_cast<int>(algorithm));
    DnssecPublicKey key = PublicFor(algorithm);
    Bytes signature = SignWith(algorithm, data);
    for (size_t at : {size_t{0}, signature.size() / 2, signature.size() - 1}) {
      Bytes bad = signature;
      bad[at] ^= 0x01;
      EXPECT_FALSE(key.Verify(data, bad)) << "octet " << at;
    }
  }
}

TEST(DnssecKeyTest, ChangedDataIsRejected) {
  Bytes data = Text("signed data");
  for (DnssecAlgorithm algorithm : kValidated) {
    SCOPED_TRACE(static_cast<int>(algorithm));
    DnssecPublicKey key = PublicFor(algorithm);
    Bytes signature = SignWith(algorithm, data);
    Bytes flipped = data;
    flipped.back() ^= 0x01;
    Bytes longer = data;
    longer.push_back(0);
    EXPECT_FALSE(key.Verify(flipped, signature));
    EXPECT_FALSE(key.Verify(longer, signature));
    EXPECT_FALSE(key.Verify({}, signature));
  }
}

TEST(DnssecKeyTest, WrongLengthSignaturesAreRejected) {
  Bytes data = Text("signed data");
  for (DnssecAlgorithm algorithm : kValidated) {
    SCOPED_TRACE(static_cast<int>(algorithm));
    DnssecPublicKey key = PublicFor(algorithm);
    Bytes signature = SignWith(algorithm, data);
    Bytes short_one(signature.begin(), signature.end() - 1);
    Bytes appended = signature;
    appended.push_back(0);
    Bytes zero_first = signature;  // Same integer for RSA, but not the modulus length.
    zero_first.insert(zero_first.begin(), 0);
    Bytes doubled = signature;
    doubled.insert(doubled.end(), signature.begin(), signature.end());
    EXPECT_FALSE(key.Verify(data, {}));
    EXPECT_FALSE(key.Verify(data, Bytes{signature[0]}));
    EXPECT_FALSE(key.Verify(data, short_one));
    EXPECT_FALSE(key.Verify(data, appended));
    EXPECT_FALSE(key.Verify(data, zero_first));
    EXPECT_FALSE(key.Verify(data, doubled));
    EXPECT_FALSE(key.Verify(data, Bytes(signature.begin(), signature.begin() + 32)));
  }
}

TEST(DnssecKeyTest, SignatureByAnotherAlgorithmsKeyIsRejected) {
  Bytes data = Text("signed data");
  for (DnssecAlgorithm signer : kValidated) {
    Bytes signature = SignWith(signer, data);
    for (DnssecAlgorithm verifier : kValidated) {
      if (verifier == signer) continue;
      EXPECT_FALSE(PublicFor(verifier).Verify(data, signature))
          << static_cast<int>(signer) << " checked by " << static_cast<int>(verifier);
    }
  }
}

TEST(DnssecKeyTest, RsaHashFollowsTheAlgorithmNumber) {
  // One RSA key field imported under each RSA number: only the signing algorithm's hash (and
  // RSASHA1-NSEC3-SHA1, which is RSASHA1 under another number, RFC 5155 section 2) verifies.
  Bytes data = Text("signed data");
  Bytes sha1 = SignWith(DnssecAlgorithm::RSASHA1, data);
  Bytes field = KeyFor(DnssecAlgorithm::RSASHA1).PublicKeyField();
  auto as = [&](DnssecAlgorithm algorithm) {
    return DnssecPublicKey::Import(algorithm, field).value().Verify(data, sha1);
  };
  EXPECT_TRUE(as(DnssecAlgorithm::RSASHA1));
  EXPECT_TRUE(as(DnssecAlgorithm::RSASHA1_NSEC3_SHA1));
  EXPECT_FALSE(as(DnssecAlgorithm::RSASHA256));
  EXPECT_FALSE(as(DnssecAlgorithm::RSASHA512));
}

TEST(DnssecKeyTest, EcdsaSignaturesOfEveryShapeVerify) {
  // DER needs a zero octet in front of an r or s with the top bit set (about half of them) and
  // drops leading zero octets (about one in 256): sign until both shapes have verified.
  for (DnssecAlgorithm algorithm :
       {DnssecAlgorithm::ECDSAP256SHA256, DnssecAlgorithm::ECDSAP384SHA384}) {
    DnssecPublicKey key = PublicFor(algorithm);
    size_t half = algorithm == DnssecAlgorithm::ECDSAP256SHA256 ? 32 : 48;
    bool top_bit = false;
    bool zero_octet = false;
    for (int i = 0; i < 4096 && !(top_bit && zero_octet); ++i) {
      Bytes data = Text("message " + std::to_string(i));
      Bytes signature = SignWith(algorithm, data);
      ASSERT_TRUE(key.Verify(data, signature)) << i;
      top_bit |= (signature[0] & 0x80) != 0 || (signature[half] & 0x80) != 0;
      zero_octet |= signature[0] == 0 || signature[half] == 0;
    }
    EXPECT_TRUE(top_bit && zero_octet) << static_cast<int>(algorithm);
  }
}

TEST(DnssecKeyTest, EcdsaZeroOrOversizedScalarsAreRejected) {
  Bytes data = Text("signed data");
  DnssecPublicKey key = PublicFor(DnssecAlgorithm::ECDSAP256SHA256);
  Bytes good = SignWith(DnssecAlgorithm::ECDSAP256SHA256, data);
  Bytes zero_r = good;
  std::fill(zero_r.begin(), zero_r.begin() + 32, 0);
  Bytes zero_s = good;
  std::fill(zero_s.begin() + 32, zero_s.end(), 0);
  EXPECT_FALSE(key.Verify(data, zero_r));
  EXPECT_FALSE(key.Verify(data, zero_s));
  EXPECT_FALSE(key.Verify(data, Bytes(64, 0x00)));
  EXPECT_FALSE(key.Verify(data, Bytes(64, 0xFF)));
}

TEST(DnssecKeyTest, RsaKeysOutsideOneToFourKilobitsAreUnsupported) {
  for (unsigned bits : {512u, 1023u}) {
    auto small = DnssecSigningKey::Generate(DnssecAlgorithm::RSASHA256, bits);
    ASSERT_TRUE(small.has_value()) << bits;
    auto key = DnssecPublicKey::Import(DnssecAlgorithm::RSASHA256, small->PublicKeyField());
    ASSERT_FALSE(key.has_value()) << bits;
    EXPECT_EQ(key.error().code, Errc::kUnsupported) << bits;
  }
  // Made-up odd moduli at the upper bound: 4096 bits imports, 4097 does not.
  Bytes field4096 = {1, 3, 0x80};
  field4096.resize(2 + 512, 0);
  field4096.back() = 0x01;
  auto big = DnssecPublicKey::Import(DnssecAlgorithm::RSASHA256, field4096);
  ASSERT_TRUE(big.has_value()) << ErrcName(big.error().code);
  EXPECT_EQ(big->bits(), 4096u);
  Bytes field4097 = field4096;
  field4097.insert(field4097.begin() + 2, 0x01);
  auto too_big = DnssecPublicKey::Import(DnssecAlgorithm::RSASHA256, field4097);
  ASSERT_FALSE(too_big.has_value());
  EXPECT_EQ(too_big.error().code, Errc::kUnsupported);
}

TEST(DnssecKeyTest, AlgorithmsTheValidatorCannotCheckAreUnsupported) {
  Bytes rsa_field = KeyFor(DnssecAlgorithm::RSASHA256).PublicKeyField();
  Bytes ec_field = KeyFor(DnssecAlgorithm::ECDSAP256SHA256).PublicKeyField();
  for (int n : {0, 1, 2, 3, 4, 6, 9, 11, 12, 17, 23, 200, 252, 253, 254, 255}) {
    for (const Bytes& field : {rsa_field, ec_field}) {
      auto key = DnssecPublicKey::Import(static_cast<DnssecAlgorithm>(n), field);
      ASSERT_FALSE(key.has_value()) << n;
      EXPECT_EQ(key.error().code, Errc::kUnsupported) << n;
    }
  }
}

TEST(DnssecKeyTest, TruncatedKeyFieldsFailWithoutCrashing) {
  // Every proper prefix, down to the empty field. A 1024-bit RSA field cut short leaves a
  // modulus under 1024 bits or none at all, so every prefix must fail.
  for (DnssecAlgorithm algorithm : kValidated) {
    Bytes field = KeyFor(algorithm).PublicKeyField();
    for (size_t length = 0; length < field.size(); ++length) {
      auto key = DnssecPublicKey::Import(algorithm, std::span(field).first(length));
      EXPECT_FALSE(key.has_value()) << static_cast<int>(algorithm) << " length " << length;
    }
  }
}

TEST(DnssecKeyTest, OverlongCurveKeysAreBadRdata) {
  for (DnssecAlgorithm algorithm : kValidated) {
    if (static_cast<int>(algorithm) < 13) continue;
    Bytes field = KeyFor(algorithm).PublicKeyField();
    field.push_back(0);
    auto key = DnssecPublicKey::Import(algorithm, field);
    ASSERT_FALSE(key.has_value()) << static_cast<int>(algorithm);
    EXPECT_EQ(key.error().code, Errc::kBadRdata);
  }
}

TEST(DnssecKeyTest, MalformedRsaFieldsAreBadRdata) {
  Bytes modulus(128, 0xA5);  // 1024 bits, odd.
  auto with = [&](Bytes prefix, const Bytes& tail) {
    prefix.insert(prefix.end(), tail.begin(), tail.end());
    return prefix;
  };
  Bytes even = modulus;
  even.back() = 0xA4;
  const Bytes cases[] = {
      {},                          // Nothing.
      {0},                         // Long form without its length.
      {0, 0},                      // Long form cut short.
      with({0, 0, 0}, modulus),    // Long form, zero-length exponent.
      {3, 1, 0, 1},                // Exponent and no modulus.
      {200, 1, 2, 3},              // Exponent longer than the field.
      with({1, 0}, modulus),       // Zero exponent.
      with({1, 3}, Bytes(128, 0)), // Zero modulus.
      with({1, 3}, even),          // Even modulus.
  };
  for (const Bytes& field : cases) {
    auto key = DnssecPublicKey::Import(DnssecAlgorithm::RSASHA256, field);
    ASSERT_FALSE(key.has_value()) << field.size();
    EXPECT_EQ(key.error().code, Errc::kBadRdata) << field.size();
  }
}

TEST(DnssecKeyTest, RsaLongExponentLengthFormIsRead) {
  // RFC 3110 section 2: a zero octet, then the exponent length in two octets.
  Bytes field = KeyFor(DnssecAlgorithm::RSASHA256).PublicKeyField();
  ASSERT_EQ(field[0], 3);
  Bytes long_form = {0, 0, 3};
  long_form.insert(long_form.end(), field.begin() + 1, field.end());
  auto key = DnssecPublicKey::Import(DnssecAlgorithm::RSASHA256, long_form);
  ASSERT_TRUE(key.has_value());
  Bytes data = Text("signed data");
  EXPECT_TRUE(key->Verify(data, SignWith(DnssecAlgorithm::RSASHA256, data)));
}

TEST(DnssecKeyTest, RsaExponentOverSixtyFourBitsIsUnsupported) {
  Bytes field = {9, 1, 0, 0, 0, 0, 0, 0, 0, 1};
  field.resize(field.size() + 128, 0xA5);
  auto key = DnssecPublicKey::Import(DnssecAlgorithm::RSASHA256, field);
  ASSERT_FALSE(key.has_value());
  EXPECT_EQ(key.error().code, Errc::kUnsupported);
}

TEST(DnssecKeyTest, EcPointOffTheCurveIsRefused) {
  for (DnssecAlgorithm algorithm :
       {DnssecAlgorithm::ECDSAP256SHA256, DnssecAlgorithm::ECDSAP384SHA384}) {
    Bytes field = KeyFor(algorithm).PublicKeyField();
    field.back() ^= 0x01;
    EXPECT_FALSE(DnssecPublicKey::Import(algorithm, field).has_value());
    EXPECT_FALSE(DnssecPublicKey::Import(algorithm, Bytes(field.size(), 0)).has_value());
  }
}

TEST(DnssecKeyTest, MovedKeyVerifiesAndTheOldOneRefuses) {
  Bytes data = Text("signed data");
  Bytes signature = SignWith(DnssecAlgorithm::ED25519, data);
  DnssecPublicKey first = PublicFor(DnssecAlgorithm::ED25519);
  DnssecPublicKey second = std::move(first);
  EXPECT_TRUE(second.Verify(data, signature));
  EXPECT_FALSE(first.Verify(data, signature));  // NOLINT(bugprone-use-after-move): defined.
}

TEST(DnssecKeyTest, OneKeyVerifiesFromManyThreadsAtOnce) {
  for (DnssecAlgorithm algorithm : {DnssecAlgorithm::RSASHA256, DnssecAlgorithm::ECDSAP256SHA256,
                                    DnssecAlgorithm::ED25519}) {
    const DnssecPublicKey key = PublicFor(algorithm);
    Bytes data = Text("signed data");
    Bytes good = SignWith(algorithm, data);
    Bytes bad = good;
    bad.back() ^= 0x01;
    std::atomic<int> wrong{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&] {
        for (int i = 0; i < 50; ++i) {
          if (!key.Verify(data, good) || key.Verify(data, bad)) ++wrong;
        }
      });
    }
    for (auto& thread : threads) thread.join();
    EXPECT_EQ(wrong.load(), 0) << static_cast<int>(algorithm);
  }
}

// Known answers. Each text holds a DNSKEY, an RRset and the RRSIG over it, as printed in the
// RFC; the test parses it, builds the signed data (dns::SignedData) and checks the signature
// with the key, and that a one-bit change to the signed data fails.
void ExpectRfcExampleVerifies(std::string_view zone) {
  auto records = dns::ParseZoneText(zone, "rfc-example");
  ASSERT_TRUE(records.has_value()) << records.error().ToString();
  const dns::Record* dnskey = nullptr;
  const dns::Record* rrsig = nullptr;
  std::vector<dns::RdataBytes> rdatas;
  for (const dns::Record& record : *records) {
    if (record.type == dns::RrType::DNSKEY) {
      dnskey = &record;
    } else if (record.type == dns::RrType::RRSIG) {
      rrsig = &record;
    } else {
      rdatas.push_back(record.rdata);
    }
  }
  ASSERT_TRUE(dnskey != nullptr && rrsig != nullptr && !rdatas.empty());
  auto key_rdata = dns::Decode<dns::rdata::DNSKEY>(dnskey->rdata);
  auto sig = dns::Decode<dns::rdata::RRSIG>(rrsig->rdata);
  ASSERT_TRUE(key_rdata.has_value() && sig.has_value());
  EXPECT_EQ(sig->key_tag, dns::KeyTag(dnskey->rdata));
  auto key = DnssecPublicKey::Import(key_rdata->algorithm, key_rdata->public_key.bytes);
  ASSERT_TRUE(key.has_value()) << ErrcName(key.error().code);
  auto data = dns::SignedData(*sig, rrsig->owner, dns::RrClass::IN, rdatas);
  ASSERT_TRUE(data.has_value());
  EXPECT_TRUE(key->Verify(*data, sig->signature.bytes));
  data->back() ^= 0x01;
  EXPECT_FALSE(key->Verify(*data, sig->signature.bytes));
}

TEST(DnssecKeyKnownAnswerTest, Rfc6605Section61EcdsaP256) {
  ExpectRfcExampleVerifies(R"(
example.net. 3600 IN DNSKEY 257 3 13 (
        GojIhhXUN/u4v54ZQqGSnyhWJwaubCvTmeexv7bR6edb
        krSqQpF64cYbcB7wNcP+e+MAnLr+Wi9xMWyQLc8NAA== )
www.example.net. 3600 IN A 192.0.2.1
www.example.net. 3600 IN RRSIG A 13 3 3600 (
        20100909100439 20100812100439 55648 example.net.
        qx6wLYqmh+l9oCKTN6qIc+bw6ya+KJ8oMz0YP107epXA
        yGmt+3SNruPFKG7tZoLBLlUzGGus7ZwmwWep666VCw== )
)");
}

TEST(DnssecKeyKnownAnswerTest, Rfc6605Section62EcdsaP384) {
  ExpectRfcExampleVerifies(R"(
example.net. 3600 IN DNSKEY 257 3 14 (
        xKYaNhWdGOfJ+nPrL8/arkwf2EY3MDJ+SErKivBVSum1
        w/egsXvSADtNJhyem5RCOpgQ6K8X1DRSEkrbYQ+OB+v8
        /uX45NBwY8rp65F6Glur8I/mlVNgF6W/qTI37m40 )
www.example.net. 3600 IN A 192.0.2.1
www.example.net. 3600 IN RRSIG A 14 3 3600 (
        20100909102025 20100812102025 10771 example.net.
        /L5hDKIvGDyI1fcARX3z65qrmPsVz73QD1Mr5CEqOiLP
        95hxQouuroGCeZOvzFaxsT8Glr74hbavRKayJNuydCuz
        WTSSPdz7wnqXL5bdcJzusdnI0RSMROxxwGipWcJm )
)");
}

TEST(DnssecKeyKnownAnswerTest, Rfc5702Section62RsaSha512) {
  ExpectRfcExampleVerifies(R"(
example.net.     3600  IN  DNSKEY  (256 3 10 AwEAAdHoNTOW+et86KuJOWRDp1pndvwb6Y83nSVX
    XyLA3DLroROUkN6X0O6pnWnjJQujX/AyhqFDxj13tOnD9u/1kTg7cV6rklMrZDtJ
    CQ5PCl/D7QNPsgVsMu1J2Q8gpMpztNFLpPBz1bWXjDtaR7ZQBlZ3PFY12ZTSncor
    ffcGmhOL )
www.example.net. 3600  IN  A  192.0.2.91
www.example.net. 3600  IN  RRSIG  (A 10 3 3600 20300101000000
    20000101000000 3740 example.net. tsb4wnjRUDnB1BUi+t6TMTXThjVnG+eC
    kWqjvvjhzQL1d0YRoOe0CbxrVDYd0xDtsuJRaeUw1ep94PzEWzr0iGYgZBWm/zpq
    +9fOuagYJRfDqfReKBzMweOLDiNa8iP5g9vMhpuv6OPlvpXwm9Sa9ZXIbNl1MBGk
    0fthPgxdDLw= )
)");
}

// RFC 8080 section 6 as corrected by erratum 4935 (the published RRSIGs had Labels 3 and no
// algorithm). The erratum's RRSIG text also opens a second "(" before the signer; dropped here.
TEST(DnssecKeyKnownAnswerTest, Rfc8080Section61Ed25519WithErratum4935) {
  ExpectRfcExampleVerifies(R"(
example.com. 3600 IN DNSKEY 257 3 15 (
             l02Woi0iS8Aa25FQkUd9RMzZHJpBoRQwAQEX1SxZJA4= )
example.com. 3600 IN MX 10 mail.example.com.
example.com. 3600 IN RRSIG MX 15 2 3600 (
             1440021600 1438207200 3613 example.com.
             oL9krJun7xfBOIWcGHi7mag5/hdZrKWw15jPGrHpjQeRAvTdszaPD+QLs3f
             x8A4M3e23mRZ9VrbpMngwcrqNAg== )
)");
  ExpectRfcExampleVerifies(R"(
example.com. 3600 IN DNSKEY 257 3 15 (
             zPnZ/QwEe7S8C5SPz2OfS5RR40ATk2/rYnE9xHIEijs= )
example.com. 3600 IN MX 10 mail.example.com.
example.com. 3600 IN RRSIG MX 15 2 3600 (
             1440021600 1438207200 35217 example.com.
             zXQ0bkYgQTEFyfLyi9QoiY6D8ZdYo4wyUhVioYZXFdT410QPRITQSqJSnzQ
             oSm5poJ7gD7AQR0O7KuI5k2pcBg== )
)");
}

TEST(DnssecKeyKnownAnswerTest, Rfc8080Section62Ed448WithErratum4935) {
  ExpectRfcExampleVerifies(R"(
example.com. 3600 IN DNSKEY 257 3 16 (
             3kgROaDjrh0H2iuixWBrc8g2EpBBLCdGzHmn+G2MpTPhpj/OiBVHHSfPodx
             1FYYUcJKm1MDpJtIA )
example.com. 3600 IN MX 10 mail.example.com.
example.com. 3600 IN RRSIG MX 16 2 3600 (
             1440021600 1438207200 9713 example.com.
             3cPAHkmlnxcDHMyg7vFC34l0blBhuG1qpwLmjInI8w1CMB29FkEAIJUA0am
             xWndkmnBZ6SKiwZSAxGILn/NBtOXft0+Gj7FSvOKxE/07+4RQvE581N3Aj/
             JtIyaiYVdnYtyMWbSNyGEY2213WKsJlwEA )
)");
  ExpectRfcExampleVerifies(R"(
example.com. 3600 IN DNSKEY 257 3 16 (
             kkreGWoccSDmUBGAe7+zsbG6ZAFQp+syPmYUurBRQc3tDjeMCJcVMRDmgcN
             Lp5HlHAMy12VoISsA )
example.com. 3600 IN MX 10 mail.example.com.
example.com. 3600 IN RRSIG MX 16 2 3600 (
             1440021600 1438207200 38353 example.com.
             E1/oLjSGIbmLny/4fcgM1z4oL6aqo+izT3urCyHyvEp4Sp8Syg1eI+lJ57C
             SnZqjJP41O/9l4m0AsQ4f7qI1gVnML8vWWiyW2KXhT9kuAICUSxv5OWbf81
             Rq7Yu60npabODB0QFPb/rkW3kUZmQ0YQUA )
)");
}

TEST(DnssecKeyKnownAnswerTest, Rfc5702Section61KeyOf512BitsIsUnsupported) {
  // The RFC's RSASHA256 example key is 512 bits: below the 1024-bit floor, so a zone signed
  // only with it is unsupported (insecure), never secure.
  auto records = dns::ParseZoneText(R"(
example.net.     3600  IN  DNSKEY  (256 3 8 AwEAAcFcGsaxxdgiuuGmCkVImy4h99CqT7jwY3pe
    xPGcnUFtR2Fh36BponcwtkZ4cAgtvd4Qs8PkxUdp6p/DlUmObdk= )
)", "rfc5702");
  ASSERT_TRUE(records.has_value() && records->size() == 1);
  auto dnskey = dns::Decode<dns::rdata::DNSKEY>(records->front().rdata);
  ASSERT_TRUE(dnskey.has_value());
  EXPECT_EQ(dns::KeyTag(records->front().rdata), 9033);
  auto key = DnssecPublicKey::Import(dnskey->algorithm, dnskey->public_key.bytes);
  ASSERT_FALSE(key.has_value());
  EXPECT_EQ(key.error().code, Errc::kUnsupported);
}

}  // namespace
}  // namespace redoubt::crypto
