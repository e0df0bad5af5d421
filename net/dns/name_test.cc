#include "net/dns/name.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace redoubt::dns {
namespace {

Name N(std::string_view text) { return Name::FromText(text).value(); }

TEST(NameTest, RootIsOneZeroOctet) {
  Name root;
  EXPECT_TRUE(root.IsRoot());
  EXPECT_EQ(root.WireLength(), 1u);
  EXPECT_EQ(root.ToText(), ".");
  EXPECT_EQ(N(".").WireLength(), 1u);
}

TEST(NameTest, ParsesAbsoluteAndRelativeText) {
  Name www = N("www.Example.com.");
  EXPECT_EQ(www.LabelCount(), 3u);
  EXPECT_EQ(www.WireLength(), 17u);
  EXPECT_EQ(www.ToText(), "www.Example.com.");
  Name rel = Name::FromText("mail", N("example.org.")).value();
  EXPECT_EQ(rel.ToText(), "mail.example.org.");
  EXPECT_EQ(N("no-dot").ToText(), "no-dot.");
}

TEST(NameTest, EqualityAndHashIgnoreAsciiCase) {
  EXPECT_EQ(N("WWW.EXAMPLE.COM."), N("www.example.com."));
  EXPECT_EQ(N("WWW.EXAMPLE.COM.").Hash(), N("www.example.com.").Hash());
  EXPECT_FALSE(N("WWW.EXAMPLE.COM.").IdenticalTo(N("www.example.com.")));
  EXPECT_NE(N("a.example."), N("b.example."));
}

// Equality, hashing and lookup keys fold case eight octets at a time: at every offset of the
// wire form (the word-sized tail included) only 'A'..'Z' fold; the octets next to them in ASCII
// ('@' '[' '`' '{') and their high-bit twins (0xC1 against 0xE1) stay distinct, as RFC 4343
// section 3 asks. A mistake in the word trick would make unequal names equal (cache poisoning
// through a lookalike name) or equal names unequal (0x20-randomised replies rejected).
TEST(NameTest, CaseFoldingTouchesOnlyAsciiLettersAtEveryOffset) {
  const std::vector<std::pair<uint8_t, uint8_t>> pairs = {
      {'A', 'a'}, {'Z', 'z'}, {'M', 'm'}, {'@', '`'}, {'[', '{'}, {0xC1, 0xE1}, {0xDA, 0xFA}, {'a', 'b'}};
  for (size_t length = 1; length <= kMaxLabelLength; ++length) {  // Past 64 octets: stored out of line.
    for (size_t at = 0; at < length; ++at) {
      for (auto [upper, lower] : pairs) {
        std::string left(length, 'q'), right(length, 'q');
        left[at] = static_cast<char>(upper);
        right[at] = static_cast<char>(lower);
        std::vector<std::string_view> l = {left, "Example"}, r = {right, "eXAMPLE"};
        Name a = Name::FromLabels(l).value(), b = Name::FromLabels(r).value();
        bool fold = AsciiLower(upper) == AsciiLower(lower);
        ASSERT_EQ(a == b, fold) << "length " << length << " offset " << at << " octets " << int(upper) << "/"
                                << int(lower);
        ASSERT_EQ(a.LookupKey() == b.LookupKey(), fold);
        if (fold) {
          ASSERT_EQ(a.Hash(), b.Hash());
        }
        std::string key = a.LookupKey();
        ASSERT_EQ(key.substr(0, 7), std::string("example", 7));
        ASSERT_EQ(static_cast<uint8_t>(key[8 + at]), AsciiLower(upper));
      }
    }
  }
}

TEST(NameTest, EscapesRoundTrip) {
  Name n = N(R"(a\.b\\c\"\032\255.example.)");
  EXPECT_EQ(n.LabelCount(), 2u);
  EXPECT_EQ(n.Label(0).size(), 8u);  // a . b \ c " space 0xFF
  EXPECT_EQ(n.ToText(), R"(a\.b\\c\"\032\255.example.)");
  EXPECT_EQ(N(n.ToText()), n);
}

TEST(NameTest, RejectsLabelOver63Octets) {
  std::string label(64, 'a');
  auto r = Name::FromText(label + ".example.");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, Errc::kLabelTooLong);
  EXPECT_TRUE(Name::FromText(std::string(63, 'a') + ".").has_value());
}

TEST(NameTest, RejectsNameOver255Octets) {
  std::string text;
  for (int i = 0; i < 4; ++i) text += std::string(63, 'a') + ".";  // 4*64 + 1 = 257 octets
  auto r = Name::FromText(text);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, Errc::kNameTooLong);
  // 3*64 + 62 + 1 = 255: exactly the limit.
  std::string ok = std::string(63, 'a') + "." + std::string(63, 'b') + "." +
                   std::string(63, 'c') + "." + std::string(61, 'd') + ".";
  auto fits = Name::FromText(ok);
  ASSERT_TRUE(fits.has_value());
  EXPECT_EQ(fits->WireLength(), 255u);
}

TEST(NameTest, RejectsEmptyLabelsAndBadEscapes) {
  EXPECT_EQ(Name::FromText("a..b.").error().code, Errc::kSyntax);
  EXPECT_EQ(Name::FromText("").error().code, Errc::kSyntax);
  EXPECT_EQ(Name::FromText(R"(a\25)").error().code, Errc::kBadEscape);
  EXPECT_EQ(Name::FromText(R"(a\256.)").error().code, Errc::kBadEscape);
  EXPECT_EQ(Name::FromText("a\\").error().code, Errc::kBadEscape);
}

