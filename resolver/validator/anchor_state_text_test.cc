// The managed-keys text form (anchor_state_text.h): round trips, the file read as a plain anchor
// file, and the errors, each naming its line.
#include "resolver/validator/anchor_state_text.h"

#include <gtest/gtest.h>

#include "net/dns/zone_parser.h"

namespace redoubt::resolver {
namespace {

constexpr int64_t kT0 = 1'767'225'600;

std::vector<uint8_t> Key(uint8_t seed, uint16_t flags = 257) {
  std::vector<uint8_t> rdata = {static_cast<uint8_t>(flags >> 8),
                                static_cast<uint8_t>(flags & 0xff), 3,
                                static_cast<uint8_t>(dns::DnssecAlgorithm::ECDSAP256SHA256)};
  for (int i = 0; i < 64; ++i) rdata.push_back(static_cast<uint8_t>(seed * 7 + i));
  return rdata;
}

std::vector<TrustPointState> Sample() {
  TrustPointState root{dns::Name(), {}, kT0 + 5, static_cast<uint32_t>(kT0 - 3600)};
  root.keys.push_back({Key(1), KeyState::kValid, kT0, kT0 + 5, kT0, 0});
  root.keys.push_back(
      {Key(2), KeyState::kAddPend, kT0 + 1, kT0 + 5, kT0 + 1, kT0 + 1 + kAddHoldDownSeconds});
  root.keys.push_back(
      {Key(3, 257 | kDnskeyRevokeFlag), KeyState::kRevoked, kT0, kT0 + 2, kT0 + 2, 0});
  root.keys.push_back({Key(4), KeyState::kMissing, kT0, kT0 + 1, kT0 + 3, 0});
  root.keys.push_back({Key(5, 257 | kDnskeyRevokeFlag), KeyState::kRemoved, kT0, kT0, kT0 + 4, 0});
  TrustPointState example{*dns::Name::FromText("example."), {}, 0};
  example.keys.push_back({Key(6), KeyState::kValid, kT0, kT0, kT0, 0});
  return {root, example};
}

TEST(AnchorStateTextTest, RoundTrip) {
  std::vector<TrustPointState> points = Sample();
  std::string text = SerializeManagedAnchors(points);
  auto parsed = ParseManagedAnchors(text, "state");
  ASSERT_TRUE(parsed.has_value()) << parsed.error();
  EXPECT_EQ(*parsed, points);
  EXPECT_EQ(SerializeManagedAnchors(*parsed), text);
}

// Read as a plain zone file (as LoadTrustAnchors reads anchor files), the text gives exactly the
// trusted keys: Valid and Missing.
TEST(AnchorStateTextTest, PlainAnchorReadersSeeOnlyTrustedKeys) {
  std::string text = SerializeManagedAnchors(Sample());
  dns::ZoneParseOptions options;
  options.default_ttl = 0;
  auto records = dns::ParseZoneText(text, "state", options);
  ASSERT_TRUE(records.has_value()) << records.error().ToString();
  ASSERT_EQ(records->size(), 3u);
  EXPECT_EQ((*records)[0].rdata, Key(1));
  EXPECT_EQ((*records)[1].rdata, Key(4));
  EXPECT_EQ((*records)[2].rdata, Key(6));
}

TEST(AnchorStateTextTest, EmptySetHasAHeaderOnly) {
  auto parsed = ParseManagedAnchors(SerializeManagedAnchors({}), "state");
  ASSERT_TRUE(parsed.has_value());
  EXPECT_TRUE(parsed->empty());
}

TEST(AnchorStateTextTest, ErrorsNameTheLine) {
  std::string text = SerializeManagedAnchors(Sample());
  auto line_of = [&](const std::string& needle) {
    size_t at = text.find(needle);
    return text.substr(0, at).find_last_of('\n') + 1;  // Offset of the line.
  };
  struct Case {
    std::string text;
    std::string error;
  };
  std::string valid_line = text.substr(line_of("; state=Valid"));
  valid_line = valid_line.substr(0, valid_line.find('\n'));
  const std::string header = text.substr(0, text.find('\n') + 1);
  const std::string point = "; trust-point . last-refresh 0 last-inception 0\n";
  std::string commented_valid = header + point + ";; " + valid_line + "\n";
  std::string bad_state = text;
  bad_state.replace(bad_state.find("state=AddPend"), 13, "state=Pending");
  std::string bad_tag = header + point + valid_line.substr(0, valid_line.find(" tag=")) + " tag=1" +
                        valid_line.substr(valid_line.find(" first-seen=")) + "\n";
  std::string negative = header + point + valid_line.substr(0, valid_line.find(" first-seen=")) +
                         " first-seen=-1" + valid_line.substr(valid_line.find(" last-seen=")) +
                         "\n";
  const Case cases[] = {
      {"", "state:1: empty managed-keys text"},
      {"; some other file\n", "state:1: not a redoubt managed-keys file"},
      {"; redoubt-managed-keys v2 future\n", "state:1: unsupported managed-keys version"},
      {header + valid_line + "\n", "state:2: a key before any '; trust-point' line"},
      {header + "; trust-point . last-refresh soon last-inception 0\n",
       "state:2: expected '; trust-point ZONE last-refresh SECONDS last-inception SERIAL'"},
      {header + "; trust-point . last-refresh 0\n",
       "state:2: expected '; trust-point ZONE last-refresh"},
      {header + "; trust-point . last-refresh 0 last-inception 4294967296\n",
       "state:2: expected '; trust-point ZONE"},
      {header + point + point, "state:3: trust point . given twice"},
      {header + point + valid_line + "\n" + valid_line + "\n", "state:4: key"},
      {commented_valid, "state:3: a key in state Valid must not be commented out"},
      {bad_state, "state:4: unknown state 'Pending'"},
      {bad_tag, "state:3: tag=1 is not the key's tag"},
      {negative, "state:3: expected first-seen=NUMBER"},
      {header + "; trust-point example. last-refresh 0 last-inception 0\n" + valid_line + "\n",
       "state:3: expected one DNSKEY record of example."},
      {header + point + ". 0 IN DNSKEY 257 3 13 AAAA\n",
       "state:3: a DNSKEY line without its '; state=' comment"},
      {header + point +
           ". 0 IN A 192.0.2.1 ; state=Valid tag=0 first-seen=0 last-seen=0 changed=0 "
           "hold-down-until=0\n",
       "state:3: expected one DNSKEY record of ."},
  };
  for (const Case& c : cases) {
    auto parsed = ParseManagedAnchors(c.text, "state");
    ASSERT_FALSE(parsed.has_value()) << c.text;
    EXPECT_EQ(parsed.error().substr(0, c.error.size()), c.error) << parsed.error();
  }
}

// One key is tracked once: its revoked form is the same key (RFC 5011 section 2.1).
TEST(AnchorStateTextTest, AKeyAndItsRevokedFormAreOneKey) {
  TrustPointState root{dns::Name(), {}, 0};
  root.keys.push_back({Key(1), KeyState::kValid, kT0, kT0, kT0, 0});
  root.keys.push_back({Key(1, 257 | kDnskeyRevokeFlag), KeyState::kRevoked, kT0, kT0, kT0, 0});
  auto parsed = ParseManagedAnchors(SerializeManagedAnchors(std::vector{root}), "state");
  ASSERT_FALSE(parsed.has_value());
  EXPECT_NE(parsed.error().find("state:4: key "), std::string::npos) << parsed.error();
  EXPECT_NE(parsed.error().find("given twice"), std::string::npos);
}

TEST(AnchorStateTextTest, CommentsAndBlankLinesAreIgnored) {
  std::vector<TrustPointState> points = Sample();
  std::string text = SerializeManagedAnchors(points);
  text.insert(text.find('\n') + 1, "\n; edited by hand\n   \n");
  auto parsed = ParseManagedAnchors(text, "state");
  ASSERT_TRUE(parsed.has_value()) << parsed.error();
  EXPECT_EQ(*parsed, points);
}

TEST(AnchorStateTextTest, TooManyTrustPointsAreRefused) {
  std::vector<TrustPointState> points;
  for (size_t i = 0; i <= kMaxManagedTrustPoints; ++i) {
    points.push_back({*dns::Name::FromText("z" + std::to_string(i) + "."), {}, 0});
  }
  auto parsed = ParseManagedAnchors(SerializeManagedAnchors(points), "state");
  ASSERT_FALSE(parsed.has_value());
  EXPECT_NE(parsed.error().find("too many trust points"), std::string::npos);
}

}  // namespace
}  // namespace redoubt::resolver
