#include "net/dns/wire_reader.h"

#include <gtest/gtest.h>

#include <vector>

namespace redoubt::dns {
namespace {

// A 12-octet header of zeros followed by `body`.
std::vector<uint8_t> Message(std::vector<uint8_t> body) {
  std::vector<uint8_t> m(kHeaderSize + body.size(), 0);
  for (size_t i = 0; i < body.size(); ++i) m[kHeaderSize + i] = body[i];
  return m;
}

TEST(WireReaderTest, IntegersAreBigEndianAndFailedReadsConsumeNothing) {
  const uint8_t bytes[] = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07};
  auto r = WireReader::ForBytes(bytes);
  EXPECT_EQ(*r.U16(), 0x0102);
  EXPECT_EQ(*r.U32(), 0x03040506u);
  auto fail = r.U16();
  ASSERT_FALSE(fail.has_value());
  EXPECT_EQ(fail.error().code, Errc::kTruncated);
  EXPECT_EQ(fail.error().detail, 6u);
  EXPECT_EQ(r.offset(), 6u);
  EXPECT_EQ(*r.U8(), 0x07);
  EXPECT_TRUE(r.AtEnd());
}

TEST(WireReaderTest, SubLimitsAndExpectEndDetectsUnconsumedRdata) {
  const uint8_t bytes[] = {1, 2, 3, 4, 5};
  auto r = WireReader::ForBytes(bytes);
  auto sub = r.Sub(3).value();
  EXPECT_EQ(r.offset(), 3u);
  EXPECT_EQ(*sub.U16(), 0x0102);
  EXPECT_EQ(sub.ExpectEnd().error().code, Errc::kRdataLength);
  EXPECT_FALSE(sub.U16().has_value());  // Cannot read past RDLENGTH into the next record.
  EXPECT_EQ(*sub.U8(), 3);
  EXPECT_TRUE(sub.ExpectEnd().has_value());
  EXPECT_EQ(r.Sub(3).error().code, Errc::kRdataLength);  // RDLENGTH past the end.
}

TEST(WireReaderTest, FollowsBackwardPointer) {
  // offset 12: "example." ; offset 21: "www" + pointer to 12.
  auto m = Message({7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0, 3, 'w', 'w', 'w', 0xC0, 12, 0xAB});
  auto r = WireReader::ForMessage(m);
  ASSERT_TRUE(r.Skip(kHeaderSize).has_value());
  EXPECT_EQ(r.ReadName().value().ToText(), "example.");
  EXPECT_EQ(r.ReadName().value().ToText(), "www.example.");
  EXPECT_EQ(*r.U8(), 0xAB);  // Resumes right after the pointer.
}

TEST(WireReaderTest, RejectsPointerLoop) {
  // A pointer to itself: the classic decompression loop.
  auto m = Message({0xC0, 12});
  auto r = WireReader::ForMessage(m);
  ASSERT_TRUE(r.Skip(kHeaderSize).has_value());
  auto name = r.ReadName();
  ASSERT_FALSE(name.has_value());
  EXPECT_EQ(name.error().code, Errc::kBadPointer);
  EXPECT_EQ(r.offset(), kHeaderSize);  // Nothing consumed.
}

TEST(WireReaderTest, RejectsTwoPointerCycle) {
  // offset 12: "a" + pointer to 16; offset 16: "b" + pointer to 12.
  auto m = Message({1, 'a', 0xC0, 16, 1, 'b', 0xC0, 12});
  auto r = WireReader::ForMessage(m);
  ASSERT_TRUE(r.Skip(16).has_value());
  EXPECT_EQ(r.ReadName().error().code, Errc::kBadPointer);
}

TEST(WireReaderTest, RejectsForwardPointer) {
  auto m = Message({0xC0, 14, 1, 'a', 0});
  auto r = WireReader::ForMessage(m);
  ASSERT_TRUE(r.Skip(kHeaderSize).has_value());
  EXPECT_EQ(r.ReadName().error().code, Errc::kBadPointer);
}

TEST(WireReaderTest, RejectsPointerIntoHeader) {
  auto m = Message({0xC0, 0x02});
  auto r = WireReader::ForMessage(m);
  ASSERT_TRUE(r.Skip(kHeaderSize).has_value());
  EXPECT_EQ(r.ReadName().error().code, Errc::kPointerIntoHeader);
}

TEST(WireReaderTest, RejectsReservedLabelTypes) {
  for (uint8_t type : {0x40, 0x80}) {
    auto m = Message({type, 0});
    auto r = WireReader::ForMessage(m);
    ASSERT_TRUE(r.Skip(kHeaderSize).has_value());
    EXPECT_EQ(r.ReadName().error().code, Errc::kBadLabelType);
  }
}

TEST(WireReaderTest, RejectsNameOver255OctetsBuiltFromPointers) {
  // Four 63-octet labels chained by pointers: each segment is legal, the whole is 257 octets.
  std::vector<uint8_t> body;
  size_t prev = 0;
  for (int i = 0; i < 4; ++i) {
    size_t here = kHeaderSize + body.size();
    body.push_back(63);
    body.insert(body.end(), 63, static_cast<uint8_t>('a' + i));
    if (i == 0) {
      body.push_back(0);
    } else {
      body.push_back(static_cast<uint8_t>(0xC0 | (prev >> 8)));
      body.push_back(static_cast<uint8_t>(prev));
    }
    prev = here;
  }
  auto m = Message(body);
  auto r = WireReader::ForMessage(m);
  ASSERT_TRUE(r.Skip(prev).has_value());
  EXPECT_EQ(r.ReadName().error().code, Errc::kNameTooLong);
}

TEST(WireReaderTest, RejectsPointerWhereCompressionIsNotAllowed) {
  auto m = Message({1, 'a', 0, 0xC0, 12});
  auto r = WireReader::ForMessage(m);
  ASSERT_TRUE(r.Skip(15).has_value());
  EXPECT_EQ(r.ReadName(/*allow_pointers=*/false).error().code, Errc::kBadPointer);
  const uint8_t standalone[] = {0xC0, 0};
  auto s = WireReader::ForBytes(standalone);
  EXPECT_EQ(s.ReadName().error().code, Errc::kBadPointer);
}

TEST(WireReaderTest, NameMayNotRunPastRdataWindow) {
  auto m = Message({3, 'a', 'b', 'c', 0});
  auto r = WireReader::ForMessage(m);
  ASSERT_TRUE(r.Skip(kHeaderSize).has_value());
  auto sub = r.Sub(3).value();
  EXPECT_EQ(sub.ReadName().error().code, Errc::kTruncated);
}

TEST(WireReaderTest, TruncatedPointer) {
  auto m = Message({0xC0});
  auto r = WireReader::ForMessage(m);
  ASSERT_TRUE(r.Skip(kHeaderSize).has_value());
  EXPECT_EQ(r.ReadName().error().code, Errc::kTruncated);
}

}  // namespace
}  // namespace redoubt::dns
