#include "net/dns/zone_parser.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "net/dns/presentation.h"

namespace redoubt::dns {
namespace {

Name N(std::string_view t) { return Name::FromText(t).value(); }

std::vector<Record> Parse(std::string_view text, std::string_view origin = "example.") {
  ZoneParseOptions options;
  options.origin = N(origin);
  auto r = ParseZoneText(text, "test.zone", options);
  EXPECT_TRUE(r.has_value()) << (r.has_value() ? "" : r.error().ToString());
  return r.has_value() ? *r : std::vector<Record>{};
}

ZoneError ParseError(std::string_view text) {
  auto r = ParseZoneText(text, "test.zone", {N("example."), RrClass::IN, 8, true, std::nullopt});
  EXPECT_FALSE(r.has_value());
  return r.has_value() ? ZoneError{} : r.error();
}

TEST(ZoneParserDefaultTtlTest, DefaultTtlAppliesOnlyWhenNothingElseDoes) {
  ZoneParseOptions options;
  EXPECT_FALSE(ParseZoneText(". IN DS 1 8 2 00ff\n", "anchors", options).has_value());
  options.default_ttl = 0;
  auto r = ParseZoneText(". IN DS 1 8 2 00ff\n$TTL 60\nx. IN A 192.0.2.1\n", "anchors", options);
  ASSERT_TRUE(r.has_value());
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].ttl, 0u);
  EXPECT_EQ((*r)[1].ttl, 60u);  // $TTL wins over the default.
}

TEST(ZoneParserTest, DirectivesOwnersTtlAndClassInEitherOrder) {
  auto rs = Parse(
      "$TTL 1h\n"
      "@ IN SOA ns hm 1 2 3 4 5\n"
      "  NS ns            ; blank owner: the previous one\n"
      "www 60 IN A 192.0.2.1\n"
      "www IN 70 A 192.0.2.2\n"
      "$ORIGIN sub.example.\n"
      "x A 192.0.2.3\n"
      "abs.other. CH TXT \"chaos\"\n");
  ASSERT_EQ(rs.size(), 6u);
  EXPECT_EQ(rs[0].owner, N("example."));
  EXPECT_EQ(rs[0].ttl, 3600u);
  EXPECT_EQ(rs[1].owner, N("example."));
  EXPECT_EQ(rs[1].type, RrType::NS);
  EXPECT_EQ(rs[2].ttl, 60u);
  EXPECT_EQ(rs[3].ttl, 70u);
  EXPECT_EQ(rs[4].owner, N("x.sub.example."));
  EXPECT_EQ(rs[5].owner, N("abs.other."));
  EXPECT_EQ(rs[5].klass, RrClass::CH);
}

TEST(ZoneParserTest, ParenthesesCommentsAndQuotesSpanLines) {
  auto rs = Parse(
      "$TTL 300\n"
      "@ SOA ns hm ( 2024010101 ; serial\n"
      "    7200 ; refresh\n"
      "    3600 1209600 300 )\n"
      "t TXT \"semi;colon\" \"paren ( )\" ; a comment with \"quotes\"\n"
      "k DNSKEY 257 3 13 ( AQID\n"
      "   BA== )\n");
  ASSERT_EQ(rs.size(), 3u);
  auto soa = Decode<rdata::SOA>(rs[0].rdata).value();
  EXPECT_EQ(soa.serial, 2024010101u);
  EXPECT_EQ(soa.minimum, 300u);
  EXPECT_EQ(RdataBytesToText(RrType::TXT, rs[1].rdata), R"x("semi;colon" "paren ( )")x");
  EXPECT_EQ(Decode<rdata::DNSKEY>(rs[2].rdata)->public_key.bytes, (std::vector<uint8_t>{1, 2, 3, 4}));
}

TEST(ZoneParserTest, EscapedOwnersAndGenericForm) {
  auto rs = Parse("$TTL 1\nescaped\\.dot A 1.2.3.4\nu TYPE65280 \\# 2 abcd\ng A \\# 4 01020304\n");
  ASSERT_EQ(rs.size(), 3u);
  EXPECT_EQ(rs[0].owner.LabelCount(), 2u);
  EXPECT_EQ(rs[0].owner.ToText(), "escaped\\.dot.example.");
  EXPECT_EQ(rs[1].rdata, (std::vector<uint8_t>{0xAB, 0xCD}));
  EXPECT_EQ(rs[2].rdata, (std::vector<uint8_t>{1, 2, 3, 4}));
}

TEST(ZoneParserTest, TtlDefaultsFollowRfc2308AndBind) {
  auto rs = Parse("@ SOA ns hm 1 2 3 4 99\nwww A 1.2.3.4\nx 5 A 1.2.3.5\ny A 1.2.3.6\n");
  ASSERT_EQ(rs.size(), 4u);
  EXPECT_EQ(rs[0].ttl, 99u);  // No $TTL: the SOA MINIMUM.
  EXPECT_EQ(rs[1].ttl, 99u);  // Then the last TTL.
  EXPECT_EQ(rs[3].ttl, 5u);
}

