#include "net/dns/edns.h"

#include <gtest/gtest.h>

#include "net/dns/checksum_option.h"
#include "net/dns/message_builder.h"

namespace redoubt::dns {
namespace {

Edns RoundTrip(const Edns& edns) {
  MessageBuilder b(4096);
  EXPECT_TRUE(b.SetEdns(edns).has_value());
  auto msg = *std::move(b).Finish();
  return ReadEdns(MessageView::Parse(msg).value()).value().value();
}

TEST(EdnsTest, FieldsRoundTrip) {
  Edns e;
  e.udp_size = 4096;
  e.extended_rcode = 1;  // BADVERS high bits.
  e.version = 0;
  e.dnssec_ok = true;
  e.z = 0x1234;
  e.options = {{3, {}}, {12, {0, 0, 0}}};
  EXPECT_EQ(RoundTrip(e), e);
  EXPECT_EQ(FullRcode(0, &e), 16);  // BADVERS = 16 (RFC 6891 section 9).
  EXPECT_EQ(FullRcode(3, nullptr), 3);
}

TEST(EdnsTest, CookieLengths) {
  std::vector<uint8_t> client_only(8, 7);
  EXPECT_TRUE(ParseCookie(client_only).has_value());
  std::vector<uint8_t> with_server(24, 7);
  auto c = ParseCookie(with_server).value();
  EXPECT_EQ(c.server.size(), 16u);
  EXPECT_EQ(MakeCookieOption(c).data, with_server);
  for (size_t bad : {0u, 7u, 9u, 15u, 41u}) {
    EXPECT_EQ(ParseCookie(std::vector<uint8_t>(bad, 1)).error().code, Errc::kBadEdnsOption) << bad;
  }
}

TEST(EdnsTest, ExtendedErrorRoundTripAndNames) {
  ExtendedError e{static_cast<uint16_t>(EdeCode::kDnssecBogus), "signature expired"};
  auto opt = MakeExtendedErrorOption(e);
  EXPECT_EQ(opt.code, 15);
  EXPECT_EQ(ParseExtendedError(opt.data).value(), e);
  EXPECT_EQ(EdeName(6), "DNSSEC Bogus");
  EXPECT_EQ(EdeName(3), "Stale Answer");
  EXPECT_EQ(EdeName(999), "Unknown");
  EXPECT_FALSE(ParseExtendedError(std::vector<uint8_t>{1}).has_value());
}

TEST(EdnsTest, ClientSubnetRules) {
  ClientSubnet s{1, 24, 0, {192, 0, 2}};
  auto opt = MakeClientSubnetOption(s);
  EXPECT_EQ(ParseClientSubnet(opt.data).value(), s);
  // Address longer than ceil(source/8).
  EXPECT_FALSE(ParseClientSubnet(std::vector<uint8_t>{0, 1, 24, 0, 192, 0, 2, 0}).has_value());
  // Bits set beyond a /23 prefix.
  EXPECT_FALSE(ParseClientSubnet(std::vector<uint8_t>{0, 1, 23, 0, 192, 0, 3}).has_value());
  // IPv4 prefix over 32, unknown family.
  EXPECT_FALSE(ParseClientSubnet(std::vector<uint8_t>{0, 1, 33, 0, 1, 2, 3, 4, 5}).has_value());
  EXPECT_FALSE(ParseClientSubnet(std::vector<uint8_t>{0, 9, 0, 0}).has_value());
}

TEST(EdnsTest, PaddingBlocks) {
  EXPECT_EQ(PaddingFor(100, 128), 24u);  // 100 + 4 + 24 = 128.
  EXPECT_EQ(PaddingFor(124, 128), 0u);
  EXPECT_EQ(MakePaddingOption(5).data, std::vector<uint8_t>(5, 0));
}

TEST(EdnsTest, TextShowsTypedOptions) {
  Edns e;
  e.dnssec_ok = true;
  e.options.push_back({3, {'n', 's', '1'}});
  e.options.push_back(MakeExtendedErrorOption({22, ""}));
  e.options.push_back(MakeChecksumQueryOption(kDefaultChecksumCode, {1, 2, 3, 4, 5, 6, 7, 8}));
  std::string text = EdnsToText(e);
  EXPECT_NE(text.find("flags: do"), std::string::npos);
  EXPECT_NE(text.find("NSID: 6e7331 (\"ns1\")"), std::string::npos);
  EXPECT_NE(text.find("EDE: 22 (No Reachable Authority)"), std::string::npos);
  EXPECT_NE(text.find("CHECKSUM: nonce=0102030405060708 alg=0"), std::string::npos);
}

TEST(ChecksumOptionTest, QueryOptionIsThirteenOctetsOnTheWire) {
  auto o = MakeChecksumQueryOption(65434, {9, 9, 9, 9, 9, 9, 9, 9});
  EXPECT_EQ(o.data.size(), 9u);  // + 4 octets of code and length = 13.
  EXPECT_EQ(o.data[8], 0);       // ALGORITHM 0 in queries.
}

TEST(ChecksumOptionTest, SeveralOptionsAreCountedAndShortOnesRejected) {
  Edns e;
  ChecksumNonce n{};
  e.options.push_back(MakeChecksumReplyOption(65434, n, ChecksumAlgorithm::kSha256));
  e.options.push_back(MakeChecksumReplyOption(65434, n, ChecksumAlgorithm::kSha1));
  MessageBuilder b(4096);
  ASSERT_TRUE(b.SetEdns(e).has_value());
  auto msg = *std::move(b).Finish();
  auto loc = FindChecksumOption(msg, 65434).value().value();
  EXPECT_EQ(loc.count, 2);
  EXPECT_EQ(loc.digest_length, 32u);
  EXPECT_FALSE(FindChecksumOption(msg, 65001).value().has_value());

  Edns short_opt;
  short_opt.options.push_back({65434, {1, 2, 3}});
  MessageBuilder b2(4096);
  ASSERT_TRUE(b2.SetEdns(short_opt).has_value());
  auto msg2 = *std::move(b2).Finish();
  EXPECT_EQ(FindChecksumOption(msg2, 65434).error().code, Errc::kBadEdnsOption);
}

}  // namespace
}  // namespace redoubt::dns
