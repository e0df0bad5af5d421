#include "crypto/rsa_signing_key.h"

#include <gtest/gtest.h>

#include <string>

#include "crypto/digest.h"
#include "net/dns/canonical.h"

namespace redoubt::crypto {
namespace {

std::vector<uint8_t> Bytes(const std::string& s) { return {s.begin(), s.end()}; }

class RsaSigningKeyTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto key = RsaSigningKey::Generate(1024);
    ASSERT_TRUE(key.has_value());
    key_ = new RsaSigningKey(std::move(*key));
  }
  static void TearDownTestSuite() { delete key_; }
  static RsaSigningKey* key_;
};
RsaSigningKey* RsaSigningKeyTest::key_ = nullptr;

TEST_F(RsaSigningKeyTest, PublicKeyFieldIsRfc3110Layout) {
  std::vector<uint8_t> field = key_->PublicKeyField();
  ASSERT_GE(field.size(), 1u + 3u + 128u);
  EXPECT_EQ(field[0], 3);  // 65537 = 01 00 01
  EXPECT_EQ(field[1], 0x01);
  EXPECT_EQ(field[2], 0x00);
  EXPECT_EQ(field[3], 0x01);
  EXPECT_EQ(field.size(), 1u + 3u + 128u);  // 1024-bit modulus, top bit set.
}

TEST_F(RsaSigningKeyTest, EveryAlgorithmSignsAndVerifies) {
  auto data = Bytes("signed data");
  for (uint8_t number : {1, 5, 8, 10}) {
    auto algorithm = RsaAlgorithmFromNumber(number);
    ASSERT_TRUE(algorithm.has_value()) << int{number};
    auto signature = key_->Sign(*algorithm, data);
    ASSERT_TRUE(signature.has_value()) << int{number};
    EXPECT_TRUE(key_->Verify(*algorithm, data, *signature)) << int{number};
    auto other = Bytes("signed datA");
    EXPECT_FALSE(key_->Verify(*algorithm, other, *signature)) << int{number};
  }
}

TEST_F(RsaSigningKeyTest, Md5SignatureHasNoLeadingZeroAndStillVerifies) {
  // Sign many messages: about one in 256 RSA outputs starts with a zero octet, which RFC 2537
  // strips; every signature must then be shorter than the modulus exactly when it had one.
  for (int i = 0; i < 64; ++i) {
    auto data = Bytes("message " + std::to_string(i));
    auto signature = key_->Sign(RsaAlgorithm::kRsaMd5, data);
    ASSERT_TRUE(signature.has_value());
    ASSERT_FALSE(signature->empty());
    EXPECT_NE((*signature)[0], 0);
    EXPECT_TRUE(key_->Verify(RsaAlgorithm::kRsaMd5, data, *signature));
  }
}

TEST_F(RsaSigningKeyTest, Md5KeyTagIsModulusOctets) {
  std::vector<uint8_t> rdata = {0x01, 0x00, 3, 1};
  std::vector<uint8_t> field = key_->PublicKeyField();
  rdata.insert(rdata.end(), field.begin(), field.end());
  size_t n = rdata.size();
  EXPECT_EQ(dns::KeyTag(rdata), static_cast<uint16_t>(rdata[n - 3] << 8 | rdata[n - 2]));
}

TEST(RsaAlgorithmTest, RejectsNonRsaNumbers) {
  for (uint8_t number : {0, 3, 7, 13, 15, 253}) {
    EXPECT_FALSE(RsaAlgorithmFromNumber(number).has_value()) << int{number};
  }
}

TEST(RsaSigningKeyLoadTest, MissingFileIsAnError) {
  auto key = RsaSigningKey::LoadPem("/nonexistent/key.pem");
  ASSERT_FALSE(key.has_value());
  EXPECT_EQ(key.error().code, Errc::kIo);
}

}  // namespace
}  // namespace redoubt::crypto