TEST(ZoneParserTest, ErrorsNameFileLineAndReason) {
  auto e = ParseError("$TTL 60\nok A 1.2.3.4\nbad FOO 1\n");
  EXPECT_EQ(e.line, 3u);
  EXPECT_EQ(e.code, Errc::kUnknownType);
  EXPECT_EQ(e.ToString(), "test.zone:3: unknown type 'FOO'");
  EXPECT_EQ(ParseError("$TTL 60\n\nk DNSKEY 257 3 13 ***\n").ToString(), "test.zone:3: DNSKEY RDATA: bad base64");
  EXPECT_EQ(ParseError("$TTL 1x\n").ToString(), "test.zone:1: bad $TTL '1x'");
  EXPECT_EQ(ParseError("$TTL 60\nx MX 99999 a.\n").code, Errc::kBadNumber);
  EXPECT_EQ(ParseError("$TTL 60\nx SOA ( a b 1 2 3 4 5\n").line, 2u);   // Unbalanced parenthesis.
  EXPECT_EQ(ParseError("$TTL 60\nx TXT \"open\n").line, 2u);            // Unterminated quote.
  EXPECT_EQ(ParseError("x A 1.2.3.4\n").reason, "no TTL given and no $TTL in effect");
  EXPECT_EQ(ParseError("  A 1.2.3.4\n").reason, "no owner name and no previous owner");
  EXPECT_EQ(ParseError("$GENERATE 1-2 x A 1.2.3.$\n").reason, "unsupported directive $GENERATE");
  EXPECT_EQ(ParseError("$TTL 60\na..b A 1.2.3.4\n").code, Errc::kSyntax);
  EXPECT_EQ(ParseError("$TTL 60\n. DS 1 RSASHA265 2 00\n").ToString(),
            "test.zone:2: DS RDATA: unknown algorithm (want a number or a mnemonic such as "
            "RSASHA256)");
}

TEST(ZoneParserTest, AlgorithmMnemonicsInDnssecRecords) {
  auto records = Parse(
      "$TTL 60\n"
      ". IN DS 20326 RSASHA256 2 E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D\n"
      "k IN DNSKEY 257 3 ecdsap256sha256 AQID\n"
      "k IN RRSIG DNSKEY ECDSAP256SHA256 2 60 20300101000000 20200101000000 1 k AQID\n");
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(Decode<rdata::DS>(records[0].rdata)->algorithm, DnssecAlgorithm::RSASHA256);
  EXPECT_EQ(Decode<rdata::DNSKEY>(records[1].rdata)->algorithm, DnssecAlgorithm::ECDSAP256SHA256);
  EXPECT_EQ(Decode<rdata::RRSIG>(records[2].rdata)->algorithm, DnssecAlgorithm::ECDSAP256SHA256);
  EXPECT_EQ(RecordToText(records[0]),
            ".\t60\tIN\tDS\t20326 8 2 "
            "e06d44b80b8f1d39a95c0b0d7c65d08458e880409bbc683457104237c7f8ec8d");
}

TEST(ZoneParserTest, HostileInputNeverCrashes) {
  std::string long_line(200000, 'a');
  EXPECT_FALSE(ParseZoneText(long_line, "x", {}).has_value());
  EXPECT_FALSE(ParseZoneText("$TTL 60\nx TXT \"" + std::string(100, '\\'), "x", {}).has_value());
  EXPECT_FALSE(ParseZoneText("$TTL 99999999999999999999\n", "x", {}).has_value());
  EXPECT_FALSE(ParseZoneText("))))", "x", {}).has_value());
}

class ZoneFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/redoubt-zone-test.XXXXXX";
    dir_ = mkdtemp(tmpl);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void Write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ + "/" + name) << text;
  }
  std::string dir_;
};

TEST_F(ZoneFileTest, IncludeIsRelativeToTheIncludingFileAndKeepsParentOrigin) {
  Write("main.zone", "$ORIGIN example.\n$TTL 60\n$INCLUDE inc.zone sub.example.\nafter A 1.1.1.1\n");
  Write("inc.zone", "inside A 2.2.2.2\n");
  auto rs = ParseZoneFile(dir_ + "/main.zone").value();
  ASSERT_EQ(rs.size(), 2u);
  EXPECT_EQ(rs[0].owner, N("inside.sub.example."));
  EXPECT_EQ(rs[1].owner, N("after.example."));
}

TEST_F(ZoneFileTest, IncludeDepthAndMissingFiles) {
  Write("loop.zone", "$INCLUDE loop.zone\n");
  auto deep = ParseZoneFile(dir_ + "/loop.zone");
  ASSERT_FALSE(deep.has_value());
  EXPECT_EQ(deep.error().code, Errc::kIncludeDepth);
  Write("missing.zone", "$INCLUDE nope.zone\n");
  auto missing = ParseZoneFile(dir_ + "/missing.zone");
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().line, 1u);
  EXPECT_EQ(missing.error().code, Errc::kIo);
  EXPECT_EQ(ParseZoneFile(dir_ + "/absent").error().code, Errc::kIo);
}

TEST_F(ZoneFileTest, ReadsTheBuiltInRootHints) {
  const char* root = std::getenv("REDOUBT_SOURCE_ROOT");
  std::string path = std::string(root ? root : ".") + "/resolver/data/root.hints";
  auto rs = ParseZoneFile(path);
  ASSERT_TRUE(rs.has_value()) << rs.error().ToString();
  EXPECT_EQ(rs->size(), 39u);  // 13 NS, 13 A, 13 AAAA.
}

}  // namespace
}  // namespace redoubt::dns
