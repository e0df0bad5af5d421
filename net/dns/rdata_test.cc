#include "net/dns/rdata.h"

#include <gtest/gtest.h>

#include <vector>

namespace redoubt::dns {
namespace {

Name N(std::string_view text) { return Name::FromText(text).value(); }

// Encodes, decodes and re-encodes: typed values and bytes must both survive.
void ExpectRoundTrip(const Rdata& value) {
  auto bytes = RdataToBytes(value);
  ASSERT_TRUE(bytes.has_value()) << ErrcName(bytes.error().code);
  auto decoded = DecodeRdata(TypeOf(value), *bytes);
  ASSERT_TRUE(decoded.has_value()) << ErrcName(decoded.error().code);
  EXPECT_EQ(*decoded, value);
  EXPECT_EQ(RdataToBytes(*decoded).value(), *bytes);
}

TEST(RdataTest, CoreTypesRoundTrip) {
  ExpectRoundTrip(rdata::A{{{192, 0, 2, 1}}});
  ExpectRoundTrip(rdata::AAAA{{{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}}});
  ExpectRoundTrip(rdata::NS{N("ns1.example.")});
  ExpectRoundTrip(rdata::SOA{N("ns.example."), N("hostmaster.example."), 1, 2, 3, 4, 5});
  ExpectRoundTrip(rdata::MX{10, N("mail.example.")});
  ExpectRoundTrip(rdata::TXT{{{"hello", "", std::string(255, 'x')}}});
  ExpectRoundTrip(rdata::SRV{1, 2, 443, N("svc.example.")});
  ExpectRoundTrip(rdata::NAPTR{100, 10, {"S"}, {"SIP+D2U"}, {""}, N("_sip._udp.example.")});
  ExpectRoundTrip(rdata::DNAME{N("target.example.")});
  ExpectRoundTrip(rdata::CAA{0, {"issue"}, {"ca.example.net"}});
  ExpectRoundTrip(rdata::SSHFP{1, 2, {{0xDE, 0xAD}}});
  ExpectRoundTrip(rdata::TLSA{3, 1, 1, {{1, 2, 3}}});
  ExpectRoundTrip(rdata::HINFO{{"cpu"}, {"os"}});
  ExpectRoundTrip(rdata::URI{1, 1, {"https://example/"}});
}

TEST(RdataTest, DnssecTypesRoundTrip) {
  ExpectRoundTrip(rdata::DS{12345, DnssecAlgorithm::ECDSAP256SHA256, 2, {{0xAA, 0xBB}}});
  ExpectRoundTrip(rdata::DNSKEY{257, 3, DnssecAlgorithm::ECDSAP256SHA256, {{1, 2, 3, 4}}});
  ExpectRoundTrip(rdata::RRSIG{RrType::A, DnssecAlgorithm::ECDSAP256SHA256, 2, 3600,
                               {1700000000}, {1690000000}, 4242, N("example."), {{9, 9, 9}}});
  ExpectRoundTrip(rdata::NSEC{N("b.example."), {{RrType::A, RrType::RRSIG, RrType::NSEC,
                                                  static_cast<RrType>(1234)}}});
  ExpectRoundTrip(rdata::NSEC3{1, 1, 10, {{0xAB, 0xCD}}, {{1, 2, 3, 4, 5}},
                               {{RrType::A, RrType::RRSIG}}});
  ExpectRoundTrip(rdata::NSEC3{1, 0, 0, {}, {{7}}, {}});  // Empty salt, empty bitmap.
  ExpectRoundTrip(rdata::NSEC3PARAM{1, 0, 0, {}});
  ExpectRoundTrip(rdata::ZONEMD{2024010101, 1, 1, {{1, 2, 3}}});
  ExpectRoundTrip(rdata::CDS{0, DnssecAlgorithm::DELETE, 0, {{0}}});
}

TEST(RdataTest, LegacyAndTransactionTypesRoundTrip) {
  ExpectRoundTrip(rdata::KEY{0x0100, 3, DnssecAlgorithm::RSAMD5, {{1, 3, 5}}});
  // No-key zone KEY: nothing after the algorithm.
  ExpectRoundTrip(rdata::KEY{0xC100, 3, DnssecAlgorithm{0}, {}});
  ExpectRoundTrip(rdata::SIG{RrType::A, DnssecAlgorithm::RSAMD5, 2, 86400, {900000000}, {890000000}, 7,
                             N("example."), {{1}}});
  ExpectRoundTrip(rdata::NXT{N("b.example."), {{RrType::A, RrType::SIG, RrType::KEY, RrType::NXT}}});
  ExpectRoundTrip(rdata::TSIG{N("hmac-sha256."), {1700000000}, 300, {{1, 2}}, 4660, 0, {}});
  ExpectRoundTrip(rdata::TKEY{N("gss-tsig."), {1}, {2}, 3, 0, {{5, 5}}, {}});
}

TEST(RdataTest, SvcbRoundTripAndKeyOrder) {
  rdata::HTTPS https{1, N("."), {{{1, {2, 'h', '2'}}, {3, {0x01, 0xBB}}, {4, {192, 0, 2, 1}}}}};
  ExpectRoundTrip(https);
  // Keys out of order: RFC 9460 section 2.2 says the RR is malformed.
  const uint8_t unordered[] = {0, 1, 0, 0, 3, 0, 2, 1, 187, 0, 1, 0, 3, 2, 'h', '2'};
  EXPECT_EQ(DecodeRdata(RrType::HTTPS, unordered).error().code, Errc::kBadRdata);
  // port must be exactly two octets.
  const uint8_t bad_port[] = {0, 1, 0, 0, 3, 0, 1, 1};
  EXPECT_EQ(DecodeRdata(RrType::SVCB, bad_port).error().code, Errc::kBadRdata);
}

TEST(RdataTest, NxtBitmapMatchesSpecExample) {
  // specs/dnssec-legacy.md 3.2: map 40 00 00 C2 = A SIG KEY NXT.
  const uint8_t wire[] = {1, 'b', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0, 0x40, 0, 0, 0xC2};
  auto nxt = Decode<rdata::NXT>(wire).value();
  EXPECT_EQ(nxt.types.types, (std::vector<RrType>{RrType::A, RrType::SIG, RrType::KEY, RrType::NXT}));
  const uint8_t bit_zero[] = {0, 0x80};
  EXPECT_EQ(DecodeRdata(RrType::NXT, bit_zero).error().code, Errc::kBadRdata);
}

TEST(RdataTest, RejectsRdataNotConsumedExactly) {
  const uint8_t a_too_long[] = {192, 0, 2, 1, 0};
  EXPECT_EQ(DecodeRdata(RrType::A, a_too_long).error().code, Errc::kRdataLength);
  const uint8_t a_too_short[] = {192, 0, 2};
  EXPECT_EQ(DecodeRdata(RrType::A, a_too_short).error().code, Errc::kTruncated);
  const uint8_t mx_trailing[] = {0, 10, 0, 0xFF};
  EXPECT_EQ(DecodeRdata(RrType::MX, mx_trailing).error().code, Errc::kRdataLength);
  const uint8_t txt_empty[] = {};
  EXPECT_EQ(DecodeRdata(RrType::TXT, std::span<const uint8_t>(txt_empty, 0)).error().code,
            Errc::kBadRdata);
  const uint8_t txt_overrun[] = {5, 'a', 'b'};
  EXPECT_EQ(DecodeRdata(RrType::TXT, txt_overrun).error().code, Errc::kTruncated);
}

TEST(RdataTest, RejectsNonCanonicalTypeBitmaps) {
  // Window length 0, windows out of order, trailing zero octet.
  const uint8_t zero_len[] = {0, 0, 0};
  const uint8_t descending[] = {0, 1, 0x01, 1, 1, 0x40, 0, 1, 0x40};
  const uint8_t trailing_zero[] = {0, 0, 2, 0x40, 0x00};
  for (auto bytes : {std::span<const uint8_t>(zero_len), std::span<const uint8_t>(descending),
                     std::span<const uint8_t>(trailing_zero)}) {
    // Prefix with the NSEC next name (root).
    std::vector<uint8_t> rdata = {0};
    rdata.insert(rdata.end(), bytes.begin(), bytes.end());
    EXPECT_EQ(DecodeRdata(RrType::NSEC, rdata).error().code, Errc::kBadRdata);
  }
}

TEST(RdataTest, UnknownTypesAreOpaque) {
  const uint8_t bytes[] = {0xC0, 0x0C, 1, 2};  // Looks like a pointer but is opaque data.
  auto r = DecodeRdata(static_cast<RrType>(65280), bytes);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(std::get<rdata::Unknown>(*r).bytes.size(), 4u);
  EXPECT_FALSE(IsKnownType(static_cast<RrType>(65280)));
  EXPECT_TRUE(IsKnownType(RrType::NSEC3PARAM));
}

TEST(RdataTest, CompressionAcceptedOnlyForRfc3597Types) {
  // Message: header, "example." at 12, then RDATA regions.
  std::vector<uint8_t> m(12, 0);
  for (uint8_t c : std::initializer_list<uint8_t>{7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0}) m.push_back(c);
  size_t mx_at = m.size();
  for (uint8_t c : std::initializer_list<uint8_t>{0, 10, 4, 'm', 'a', 'i', 'l', 0xC0, 12}) m.push_back(c);
  auto r = WireReader::ForMessage(m);
  ASSERT_TRUE(r.Skip(mx_at).has_value());
  auto mx = UncompressRdata(RrType::MX, r.Sub(9).value());
  ASSERT_TRUE(mx.has_value());
  EXPECT_EQ(Decode<rdata::MX>(*mx)->exchange, N("mail.example."));
  // The same bytes as a DNAME target (not on RFC 3597's list): refused.
  auto r2 = WireReader::ForMessage(m);
  ASSERT_TRUE(r2.Skip(mx_at + 2).has_value());
  EXPECT_EQ(DecodeRdata(RrType::DNAME, r2.Sub(7).value()).error().code, Errc::kBadPointer);
}

TEST(RdataTest, CanonicalFormLowercasesOnlyListedTypes) {
  auto rrsig = RdataToBytes(rdata::RRSIG{RrType::A, DnssecAlgorithm::RSASHA256, 1, 1, {1}, {1}, 1, N("EXAMPLE."), {{1}}},
                            RdataForm::kCanonical).value();
  EXPECT_EQ(rrsig[18 + 1], 'e');  // Signer lowercased (RFC 4034 section 6.2).
  auto nsec = RdataToBytes(rdata::NSEC{N("B.example."), {{RrType::A}}}, RdataForm::kCanonical).value();
  EXPECT_EQ(nsec[1], 'B');  // NSEC next name keeps its case (RFC 6840 section 5.1).
  auto mx = RdataToBytes(rdata::MX{1, N("MAIL.example.")}, RdataForm::kCanonical).value();
  EXPECT_EQ(mx[3], 'm');
}

TEST(RdataTest, MessageFormCompressesOnlyRfc1035Types) {
  WireWriter w;
  ASSERT_TRUE(w.Bytes(std::vector<uint8_t>(12, 0)).has_value());
  ASSERT_TRUE(w.WriteName(N("example."), true).has_value());
  size_t at = w.size();
  ASSERT_TRUE(EncodeRdata(rdata::NS{N("ns.example.")}, w, RdataForm::kMessage).has_value());
  EXPECT_EQ(w.size() - at, 5u);  // "ns" + pointer
  at = w.size();
  ASSERT_TRUE(EncodeRdata(rdata::SRV{0, 0, 0, N("x.example.")}, w, RdataForm::kMessage).has_value());
  EXPECT_EQ(w.size() - at, 6u + N("x.example.").WireLength());  // Never compressed.
}

TEST(RdataTest, NameRulesTable) {
  EXPECT_EQ(NameRulesOf(RrType::CNAME), kNamesRfc1035);
  EXPECT_EQ(NameRulesOf(RrType::NSEC), kNamesPlain);
  EXPECT_TRUE(NameRulesOf(RrType::SIG) & kNamesDecompress);
  EXPECT_FALSE(NameRulesOf(RrType::RRSIG) & kNamesDecompress);
  EXPECT_EQ(NameRulesOf(static_cast<RrType>(999)), kNamesPlain);
}

}  // namespace
}  // namespace redoubt::dns
