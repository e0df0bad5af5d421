#include "net/dns/presentation.h"

#include <gtest/gtest.h>

#include "net/dns/base_encoding.h"
#include "net/dns/zone_tokenizer.h"

namespace redoubt::dns {
namespace {

Name N(std::string_view t) { return Name::FromText(t).value(); }

std::vector<Token> Tokens(std::string_view text) {
  ZoneTokenizer t(text);
  LogicalLine line;
  EXPECT_TRUE(t.Next(line).value());
  return line.tokens;
}

// Parses `text` as RDATA of `type`, prints it, and checks the printed form and wire bytes.
void ExpectText(RrType type, std::string_view text, std::string_view printed,
                std::string_view wire_hex = "") {
  auto rdata = RdataFromText(type, Tokens(text), N("example."));
  ASSERT_TRUE(rdata.has_value()) << text << ": " << ErrcName(rdata.error().code);
  EXPECT_EQ(RdataToText(*rdata), printed);
  if (!wire_hex.empty()) {
    EXPECT_EQ(EncodeHex(*RdataToBytes(*rdata)), wire_hex);
  }
  // Printing is a fixed point.
  auto again = RdataFromText(type, Tokens(printed), N("example."));
  ASSERT_TRUE(again.has_value()) << printed;
  EXPECT_EQ(*again, *rdata);
}

TEST(PresentationTest, EveryRecordTypeRoundTripsThroughText) {
  ExpectText(RrType::A, "192.0.2.1", "192.0.2.1", "c0000201");
  ExpectText(RrType::AAAA, "2001:DB8::1", "2001:db8::1", "20010db8000000000000000000000001");
  ExpectText(RrType::NS, "ns1", "ns1.example.", "036e7331076578616d706c6500");
  ExpectText(RrType::CNAME, "@", "example.");
  ExpectText(RrType::SOA, "ns hm ( 1 2h 3 4 5 )", "ns.example. hm.example. 1 7200 3 4 5");
  ExpectText(RrType::MX, "10 mail.example.org.", "10 mail.example.org.");
  ExpectText(RrType::TXT, R"("a b" c "\"q\"" "\200")", R"("a b" "c" "\"q\"" "\200")",
             "0361206201630322712201c8");
  ExpectText(RrType::HINFO, "cpu os", R"("cpu" "os")");
  ExpectText(RrType::SRV, "1 2 3 t", "1 2 3 t.example.");
  ExpectText(RrType::NAPTR, R"(1 2 "S" "SIP+D2U" "" _sip._udp)", R"(1 2 "S" "SIP+D2U" "" _sip._udp.example.)");
  ExpectText(RrType::DNAME, "x.org.", "x.org.");
  ExpectText(RrType::DS, "60485 5 1 2BB183AF5F22588179A53B0A98631FAD1A292118",
             "60485 5 1 2bb183af5f22588179a53b0a98631fad1a292118");
  ExpectText(RrType::DNSKEY, "257 3 13 AQID BA==", "257 3 13 AQIDBA==", "0101030d01020304");
  ExpectText(RrType::RRSIG, "A 13 2 3600 20300101000000 20200101000000 1234 example. AQID",
             "A 13 2 3600 20300101000000 20200101000000 1234 example. AQID");
  ExpectText(RrType::NSEC, "b.example. A NS RRSIG NSEC TYPE1234", "b.example. A NS RRSIG NSEC TYPE1234");
  ExpectText(RrType::NSEC3, "1 1 12 AABBCCDD 2vptu5timamqttgl4luu9kg21e0aor3s A RRSIG",
             "1 1 12 aabbccdd 2vptu5timamqttgl4luu9kg21e0aor3s A RRSIG");
  ExpectText(RrType::NSEC3PARAM, "1 0 0 -", "1 0 0 -", "0100000000");
  ExpectText(RrType::SSHFP, "1 1 ABCD", "1 1 abcd");
  ExpectText(RrType::TLSA, "3 1 1 00ff", "3 1 1 00ff");
  ExpectText(RrType::CAA, R"(0 issue "ca.example")", R"(0 issue "ca.example")",
             "0005697373756563612e6578616d706c65");
  ExpectText(RrType::ZONEMD, "2021 1 1 0011", "2021 1 1 0011");
  ExpectText(RrType::URI, R"(10 1 "ftp://x/")", R"(10 1 "ftp://x/")");
  ExpectText(RrType::KEY, "256 3 1 AQID", "256 3 1 AQID");
  ExpectText(RrType::KEY, "49408 3 0", "49408 3 0", "c1000300");  // No-key zone KEY.
  ExpectText(RrType::SIG, "A 1 2 86400 19980101000000 19971201000000 7 example. AQID",
             "A 1 2 86400 19980101000000 19971201000000 7 example. AQID");
  ExpectText(RrType::NXT, "b.example. A SIG KEY NXT", "b.example. A SIG KEY NXT",
             "0162076578616d706c6500" "400000c2");  // specs/dnssec-legacy.md 3.2
  ExpectText(RrType::TSIG, "hmac-sha256. 1700000000 300 2 AQI= 4660 0 0",
             "hmac-sha256. 1700000000 300 2 AQI= 4660 0 0");
  ExpectText(RrType::TKEY, "gss-tsig. 20240101000000 20240102000000 3 0 1 AQ== 0",
             "gss-tsig. 20240101000000 20240102000000 3 0 1 AQ== 0");
  ExpectText(RrType::HTTPS, R"(1 . alpn="h2,h3" port=443 ipv4hint=192.0.2.1,192.0.2.2)",
             R"(1 . alpn="h2,h3" port=443 ipv4hint=192.0.2.1,192.0.2.2)");
  ExpectText(RrType::SVCB, "0 svc.example.", "0 svc.example.");
  ExpectText(RrType::SVCB, R"(1 . key65000="a b" mandatory=port,alpn alpn=x port=1)",
             R"(1 . mandatory=alpn,port alpn="x" port=1 key65000="a b")");
}

TEST(PresentationTest, SvcbAlpnWithEscapedCommaRoundTrips) {
  // RFC 9460 Appendix A: "h2\\,x" is one protocol id "h2,x".
  auto r = RdataFromText(RrType::SVCB, Tokens(R"(1 . alpn="h2\\,x,h3")"), N("."));
  ASSERT_TRUE(r.has_value());
  auto svcb = std::get<rdata::SVCB>(*r);
  EXPECT_EQ(svcb.params.params[0].value, (std::vector<uint8_t>{4, 'h', '2', ',', 'x', 2, 'h', '3'}));
  ExpectText(RrType::SVCB, RdataToText(*r), RdataToText(*r));
}

TEST(PresentationTest, GenericFormForKnownAndUnknownTypes) {
  auto known = RdataFromText(RrType::A, Tokens(R"(\# 4 C0000201)"), N("."));
  ASSERT_TRUE(known.has_value());
  EXPECT_EQ(RdataToText(*known), "192.0.2.1");
  auto unknown = RdataFromText(static_cast<RrType>(65280), Tokens(R"(\# 3 01 0203)"), N("."));
  ASSERT_TRUE(unknown.has_value());
  EXPECT_EQ(RdataToText(*unknown), R"(\# 3 010203)");
  auto empty = RdataFromText(static_cast<RrType>(65280), Tokens(R"(\# 0)"), N("."));
  ASSERT_TRUE(empty.has_value());
  EXPECT_EQ(RdataToText(*empty), R"(\# 0)");
  // Length mismatch and invalid RDATA for a known type are refused.
  EXPECT_EQ(RdataFromText(RrType::A, Tokens(R"(\# 5 C0000201)"), N(".")).error().code, Errc::kRdataLength);
  EXPECT_EQ(RdataFromText(RrType::A, Tokens(R"(\# 3 C00002)"), N(".")).error().code, Errc::kTruncated);
  // Unknown types have no other form.
  EXPECT_EQ(RdataFromText(static_cast<RrType>(65280), Tokens("1 2"), N(".")).error().code, Errc::kUnknownType);
}

TEST(PresentationTest, RejectsBadFieldsAndLeftovers) {
  auto fails = [](RrType t, std::string_view text) {
    return !RdataFromText(t, Tokens(text), N(".")).has_value();
  };
  EXPECT_TRUE(fails(RrType::A, "192.0.2"));
  EXPECT_TRUE(fails(RrType::A, "192.0.2.1 extra"));
  EXPECT_TRUE(fails(RrType::MX, "65536 mx."));
  EXPECT_TRUE(fails(RrType::MX, "10"));
  EXPECT_TRUE(fails(RrType::DNSKEY, "257 3 13 not*base64"));
  EXPECT_TRUE(fails(RrType::DS, "1 2 3 xyz"));
  EXPECT_TRUE(fails(RrType::RRSIG, "A 13 2 3600 2030010100000 20200101000000 1 e. AQ=="));
  EXPECT_TRUE(fails(RrType::NSEC, "b. A NOSUCHTYPE"));
  EXPECT_TRUE(fails(RrType::TXT, "\"" + std::string(256, 'x') + "\""));
  EXPECT_TRUE(fails(RrType::TXT, R"("\25")"));
  EXPECT_TRUE(fails(RrType::HTTPS, "1 . port=1 port=2"));
  EXPECT_TRUE(fails(RrType::HTTPS, "1 . port=x"));
  EXPECT_TRUE(fails(RrType::NSEC3, "1 0 0 - 0 A"));  // Empty hash is not allowed.
}

// RFC 4034 sections 2.2, 3.2 and 5.3: the algorithm field of DNSKEY, RRSIG and DS may be a
// mnemonic; the same holds for every type with that field. Printing stays numeric.
TEST(PresentationTest, AlgorithmMnemonicsAreReadAndPrintedAsNumbers) {
  ExpectText(RrType::DS, "20326 RSASHA256 2 E06D44B8", "20326 8 2 e06d44b8", "4f660802e06d44b8");
  ExpectText(RrType::CDS, "1 ecdsap384sha384 4 00", "1 14 4 00");
  ExpectText(RrType::DLV, "1 Ed448 2 00", "1 16 2 00");
  ExpectText(RrType::DNSKEY, "257 3 ECDSAP256SHA256 AQID", "257 3 13 AQID", "0101030d010203");
  ExpectText(RrType::CDNSKEY, "257 3 ED25519 AQID", "257 3 15 AQID");
  ExpectText(RrType::CDNSKEY, "0 3 DELETE AA==", "0 3 0 AA==");  // RFC 8078 section 4.
  ExpectText(RrType::KEY, "256 3 RSAMD5 AQID", "256 3 1 AQID");
  ExpectText(RrType::RRSIG, "A RSASHA1-NSEC3-SHA1 2 3600 20300101000000 20200101000000 1 e. AQ==",
             "A 7 2 3600 20300101000000 20200101000000 1 e. AQ==");
  ExpectText(RrType::SIG, "A rsasha1 2 86400 19980101000000 19971201000000 7 e. AQID",
             "A 5 2 86400 19980101000000 19971201000000 7 e. AQID");
  ExpectText(RrType::DS, "1 200 2 00", "1 200 2 00");  // Unassigned numbers still read.
  auto error = [](RrType t, std::string_view text) {
    auto r = RdataFromText(t, Tokens(text), N("."));
    return r.has_value() ? Errc::kOk : r.error().code;
  };
  EXPECT_EQ(error(RrType::DS, "1 RSASHA265 2 00"), Errc::kUnknownAlgorithm);
  EXPECT_EQ(error(RrType::DS, "1 256 2 00"), Errc::kUnknownAlgorithm);
  EXPECT_EQ(error(RrType::DNSKEY, "257 3 ECDSA AQID"), Errc::kUnknownAlgorithm);
  EXPECT_EQ(error(RrType::RRSIG, "A P256 2 1 20300101000000 20200101000000 1 e. AQ=="),
            Errc::kUnknownAlgorithm);
  // Only the DNSSEC algorithm field takes mnemonics: not the digest type nor other registries.
  EXPECT_EQ(error(RrType::DS, "1 8 SHA256 00"), Errc::kBadNumber);
  EXPECT_EQ(error(RrType::SSHFP, "ED25519 1 abcd"), Errc::kBadNumber);
}

TEST(PresentationTest, RecordLineLayout) {
  Record r{N("www.example."), RrType::A, RrClass::IN, 300, {192, 0, 2, 1}};
  EXPECT_EQ(RecordToText(r), "www.example.\t300\tIN\tA\t192.0.2.1");
  EXPECT_EQ(RecordToText(r, true), "www.example.\t300\tIN\tTYPE1\t\\# 4 c0000201");
  Record bad{N("x."), RrType::A, RrClass::IN, 1, {1, 2}};
  EXPECT_EQ(RecordToText(bad), "x.\t1\tIN\tA\t\\# 2 0102");  // Invalid bytes print generically.
}

TEST(PresentationTest, SignatureTimesAndTtlUnits) {
  EXPECT_EQ(ParseSignatureTime("20300101000000").value(), 1893456000u);
  EXPECT_EQ(FormatSignatureTime(1893456000u), "20300101000000");
  EXPECT_EQ(ParseSignatureTime("1893456000").value(), 1893456000u);
  // Beyond 2106 the 32-bit field wraps (RFC 4034 section 3.1.5 serial arithmetic).
  EXPECT_EQ(ParseSignatureTime("21060207062816").value(), 0u);
  EXPECT_FALSE(ParseSignatureTime("20301301000000").has_value());
  EXPECT_EQ(ParseNumber("1w2d3h4m5s", 0xFFFFFFFF, true).value(), 604800u + 172800 + 10800 + 240 + 5);
  EXPECT_EQ(ParseNumber("1H30", 0xFFFFFFFF, true).value(), 3630u);
  EXPECT_FALSE(ParseNumber("1h", 0xFFFFFFFF, false).has_value());
  EXPECT_FALSE(ParseNumber("h1", 0xFFFFFFFF, true).has_value());
  EXPECT_FALSE(ParseNumber("99999999999", 0xFFFFFFFF, true).has_value());
}

}  // namespace
}  // namespace redoubt::dns