TEST(NameTest, FromWireRejectsMalformedInput) {
  const uint8_t pointer[] = {0xC0, 0x0C};
  EXPECT_EQ(Name::FromWire(pointer).error().code, Errc::kBadLabelType);
  const uint8_t truncated[] = {3, 'w', 'w'};
  EXPECT_EQ(Name::FromWire(truncated).error().code, Errc::kTruncated);
  const uint8_t trailing[] = {1, 'a', 0, 7};
  EXPECT_EQ(Name::FromWire(trailing).error().code, Errc::kTrailingData);
  const uint8_t reserved[] = {0x40, 0};
  EXPECT_EQ(Name::FromWire(reserved).error().code, Errc::kBadLabelType);
}

TEST(NameTest, CanonicalOrderFollowsRfc4034Section61Example) {
  // The example list from RFC 4034 section 6.1, in canonical order.
  std::vector<Name> ordered = {
      N("example."),     N("a.example."),        N("yljkjljk.a.example."),
      N("Z.a.example."), N("zABC.a.EXAMPLE."),   N("z.example."),
      N("\\001.z.example."), N("*.z.example."), N("\\200.z.example.")};
  for (size_t i = 0; i + 1 < ordered.size(); ++i) {
    EXPECT_EQ(ordered[i].CanonicalCompare(ordered[i + 1]), std::weak_ordering::less)
        << ordered[i].ToText() << " < " << ordered[i + 1].ToText();
    EXPECT_EQ(ordered[i + 1].CanonicalCompare(ordered[i]), std::weak_ordering::greater);
  }
  EXPECT_EQ(N("Z.A.example.").CanonicalCompare(N("z.a.EXAMPLE.")), std::weak_ordering::equivalent);
}

TEST(NameTest, SubdomainParentSuffix) {
  Name n = N("a.b.example.com.");
  EXPECT_TRUE(n.IsSubdomainOf(N("EXAMPLE.com.")));
  EXPECT_TRUE(n.IsSubdomainOf(n));
  EXPECT_TRUE(n.IsSubdomainOf(Name::Root()));
  EXPECT_FALSE(n.IsSubdomainOf(N("ample.com.")));
  EXPECT_FALSE(N("com.").IsSubdomainOf(n));
  EXPECT_EQ(n.Parent(), N("b.example.com."));
  EXPECT_EQ(n.Suffix(2), N("example.com."));
  EXPECT_EQ(n.Suffix(9), n);
  EXPECT_TRUE(Name::Root().Parent().IsRoot());
}

TEST(NameTest, WildcardPrependConcatLower) {
  Name w = N("example.").Wildcard().value();
  EXPECT_TRUE(w.IsWildcard());
  EXPECT_EQ(w.ToText(), "*.example.");
  EXPECT_FALSE(N("a*.example.").IsWildcard());
  Name rel = N("www.");
  EXPECT_EQ(rel.Concat(N("example.org.")).value().ToText(), "www.example.org.");
  EXPECT_EQ(N("MiXeD.Case.").ToLower().ToText(), "mixed.case.");
  std::string long_label(63, 'x');
  Name big = N(long_label + "." + long_label + "." + long_label + "." + std::string(60, 'y') + ".");
  EXPECT_EQ(big.Wildcard().error().code, Errc::kNameTooLong);
}

TEST(NameTest, LookupKeyReversesAndLowercases) {
  using namespace std::string_literals;
  EXPECT_EQ(N("WWW.Example.").LookupKey(), "example\0www\0"s);
  EXPECT_EQ(Name::Root().LookupKey(), "");
  // A zone's key is a prefix of the keys below it.
  std::string zone = N("example.").LookupKey();
  EXPECT_EQ(N("deep.below.example.").LookupKey().rfind(zone, 0), 0u);
}

// The key is persisted (cache_key.h): the longest names, stored out of line, keep its form:
// each label lowercased, right to left, each followed by a 0 octet.
TEST(NameTest, LookupKeyOfTheLongestNames) {
  std::string many_labels, expected_many;
  for (int i = 0; i < 127; ++i) many_labels += std::string(1, static_cast<char>('A' + i % 26)) + ".";
  for (int i = 126; i >= 0; --i) expected_many += std::string(1, static_cast<char>('a' + i % 26)) + '\0';
  Name deepest = N(many_labels);
  ASSERT_EQ(deepest.wire().size(), 255u);
  EXPECT_EQ(deepest.LookupKey(), expected_many);

  std::string label63(63, 'X');
  Name long_labels = N(label63 + "." + label63 + "." + label63 + ".Example.");
  std::string expected_long = std::string("example") + '\0' + std::string(63, 'x') + '\0' + std::string(63, 'x') + '\0' +
                              std::string(63, 'x') + '\0';
  EXPECT_EQ(long_labels.LookupKey(), expected_long);
  std::string prefixed = "p";
  long_labels.AppendLookupKey(prefixed);  // Appends after what is there.
  EXPECT_EQ(prefixed, "p" + expected_long);
}

TEST(NameTest, FromLabels) {
  std::vector<std::string_view> labels = {"www", "example"};
  EXPECT_EQ(Name::FromLabels(labels).value(), N("www.example."));
  std::vector<std::string_view> empty_label = {"www", ""};
  EXPECT_FALSE(Name::FromLabels(empty_label).has_value());
}

}  // namespace
}  // namespace redoubt::dns
