#include "tests/lab/checksum/checksum_front.h"

#include <gtest/gtest.h>

#include "crypto/checksum.h"
#include "net/dns/message_builder.h"

namespace redoubt::lab {
namespace {

constexpr uint16_t kCode = 65434;
const dns::ChecksumNonce kNonce = {1, 2, 3, 4, 5, 6, 7, 8};

std::vector<uint8_t> PlainReply() {
  dns::MessageBuilder builder(1232);
  builder.header().id = 7;
  builder.header().qr = true;
  auto name = *dns::Name::FromText("www.sum.beta.");
  (void)builder.AddQuestion(name, dns::RrType::A);
  (void)builder.SetEdns(dns::Edns{});
  const std::vector<uint8_t> address = {192, 0, 2, 28};
  (void)builder.AddRecord(dns::Section::kAnswer, name, dns::RrType::A, dns::RrClass::IN, 60, address);
  return *std::move(builder).Finish();
}

TEST(ChecksumFrontTest, HonestReplyVerifiesWithTheQueryNonce) {
  auto wire = AddChecksum(PlainReply(), kNonce, kCode, PathFault::kNone);
  ASSERT_TRUE(wire.has_value());
  EXPECT_EQ(wire->size(), PlainReply().size() + 4 + 9 + 32);
  EXPECT_EQ(crypto::CheckReply(*wire, kCode, kNonce), crypto::ChecksumVerdict::kVerified);
}

TEST(ChecksumFrontTest, EachFaultGivesTheVerdictItStandsFor) {
  using V = crypto::ChecksumVerdict;
  EXPECT_EQ(crypto::CheckReply(*AddChecksum(PlainReply(), kNonce, kCode, PathFault::kStrip), kCode, kNonce), V::kAbsent);
  EXPECT_EQ(crypto::CheckReply(*AddChecksum(PlainReply(), kNonce, kCode, PathFault::kCorrupt), kCode, kNonce), V::kDigestMismatch);
  EXPECT_EQ(crypto::CheckReply(*AddChecksum(PlainReply(), kNonce, kCode, PathFault::kWrongNonce), kCode, kNonce), V::kNonceMismatch);
  EXPECT_EQ(crypto::CheckReply(*AddChecksum(PlainReply(), kNonce, kCode, PathFault::kUnknownAlgorithm), kCode, kNonce), V::kAbsent);
  EXPECT_EQ(crypto::CheckReply(*AddChecksum(PlainReply(), kNonce, kCode, PathFault::kTwoOptions), kCode, kNonce), V::kAbsent);
  EXPECT_EQ(FaultForLabel("corrupt"), PathFault::kCorrupt);
  EXPECT_EQ(FaultForLabel("www"), PathFault::kNone);
}

TEST(ChecksumFrontTest, QueryNonceNeedsExactlyOneOptionWithAlgorithmZero) {
  dns::QueryOptions q;
  q.options = {dns::MakeChecksumQueryOption(kCode, kNonce)};
  auto name = *dns::Name::FromText("www.sum.beta.");
  auto query = *dns::BuildQuery(name, dns::RrType::A, dns::RrClass::IN, q);
  EXPECT_EQ(QueryNonce(query, kCode), kNonce);
  q.options.push_back(q.options.front());
  EXPECT_FALSE(QueryNonce(*dns::BuildQuery(name, dns::RrType::A, dns::RrClass::IN, q), kCode));
  q.options.clear();
  EXPECT_FALSE(QueryNonce(*dns::BuildQuery(name, dns::RrType::A, dns::RrClass::IN, q), kCode));
}

TEST(ChecksumFrontTest, ReplyWithoutOptIsRefused) {
  dns::MessageBuilder builder(512);
  builder.header().qr = true;
  auto wire = *std::move(builder).Finish();
  EXPECT_FALSE(AddChecksum(wire, kNonce, kCode, PathFault::kNone).has_value());
}

}  // namespace
}  // namespace redoubt::lab
