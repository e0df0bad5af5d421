#include "cache/entry.h"

#include <gtest/gtest.h>

namespace redoubt::cache {
namespace {

dns::RRset ARRset() {
  dns::RRset set;
  set.owner = *dns::Name::FromText("www.Example.");
  set.type = dns::RrType::A;
  set.ttl = 300;
  set.rdatas = {{192, 0, 2, 1}, {192, 0, 2, 2}};
  set.trust = dns::Trust::kAnswerAuth;
  dns::rdata::RRSIG sig;
  sig.type_covered = dns::RrType::A;
  sig.algorithm = dns::DnssecAlgorithm::ECDSAP256SHA256;
  sig.labels = 2;
  sig.original_ttl = 300;
  sig.expiration.value = 1'900'000'000;
  sig.inception.value = 1'700'000'000;
  sig.key_tag = 4242;
  sig.signer = *dns::Name::FromText("example.");
  sig.signature.bytes = {1, 2, 3, 4, 5, 6, 7, 8};
  set.sigs.push_back(sig);
  return set;
}

CacheEntry Entry() {
  CacheEntry e;
  e.kind = EntryKind::kPositive;
  e.trust = dns::Trust::kAnswerAuth;
  e.security = dns::Security::kSecure;
  e.stored = 1'800'000'123;
  e.ttl = 300;
  e.original_ttl = 300;
  e.signature_expiry = 1'900'000'000;
  e.rrsets = {ARRset()};
  return e;
}

TEST(EntryTest, RoundTripKeepsEveryField) {
  auto bytes = EncodeEntry(Entry());
  ASSERT_TRUE(bytes.has_value());
  auto back = DecodeEntry(*bytes);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->kind, EntryKind::kPositive);
  EXPECT_EQ(back->trust, dns::Trust::kAnswerAuth);
  EXPECT_EQ(back->security, dns::Security::kSecure);
  EXPECT_EQ(back->stored, 1'800'000'123u);
  EXPECT_EQ(back->ttl, 300u);
  EXPECT_EQ(back->signature_expiry, 1'900'000'000u);
  ASSERT_EQ(back->rrsets.size(), 1u);
  const dns::RRset& set = back->rrsets[0];
  EXPECT_EQ(set.owner.ToText(), "www.Example.");  // Case kept as received.
  EXPECT_EQ(set.rdatas, ARRset().rdatas);
  ASSERT_EQ(set.sigs.size(), 1u);
  EXPECT_EQ(set.sigs[0].key_tag, 4242);
  EXPECT_EQ(set.sigs[0].signature.bytes, ARRset().sigs[0].signature.bytes);
  auto header = DecodeEntryHeader(*bytes);
  ASSERT_TRUE(header.has_value());
  EXPECT_TRUE(header->rrsets.empty());
  EXPECT_EQ(header->ttl, 300u);
}

// The answer store encodes straight from an answer's RRsets (header fields, then `first` and
// `second`): the octets must be those of the same entry built whole, or an entry written one way
// would read back differently from one written the other (and its checksum would fail).
TEST(EntryTest, EncodingFromSeparateRRsetsGivesTheWholeEntrysOctets) {
  CacheEntry whole = Entry();
  dns::RRset soa = ARRset();
  soa.type = dns::RrType::SOA;
  soa.rdatas = {{1, 2, 3}};
  whole.rrsets.push_back(soa);
  CacheEntry header = Entry();
  header.rrsets.clear();
  auto expected = EncodeEntry(whole);
  auto from_parts = EncodeEntry(header, std::span(&whole.rrsets[0], 1), std::span(&soa, 1));
  ASSERT_TRUE(expected.has_value());
  ASSERT_TRUE(from_parts.has_value());
  EXPECT_EQ(*from_parts, *expected);
  auto back = DecodeEntry(*from_parts);
  ASSERT_TRUE(back.has_value());
  ASSERT_EQ(back->rrsets.size(), 2u);
  EXPECT_EQ(back->rrsets[1].type, dns::RrType::SOA);
  // Only the header's fields count, not RRsets it may still hold.
  EXPECT_EQ(*EncodeEntry(Entry(), whole.rrsets), *expected);
}

TEST(EntryTest, AnyDamagedOctetFailsTheChecksum) {
  auto bytes = *EncodeEntry(Entry());
  for (size_t i = 0; i < bytes.size(); ++i) {
    auto damaged = bytes;
    damaged[i] ^= 0x40;
    EXPECT_FALSE(DecodeEntry(damaged).has_value()) << "octet " << i;
  }
  for (size_t cut = 0; cut < bytes.size(); ++cut) {
    EXPECT_FALSE(DecodeEntry(std::span(bytes).first(cut)).has_value()) << "cut " << cut;
  }
}

// The checksum is part of the stored format (cache_key.h, entry.h): entries written by an
// earlier build must still check. Its definition, octet by octet, against the function at every
// length from empty to past the field, so a faster loop cannot change a stored sum.
TEST(EntryTest, ChecksumIsFnv1aWithTheFieldReadAsZerosAtEveryLength) {
  std::vector<uint8_t> value;
  for (size_t length = 0; length <= 80; ++length) {
    uint64_t expected = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < value.size(); ++i) {
      expected = (expected ^ (i >= 24 && i < 32 ? 0 : value[i])) * 0x100000001b3ull;
    }
    ASSERT_EQ(EntryChecksum(value), expected) << "length " << length;
    value.push_back(static_cast<uint8_t>(length * 37 + 11));
  }
  // One stored sum, fixed: the FNV-1a of "redoubt" (the field lies past its end).
  const std::vector<uint8_t> word = {'r', 'e', 'd', 'o', 'u', 'b', 't'};
  EXPECT_EQ(EntryChecksum(word), 0xd8bf74291491b882ull);
}

TEST(EntryTest, UnknownFormatIsRefusedEvenWithAValidChecksum) {
  auto bytes = *EncodeEntry(Entry());
  bytes[0] = kEntryFormat + 1;
  uint64_t sum = EntryChecksum(bytes);
  for (size_t i = 0; i < 8; ++i) bytes[24 + i] = static_cast<uint8_t>(sum >> (56 - 8 * i));
  auto decoded = DecodeEntry(bytes);
  ASSERT_FALSE(decoded.has_value());
  EXPECT_EQ(decoded.error().code, Errc::kCorruptEntry);
}

}  // namespace
}  // namespace redoubt::cache
