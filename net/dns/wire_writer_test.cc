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
