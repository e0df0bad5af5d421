#include "crypto/checksum.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "net/dns/base_encoding.h"
#include "net/dns/checksum_option.h"
#include "net/dns/message_view.h"

namespace redoubt::crypto {
namespace {

// specs/checksum.md section 5.1: a reply to example.com. IN A (ID 0x1234, flags 0x8180, one A
// 192.0.2.1 TTL 300, EDNS 1232) with option code 65001 and nonce 0123456789abcdef.
const char kSha256Reply[] =
    "123481800001000100000001076578616d706c6503636f6d0000010001c00c000100010000012c0004c0000201"
    "00002904d000000000002dfde900290123456789abcdef02"
    "0000000000000000000000000000000000000000000000000000000000000000";
const char kSha256Digest[] = "8d2a154924ec04091608beb44b0f5ae12a669c4f158537fa66aa8850be549b45";
const char kSha1Reply[] =
    "123481800001000100000001076578616d706c6503636f6d0000010001c00c000100010000012c0004c0000201"
    "000029"
    "04d0000000000021fde9001d0123456789abcdef01"
    "0000000000000000000000000000000000000000";
const char kSha1Digest[] = "14b29cf7e1905e084d9fcabb58e3caf50c0d53af";
constexpr uint16_t kCode = 65001;
constexpr dns::ChecksumNonce kNonce = {0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef};

std::vector<uint8_t> FromHex(const char* hex) { return *dns::DecodeHex(hex); }

TEST(ChecksumTest, SpecVectorSha256SealsAndVerifies) {
  auto msg = FromHex(kSha256Reply);
  auto loc = dns::FindChecksumOption(msg, kCode).value().value();
  EXPECT_EQ(loc.digest_offset, msg.size() - 32);
  EXPECT_EQ(loc.digest_length, 32u);
  ASSERT_TRUE(SealChecksum(msg, loc.digest_offset, 2).has_value());
  EXPECT_EQ(dns::EncodeHex(std::span(msg).subspan(loc.digest_offset)), kSha256Digest);
  EXPECT_TRUE(VerifyChecksumDigest(msg, loc.digest_offset, 32, 2).has_value());
  EXPECT_EQ(CheckReply(msg, kCode, kNonce), ChecksumVerdict::kVerified);
}

TEST(ChecksumTest, SpecVectorSha1SealsAndVerifies) {
  auto msg = FromHex(kSha1Reply);
  auto loc = dns::FindChecksumOption(msg, kCode).value().value();
  ASSERT_TRUE(SealChecksum(msg, loc.digest_offset, 1).has_value());
  EXPECT_EQ(dns::EncodeHex(std::span(msg).subspan(loc.digest_offset)), kSha1Digest);
  EXPECT_EQ(CheckReply(msg, kCode, kNonce), ChecksumVerdict::kVerified);
}

TEST(ChecksumTest, AnyFlippedOctetIsAForgedFragment) {
  auto sealed = FromHex(kSha256Reply);
  size_t at = sealed.size() - 32;
  ASSERT_TRUE(SealChecksum(sealed, at, 2).has_value());
  for (size_t i = 0; i < sealed.size(); ++i) {
    auto forged = sealed;
    forged[i] ^= 0x01;
    EXPECT_FALSE(VerifyChecksumDigest(forged, at, 32, 2).has_value()) << "octet " << i;
  }
}

TEST(ChecksumTest, VerdictsForNonceAlgorithmAndCount) {
  auto msg = FromHex(kSha256Reply);
  ASSERT_TRUE(SealChecksum(msg, msg.size() - 32, 2).has_value());
  dns::ChecksumNonce other = kNonce;
  other[7] ^= 1;
  EXPECT_EQ(CheckReply(msg, kCode, other), ChecksumVerdict::kNonceMismatch);
  EXPECT_EQ(CheckReply(msg, 65434, kNonce), ChecksumVerdict::kAbsent);  // Other option code.
  auto unknown_alg = msg;
  unknown_alg[msg.size() - 33] = 7;  // ALGORITHM octet.
  EXPECT_EQ(CheckReply(unknown_alg, kCode, kNonce), ChecksumVerdict::kAbsent);
  auto bad_digest = msg;
  bad_digest.back() ^= 0x80;
  EXPECT_EQ(CheckReply(bad_digest, kCode, kNonce), ChecksumVerdict::kDigestMismatch);
  std::vector<uint8_t> garbage = {1, 2, 3};
  EXPECT_EQ(CheckReply(garbage, kCode, kNonce), ChecksumVerdict::kMalformed);
}

// The upstream judges a reply from the parse its match filter made (CheckReply over a view):
// every verdict the same as from the bytes, and the digest still over the bytes themselves.
TEST(ChecksumTest, VerdictFromAParsedViewIsTheVerdictFromTheBytes) {
  auto msg = FromHex(kSha256Reply);
  ASSERT_TRUE(SealChecksum(msg, msg.size() - 32, 2).has_value());
  dns::ChecksumNonce other = kNonce;
  other[0] ^= 1;
  auto bad_digest = msg;
  bad_digest.back() ^= 0x80;
  auto unknown_alg = msg;
  unknown_alg[msg.size() - 33] = 7;
  struct Case {
    std::vector<uint8_t> message;
    uint16_t code;
    dns::ChecksumNonce nonce;
    ChecksumVerdict expected;
  };
  std::vector<Case> cases = {{msg, kCode, kNonce, ChecksumVerdict::kVerified},
                             {msg, kCode, other, ChecksumVerdict::kNonceMismatch},
                             {msg, 65434, kNonce, ChecksumVerdict::kAbsent},
                             {bad_digest, kCode, kNonce, ChecksumVerdict::kDigestMismatch},
                             {unknown_alg, kCode, kNonce, ChecksumVerdict::kAbsent}};
  for (const Case& c : cases) {
    auto view = dns::MessageView::Parse(c.message);
    ASSERT_TRUE(view.has_value());
    EXPECT_EQ(CheckReply(*view, c.message, c.code, c.nonce), c.expected);
    EXPECT_EQ(CheckReply(c.message, c.code, c.nonce), c.expected);
  }
}

TEST(ChecksumTest, RejectsBadLengthsAndOffsetsWithoutReadingOutside) {
  auto msg = FromHex(kSha256Reply);
  size_t at = msg.size() - 32;
  EXPECT_EQ(VerifyChecksumDigest(msg, at, 20, 2).error().code, Errc::kDigestMismatch);
  EXPECT_EQ(VerifyChecksumDigest(msg, msg.size() - 10, 32, 2).error().code, Errc::kOutOfRange);
  EXPECT_EQ(VerifyChecksumDigest(msg, msg.size() + 1, 0, 2).error().code, Errc::kOutOfRange);
  EXPECT_EQ(VerifyChecksumDigest(msg, at, 32, 3).error().code, Errc::kUnsupported);
  EXPECT_EQ(SealChecksum(msg, msg.size() - 31, 2).error().code, Errc::kOutOfRange);
  EXPECT_EQ(SealChecksum(msg, at, 0).error().code, Errc::kUnsupported);
}

}  // namespace
}  // namespace redoubt::crypto
