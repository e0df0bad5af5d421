#include "crypto/hmac.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "net/dns/base_encoding.h"

namespace redoubt::crypto {
namespace {

std::span<const uint8_t> Bytes(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

std::string Mac(DigestAlgorithm algorithm, const std::string& key, const std::string& data) {
  auto mac = ComputeHmac(algorithm, Bytes(key), {Bytes(data)});
  return mac ? dns::EncodeHex(mac->bytes()) : "error";
}

const std::string kJefeData = "what do ya want for nothing?";
const std::string kBigKeyData = "Test Using Larger Than Block-Size Key - Hash Key First";

// RFC 2202 sections 2 and 3, test cases 1, 2 and 6.
TEST(HmacTest, Rfc2202KnownAnswers) {
  using enum DigestAlgorithm;
  EXPECT_EQ(Mac(kMd5, std::string(16, '\x0b'), "Hi There"), "9294727a3638bb1c13f48ef8158bfc9d");
  EXPECT_EQ(Mac(kMd5, "Jefe", kJefeData), "750c783e6ab0b503eaa86e310a5db738");
  EXPECT_EQ(Mac(kMd5, std::string(80, '\xaa'), kBigKeyData), "6b1ab7fe4bd7bf8f0b62e6ce61b9d0cd");
  EXPECT_EQ(Mac(kSha1, std::string(20, '\x0b'), "Hi There"),
            "b617318655057264e28bc0b6fb378c8ef146be00");
  EXPECT_EQ(Mac(kSha1, "Jefe", kJefeData), "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
  EXPECT_EQ(Mac(kSha1, std::string(80, '\xaa'), kBigKeyData),
            "aa4ae5e15272d00e95705637ce8a3b55ed402112");
}

// RFC 4231 section 4.2 (test case 1) and 4.3 (test case 2), every SHA-2 size.
TEST(HmacTest, Rfc4231KnownAnswersForEverySha2) {
  using enum DigestAlgorithm;
  const std::string key1(20, '\x0b');
  EXPECT_EQ(Mac(kSha224, key1, "Hi There"),
            "896fb1128abbdf196832107cd49df33f47b4b1169912ba4f53684b22");
  EXPECT_EQ(Mac(kSha256, key1, "Hi There"),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  EXPECT_EQ(Mac(kSha384, key1, "Hi There"),
            "afd03944d84895626b0825f4ab46907f15f9dadbe4101ec6"
            "82aa034c7cebc59cfaea9ea9076ede7f4af152e8b2fa9cb6");
  EXPECT_EQ(Mac(kSha512, key1, "Hi There"),
            "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cde"
            "daa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854");
  EXPECT_EQ(Mac(kSha224, "Jefe", kJefeData),
            "a30e01098bc6dbbf45690f3a7e9e6d0f8bbea2a39e6148008fd05e44");
  EXPECT_EQ(Mac(kSha256, "Jefe", kJefeData),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_EQ(Mac(kSha384, "Jefe", kJefeData),
            "af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47"
            "e42ec3736322445e8e2240ca5e69e2c78b3239ecfab21649");
  EXPECT_EQ(Mac(kSha512, "Jefe", kJefeData),
            "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554"
            "9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737");
}

// RFC 4231 test cases 4 (a 25-octet key), 5 (output truncated to 128 bits, the TSIG
// hmac-sha256-128 case) and 6 (a key longer than the block is hashed first).
TEST(HmacTest, Rfc4231KeyLengthsAndTruncation) {
  using enum DigestAlgorithm;
  std::string key4;
  for (char c = 1; c <= 25; ++c) key4 += c;
  EXPECT_EQ(Mac(kSha256, key4, std::string(50, '\xcd')),
            "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b");
  EXPECT_EQ(Mac(kSha256, std::string(20, '\x0c'), "Test With Truncation").substr(0, 32),
            "a3b6167473100ee06e0c796c2955552b");
  EXPECT_EQ(Mac(kSha256, std::string(131, '\xaa'), kBigKeyData),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
  EXPECT_EQ(Mac(kSha512, std::string(131, '\xaa'), kBigKeyData),
            "80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f352"
            "6b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598");
}

TEST(HmacTest, EmptyKeyIsAZeroPaddedKeyNotAnError) {
  // Python's hmac module: hmac.new(b"", b"", "sha256").
  EXPECT_EQ(Mac(DigestAlgorithm::kSha256, "", ""),
            "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
}

TEST(HmacTest, IncrementalEqualsOneShotAndFinishTwiceFails) {
  auto hmac = *Hmac::Create(DigestAlgorithm::kSha256, Bytes("Jefe"));
  for (size_t i = 0; i < kJefeData.size(); i += 5) {
    ASSERT_TRUE(hmac.Update(Bytes(kJefeData).subspan(i, std::min<size_t>(5, kJefeData.size() - i))));
  }
  EXPECT_EQ(dns::EncodeHex(hmac.Finish()->bytes()), Mac(DigestAlgorithm::kSha256, "Jefe", kJefeData));
  EXPECT_EQ(hmac.Finish().error().code, Errc::kCryptoFailure);
  EXPECT_EQ(hmac.Update(Bytes("x")).error().code, Errc::kCryptoFailure);
}

}  // namespace
}  // namespace redoubt::crypto
