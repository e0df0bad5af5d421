#include "net/dns/message_builder.h"

#include <gtest/gtest.h>

#include "net/dns/base_encoding.h"
#include "net/dns/checksum_option.h"
#include "net/dns/rrset.h"

namespace redoubt::dns {
namespace {

Name N(std::string_view t) { return Name::FromText(t).value(); }

std::vector<uint8_t> A(uint8_t last) { return {192, 0, 2, last}; }

TEST(MessageBuilderTest, BuildsSpecChecksumExampleExactly) {
  // specs/checksum.md section 5.1, SHA-256 variant with the digest still zero.
  MessageBuilder b(1232);
  b.header().id = 0x1234;
  b.header().SetFlags(0x8180);
  ASSERT_TRUE(b.AddQuestion(N("example.com."), RrType::A).has_value());
  ChecksumNonce nonce = {0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef};
  Edns edns;
  edns.udp_size = 1232;
  edns.options.push_back(MakeChecksumReplyOption(65001, nonce, ChecksumAlgorithm::kSha256));
  ASSERT_TRUE(b.SetEdns(edns).has_value());
  ASSERT_TRUE(b.AddRecord(Section::kAnswer, N("example.com."), RrType::A, RrClass::IN, 300, A(1)).has_value());
  auto msg = *std::move(b).Finish();
  EXPECT_EQ(EncodeHex(msg),
            "123481800001000100000001076578616d706c6503636f6d0000010001c00c000100010000012c0004"
            "c000020100002904d000000000002dfde900290123456789abcdef02" +
                std::string(64, '0'));
  auto loc = FindChecksumOption(msg, 65001).value().value();
  EXPECT_EQ(loc.digest_offset, msg.size() - 32);
  EXPECT_EQ(loc.nonce, nonce);
  EXPECT_EQ(loc.count, 1);
}

TEST(MessageBuilderTest, TruncationRollsBackToLastWholeRRsetAndKeepsOpt) {
  MessageBuilder b(120);
  ASSERT_TRUE(b.AddQuestion(N("big.example."), RrType::TXT).has_value());
  ASSERT_TRUE(b.SetEdns(Edns{}).has_value());
  RRset first;
  first.owner = N("big.example.");
  first.type = RrType::TXT;
  first.ttl = 60;
  first.rdatas = {{5, 'h', 'e', 'l', 'l', 'o'}};
  ASSERT_TRUE(b.AddRRset(Section::kAnswer, first).has_value());
  RRset huge = first;
  huge.type = RrType::A;
  huge.rdatas = {A(1), A(2), A(3), A(4), A(5), A(6)};
  EXPECT_EQ(b.AddRRset(Section::kAnswer, huge).error().code, Errc::kBufferFull);
  EXPECT_TRUE(b.truncated());
  // After TC nothing more goes into answer/authority, even if it would fit.
  EXPECT_FALSE(b.AddRecord(Section::kAuthority, N("x."), RrType::A, RrClass::IN, 1, A(9)).has_value());
  auto msg = *std::move(b).Finish();
  EXPECT_LE(msg.size(), 120u);
  auto view = MessageView::Parse(msg).value();
  EXPECT_TRUE(view.header().tc);
  EXPECT_EQ(view.section(Section::kAnswer).size(), 1u);  // Only the whole first RRset.
  EXPECT_NE(view.opt(), nullptr);                          // OPT survives truncation.
}

TEST(MessageBuilderTest, AdditionalOverflowIsOmittedWithoutTc) {
  MessageBuilder b(60);
  ASSERT_TRUE(b.AddQuestion(N("a."), RrType::NS).has_value());
  ASSERT_TRUE(b.AddRecord(Section::kAnswer, N("a."), RrType::NS, RrClass::IN, 1,
                          *RdataToBytes(rdata::NS{N("ns.a.")})).has_value());
  for (uint8_t i = 0; i < 10; ++i) {
    (void)b.AddRecord(Section::kAdditional, N("ns.a."), RrType::A, RrClass::IN, 1, A(i));
  }
  EXPECT_FALSE(b.truncated());
  auto view = MessageView::Parse(*std::move(b).Finish()).value();
  EXPECT_GT(view.section(Section::kAdditional).size(), 0u);
  EXPECT_LT(view.section(Section::kAdditional).size(), 10u);
}

TEST(MessageBuilderTest, SectionsMustComeInOrder) {
  MessageBuilder b(512);
  ASSERT_TRUE(b.AddRecord(Section::kAuthority, N("a."), RrType::A, RrClass::IN, 1, A(1)).has_value());
  EXPECT_EQ(b.AddRecord(Section::kAnswer, N("a."), RrType::A, RrClass::IN, 1, A(1)).error().code,
            Errc::kInvalidArgument);
  EXPECT_EQ(b.AddQuestion(N("a."), RrType::A).error().code, Errc::kInvalidArgument);
}

TEST(MessageBuilderTest, CompressesNamesInsideRfc1035RdataOnly) {
  MessageBuilder b(512);
  ASSERT_TRUE(b.AddQuestion(N("example."), RrType::MX).has_value());
  ASSERT_TRUE(b.AddRecord(Section::kAnswer, N("example."), RrType::MX, RrClass::IN, 1,
                          *RdataToBytes(rdata::MX{10, N("mail.example.")})).has_value());
  auto msg = *std::move(b).Finish();
  // Owner is a pointer (2), RDATA is preference + "mail" + pointer (2 + 5 + 2).
  EXPECT_EQ(msg.size(), 12u + 9u + 4u + 2u + 10u + 9u);
  auto view = MessageView::Parse(msg).value();
  auto mx = Decode<rdata::MX>(*view.UncompressedRdata(view.records()[0])).value();
  EXPECT_EQ(mx.exchange, N("mail.example."));
}

TEST(MessageBuilderTest, QueryHasRdEdnsAndDo) {
  QueryOptions options;
  options.id = 77;
  options.dnssec_ok = true;
  auto q = BuildQuery(N("www.example."), RrType::AAAA, RrClass::IN, options).value();
  auto view = MessageView::Parse(q).value();
  EXPECT_EQ(view.header().id, 77);
  EXPECT_TRUE(view.header().rd);
  EXPECT_FALSE(view.header().qr);
  auto edns = ReadEdns(view).value().value();
  EXPECT_TRUE(edns.dnssec_ok);
  EXPECT_EQ(edns.udp_size, 1232);
}

}  // namespace
}  // namespace redoubt::dns
