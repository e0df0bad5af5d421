#include "resolver/upstream/key_tag_signal.h"

#include <gtest/gtest.h>

namespace redoubt::resolver {
namespace {

using dns::Name;
using dns::RrClass;
using dns::RrType;

// RFC 8145 section 5.1: four lowercase hex digits per tag, ascending by value, each once.
TEST(KeyTagLabelTest, TagsAreZeroPaddedLowercaseHexAscending) {
  struct Row {
    std::vector<uint16_t> tags;
    std::string label;
  };
  const Row rows[] = {
      {{20326}, "_ta-4f66"},
      {{38696, 20326}, "_ta-4f66-9728"},           // The root's KSK-2017 and KSK-2024.
      {{20326, 38696, 20326}, "_ta-4f66-9728"},    // A tag given twice is sent once.
      {{1}, "_ta-0001"},
      {{0}, "_ta-0000"},
      {{0xABCD, 0x0A0B}, "_ta-0a0b-abcd"},          // Numeric order, lowercase.
      {{0xFFFF}, "_ta-ffff"},
      {{}, ""},
  };
  for (const Row& row : rows) EXPECT_EQ(KeyTagLabel(row.tags), row.label);
}

// 63 octets is the longest label (RFC 1035 section 2.3.4): the 12 lowest tags fit, no more.
TEST(KeyTagLabelTest, AtMostTwelveTagsFitOneLabel) {
  std::vector<uint16_t> tags;
  for (uint16_t t = 20; t >= 1; --t) tags.push_back(t);
  std::string label = KeyTagLabel(tags);
  EXPECT_EQ(label.size(), 63u);
  EXPECT_EQ(label, "_ta-0001-0002-0003-0004-0005-0006-0007-0008-0009-000a-000b-000c");
}

std::vector<KeyTagSignal> RootAndExample() {
  return {{Name(), {20326, 38696}}, {*Name::FromText("example.test."), {12345}}};
}

std::optional<dns::Question> SignalFor(const char* qname, RrType type, RrClass klass = RrClass::IN) {
  return KeyTagQueryFor(dns::Question{*Name::FromText(qname), type, klass}, RootAndExample());
}

TEST(KeyTagQueryForTest, DnskeyOfTheRootGivesTheRootsKeyTagQuery) {
  auto signal = SignalFor(".", RrType::DNSKEY);
  ASSERT_TRUE(signal.has_value());
  EXPECT_TRUE(signal->qname.IdenticalTo(*Name::FromText("_ta-4f66-9728.")));
  EXPECT_EQ(signal->qtype, RrType::NULL_);
  EXPECT_EQ(signal->qclass, RrClass::IN);
}

// The zone is matched without regard to case (0x20 may have mixed it), and the query's name is
// written in lowercase.
TEST(KeyTagQueryForTest, AnchorZoneBelowTheRootIsMatchedWithoutCase) {
  auto signal = SignalFor("ExAmPlE.TeSt.", RrType::DNSKEY);
  ASSERT_TRUE(signal.has_value());
  EXPECT_TRUE(signal->qname.IdenticalTo(*Name::FromText("_ta-3039.example.test.")));
}

TEST(KeyTagQueryForTest, OnlyDnskeyQueriesOfAnchorZonesInClassInAreSignalled) {
  EXPECT_FALSE(SignalFor(".", RrType::DS));
  EXPECT_FALSE(SignalFor(".", RrType::NS));
  EXPECT_FALSE(SignalFor("www.example.test.", RrType::DNSKEY));  // Below the anchor: no.
  EXPECT_FALSE(SignalFor("test.", RrType::DNSKEY));              // Above it: no.
  EXPECT_FALSE(SignalFor("example.test.", RrType::DNSKEY, RrClass::CH));
  EXPECT_FALSE(KeyTagQueryFor(dns::Question{Name(), RrType::DNSKEY, RrClass::IN}, {}));
  EXPECT_FALSE(KeyTagQueryFor(dns::Question{Name(), RrType::DNSKEY, RrClass::IN}, {{Name(), {}}}));
}

// Under a zone name so long that "_ta-xxxx" would take the name past 255 octets: nothing sent.
TEST(KeyTagQueryForTest, NameTooLongForTheLabelGivesNoQuery) {
  std::string zone;
  for (int i = 0; i < 4; ++i) zone += std::string(62, 'a' + i) + ".";
  auto name = Name::FromText(zone);
  ASSERT_TRUE(name.has_value());
  EXPECT_FALSE(KeyTagQueryFor(dns::Question{*name, RrType::DNSKEY, RrClass::IN}, {{*name, {1}}}));
}

}  // namespace
}  // namespace redoubt::resolver
