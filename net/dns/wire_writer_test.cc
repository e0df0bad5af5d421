#include "net/dns/wire_writer.h"

#include <gtest/gtest.h>

#include "net/dns/wire_reader.h"

namespace redoubt::dns {
namespace {

Name N(std::string_view text) { return Name::FromText(text).value(); }

TEST(WireWriterTest, CompressesRepeatedSuffixesCaseInsensitively) {
  WireWriter w;
  std::vector<uint8_t> header(kHeaderSize, 0);
  ASSERT_TRUE(w.Bytes(header).has_value());
  ASSERT_TRUE(w.WriteName(N("www.example.com."), true).has_value());   // 17 octets at 12
  ASSERT_TRUE(w.WriteName(N("mail.EXAMPLE.com."), true).has_value());  // "mail" + ptr(16)
  ASSERT_TRUE(w.WriteName(N("www.example.com."), true).has_value());   // ptr(12)
  EXPECT_EQ(w.size(), 12u + 17u + 7u + 2u);
  auto bytes = w.data();
  EXPECT_EQ(bytes[29], 4);
  EXPECT_EQ(bytes[34], 0xC0);
  EXPECT_EQ(bytes[35], 16);
  EXPECT_EQ(bytes[36], 0xC0);
  EXPECT_EQ(bytes[37], 12);
  auto r = WireReader::ForMessage(bytes);
  ASSERT_TRUE(r.Skip(kHeaderSize).has_value());
  EXPECT_EQ(r.ReadName()->ToText(), "www.example.com.");
  EXPECT_EQ(r.ReadName()->ToText(), "mail.example.com.");
  EXPECT_EQ(r.ReadName()->ToText(), "www.example.com.");
}

TEST(WireWriterTest, UncompressedNamesAreNotTargets) {
  WireWriter w;
  ASSERT_TRUE(w.Bytes(std::vector<uint8_t>(kHeaderSize, 0)).has_value());
  ASSERT_TRUE(w.WriteName(N("example."), false).has_value());
  size_t before = w.size();
  ASSERT_TRUE(w.WriteName(N("example."), true).has_value());
  EXPECT_EQ(w.size() - before, 9u);  // Written in full.
}

TEST(WireWriterTest, LowercaseForCanonicalForm) {
  WireWriter w;
  ASSERT_TRUE(w.WriteName(N("A.Example."), false, true).has_value());
  EXPECT_EQ(Name::FromWire(w.data())->IdenticalTo(N("a.example.")), true);
}

TEST(WireWriterTest, BoundedCapacityFailsWithoutPartialWrite) {
  WireWriter w(5);
  ASSERT_TRUE(w.U32(1).has_value());
  auto s = w.U16(2);
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error().code, Errc::kBufferFull);
  EXPECT_EQ(w.size(), 4u);
  EXPECT_FALSE(w.WriteName(N("toolong."), false).has_value());
  EXPECT_EQ(w.size(), 4u);
}

TEST(WireWriterTest, TruncateForgetsCompressionTargets) {
  WireWriter w;
  ASSERT_TRUE(w.Bytes(std::vector<uint8_t>(kHeaderSize, 0)).has_value());
  ASSERT_TRUE(w.WriteName(N("keep."), true).has_value());
  size_t mark = w.size();
  ASSERT_TRUE(w.WriteName(N("dropped.example."), true).has_value());
  w.Truncate(mark);
  ASSERT_TRUE(w.WriteName(N("dropped.example."), true).has_value());
  EXPECT_EQ(w.size() - mark, N("dropped.example.").WireLength());  // No pointer to lost bytes.
}

// The table of targets grows past its first slots, and every name written after that still
// points at the longest suffix written before, whatever its case: checked by reading back.
TEST(WireWriterTest, CompressionSurvivesTheTargetTableGrowing) {
  WireWriter w;
  ASSERT_TRUE(w.Bytes(std::vector<uint8_t>(kHeaderSize, 0)).has_value());
  std::vector<std::string> names;
  for (int i = 0; i < 200; ++i) {
    names.push_back("h" + std::to_string(i) + (i % 2 ? ".Zone" : ".zone") + std::to_string(i % 7) + ".example.");
  }
  for (const auto& text : names) ASSERT_TRUE(w.WriteName(N(text), true).has_value());
  size_t before = w.size();
  for (const auto& text : names) ASSERT_TRUE(w.WriteName(N(text), true).has_value());
  EXPECT_EQ(w.size() - before, 2 * names.size());  // Each a bare pointer the second time.
  auto r = WireReader::ForMessage(w.data());
  ASSERT_TRUE(r.Skip(kHeaderSize).has_value());
  for (int round = 0; round < 2; ++round) {
    for (const auto& text : names) EXPECT_EQ(*r.ReadName(), N(text));
  }
}

// A suffix that was itself written as a label and a pointer is a target too: "a.b.example."
// after "b.example." is "a" + pointer, and "x.a.b.example." then points at that "a".
TEST(WireWriterTest, PointsAtNamesThatEndInPointers) {
  WireWriter w;
  ASSERT_TRUE(w.Bytes(std::vector<uint8_t>(kHeaderSize, 0)).has_value());
  ASSERT_TRUE(w.WriteName(N("b.example."), true).has_value());
  size_t a_at = w.size();
  ASSERT_TRUE(w.WriteName(N("a.B.example."), true).has_value());
  EXPECT_EQ(w.size() - a_at, 4u);
  ASSERT_TRUE(w.WriteName(N("x.A.b.EXAMPLE."), true).has_value());
  auto bytes = w.data();
  EXPECT_EQ(bytes[bytes.size() - 2], 0xC0);
  EXPECT_EQ(bytes[bytes.size() - 1], a_at);
  ASSERT_TRUE(w.WriteName(N("other."), true).has_value());  // No false match on a shared hash.
  EXPECT_EQ(w.data()[w.size() - 1], 0);
}

TEST(WireWriterTest, PatchAndU48) {
  WireWriter w;
  ASSERT_TRUE(w.U16(0).has_value());
  ASSERT_TRUE(w.U48(0x010203040506ULL).has_value());
  w.PatchU16(0, 0xBEEF);
  auto r = WireReader::ForBytes(w.data());
  EXPECT_EQ(*r.U16(), 0xBEEF);
  EXPECT_EQ(*r.U48(), 0x010203040506ULL);
}

}  // namespace
}  // namespace redoubt::dns
