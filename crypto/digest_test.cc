#include "crypto/digest.h"

#include <gtest/gtest.h>

#include <string>

#include "net/dns/base_encoding.h"

namespace redoubt::crypto {
namespace {

std::span<const uint8_t> Bytes(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

std::string Hex(const Digest& d) { return dns::EncodeHex(d.bytes()); }

// FIPS 180-4 / RFC 1321 "abc" vectors.
TEST(DigestTest, KnownAnswersForAbc) {
  const std::string abc = "abc";
  EXPECT_EQ(Hex(*ComputeDigest(DigestAlgorithm::kMd5, {Bytes(abc)})),
            "900150983cd24fb0d6963f7d28e17f72");
  EXPECT_EQ(Hex(*ComputeDigest(DigestAlgorithm::kSha1, {Bytes(abc)})),
            "a9993e364706816aba3e25717850c26c9cd0d89d");
  EXPECT_EQ(Hex(*ComputeDigest(DigestAlgorithm::kSha224, {Bytes(abc)})),
            "23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7");
  EXPECT_EQ(Hex(*ComputeDigest(DigestAlgorithm::kSha256, {Bytes(abc)})),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Hex(*ComputeDigest(DigestAlgorithm::kSha384, {Bytes(abc)})),
            "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed"
            "8086072ba1e7cc2358baeca134c825a7");
  EXPECT_EQ(Hex(*ComputeDigest(DigestAlgorithm::kSha512, {Bytes(abc)})),
            "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
            "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f");
}

TEST(DigestTest, LengthsMatchOutput) {
  for (auto alg : {DigestAlgorithm::kMd5, DigestAlgorithm::kSha1, DigestAlgorithm::kSha224,
                   DigestAlgorithm::kSha256, DigestAlgorithm::kSha384, DigestAlgorithm::kSha512}) {
    EXPECT_EQ(ComputeDigest(alg, {})->size(), DigestLength(alg));
  }
}

TEST(DigestTest, IncrementalEqualsOneShotAndZerosAreZeros) {
  std::string text(1000, 'x');
  auto one_shot = *ComputeDigest(DigestAlgorithm::kSha256, {Bytes(text)});
  auto hasher = *Hasher::Create(DigestAlgorithm::kSha256);
  for (size_t i = 0; i < text.size(); i += 7) {
    ASSERT_TRUE(hasher.Update(Bytes(text).subspan(i, std::min<size_t>(7, text.size() - i))).has_value());
  }
  EXPECT_EQ(*hasher.Finish(), one_shot);
  std::string zeros(150, '\0');
  auto z = *Hasher::Create(DigestAlgorithm::kSha1);
  ASSERT_TRUE(z.UpdateZeros(150).has_value());
  EXPECT_EQ(*z.Finish(), *ComputeDigest(DigestAlgorithm::kSha1, {Bytes(zeros)}));
}

TEST(DigestTest, FinishTwiceFails) {
  auto hasher = *Hasher::Create(DigestAlgorithm::kSha1);
  ASSERT_TRUE(hasher.Finish().has_value());
  EXPECT_EQ(hasher.Finish().error().code, Errc::kCryptoFailure);
}

}  // namespace
}  // namespace redoubt::crypto
