// The packet cache (packet_cache.h): which queries qualify (a truth table, one row per thing that
// makes a reply differ from client to client), the key's case-insensitivity and the bits in it,
// the TTL walk, and the entries' life: TTLs counted down, the client's ID and 0x20 case put back,
// expiry, a flush (generation), the UDP size, eviction by size.
#include "resolver/server/packet_cache.h"

#include <gtest/gtest.h>

#include "net/dns/edns.h"
#include "net/dns/message_builder.h"
#include "net/dns/message_view.h"
#include "net/dns/rrset.h"

namespace redoubt::resolver {
namespace {

constexpr uint16_t kOurSize = 1232;

struct QueryShape {
  const char* name = "www.Example.";
  dns::RrType type = dns::RrType::A;
  bool edns = true;
  bool dnssec_ok = false;
  uint16_t udp_size = 1232;
  std::vector<dns::EdnsOption> options;

  QueryShape Named(const char* n) const { auto s = *this; s.name = n; return s; }
  QueryShape Typed(dns::RrType t) const { auto s = *this; s.type = t; return s; }
  QueryShape NoEdns() const { auto s = *this; s.edns = false; return s; }
  QueryShape Do() const { auto s = *this; s.dnssec_ok = true; return s; }
  QueryShape Sized(uint16_t size) const { auto s = *this; s.udp_size = size; return s; }
  QueryShape WithOption(dns::EdnsOption o) const { auto s = *this; s.options.push_back(std::move(o)); return s; }
};

std::vector<uint8_t> Query(const QueryShape& shape = {}) {
  dns::QueryOptions q;
  q.id = 0x1234;
  q.recursion_desired = true;
  q.edns = shape.edns;
  q.dnssec_ok = shape.dnssec_ok;
  q.udp_size = shape.udp_size;
  q.options = shape.options;
  return *dns::BuildQuery(*dns::Name::FromText(shape.name), shape.type, dns::RrClass::IN, q);
}

// A byte of `bytes` changed: the header rows of the truth table.
std::vector<uint8_t> With(std::vector<uint8_t> bytes, size_t at, uint8_t value) {
  bytes[at] = value;
  return bytes;
}

bool Cacheable(const std::vector<uint8_t>& query) { return ParseCacheableQuery(query, kOurSize).has_value(); }

TEST(ParseCacheableQueryTest, PlainQueriesQualify) {
  EXPECT_TRUE(Cacheable(Query()));
  EXPECT_TRUE(Cacheable(Query(QueryShape().NoEdns())));
  EXPECT_TRUE(Cacheable(Query(QueryShape().Do())));
  EXPECT_TRUE(Cacheable(Query(QueryShape().Named("."))));
  EXPECT_TRUE(Cacheable(Query(QueryShape().Typed(dns::RrType::DNSKEY))));
}

// Each row: a query whose reply is not the same for every client, or that the full path must
// refuse or reject, is left to it.
TEST(ParseCacheableQueryTest, EverythingElseIsLeftToTheFullPath) {
  std::vector<uint8_t> q = Query();
  const std::vector<std::pair<const char*, std::vector<uint8_t>>> rows = {
      {"QR set (a response)", With(q, 2, q[2] | 0x80)},
      {"opcode NOTIFY", With(q, 2, static_cast<uint8_t>((q[2] & 0x87) | (4 << 3)))},
      {"TC set", With(q, 2, q[2] | 0x02)},
      {"RD clear (refused)", With(q, 2, q[2] & 0xFE)},
      {"RCODE not 0", With(q, 3, q[3] | 0x01)},
      {"two questions", With(q, 5, 2)},
      {"an answer record", With(q, 7, 1)},
      {"an authority record", With(q, 9, 1)},
      {"two additional records", With(q, 11, 2)},
      {"a compression pointer in the name", With(q, 12, 0xC0)},
      {"class CH", With(q, q.size() - 11 - 1, 3)},
      {"EDNS version 1 (BADVERS)", With(q, q.size() - 11 + 6, 1)},
      {"an extended RCODE", With(q, q.size() - 11 + 5, 1)},
      {"OPT not owned by the root", With(q, q.size() - 11, 1)},
      {"truncated", std::vector<uint8_t>(q.begin(), q.end() - 1)},
      {"trailing octets", [&] { auto v = q; v.push_back(0); return v; }()},
      {"too short for a header", std::vector<uint8_t>(q.begin(), q.begin() + 11)},
      {"QTYPE ANY", Query(QueryShape().Typed(dns::RrType::ANY))},
      {"QTYPE AXFR", Query(QueryShape().Typed(dns::RrType::AXFR))},
      {"QTYPE RRSIG (signatures as data)", Query(QueryShape().Typed(dns::RrType::RRSIG))},
      {"QTYPE OPT", Query(QueryShape().Typed(dns::RrType::OPT))},
      {"an EDNS option (CHECKSUM, cookie: a reply per query)",
       Query(QueryShape().WithOption(dns::EdnsOption{65434, std::vector<uint8_t>(9, 0)}))},
  };
  for (const auto& [why, bytes] : rows) EXPECT_FALSE(Cacheable(bytes)) << why;
}

TEST(ParseCacheableQueryTest, LongNamesAndLabelsAreBounded) {
  std::string label63(63, 'a'), label64(64, 'a');
  EXPECT_TRUE(Cacheable(Query(QueryShape().Named((label63 + ".").c_str()))));
  std::vector<uint8_t> q = Query(QueryShape().Named((label63 + ".").c_str()));
  q[12] = 64;  // A label length the wire cannot hold.
  EXPECT_FALSE(Cacheable(q));
  std::string longest;
  for (int i = 0; i < 3; ++i) longest += label63 + ".";
  longest += std::string(61, 'b') + ".";  // 4 * 64 - 2 + 1 = 255 octets.
  auto parsed = ParseCacheableQuery(Query(QueryShape().Named(longest.c_str())), kOurSize);
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->qname_size, 255);
}

TEST(ParseCacheableQueryTest, KeyIgnoresCaseAndHoldsTheBitsThatChangeTheReply) {
  auto key = [](const std::vector<uint8_t>& q) { return std::string(ParseCacheableQuery(q, kOurSize)->Key()); };
  std::string base = key(Query());
  EXPECT_EQ(base, key(Query(QueryShape().Named("WWW.example."))));
  EXPECT_NE(base, key(Query(QueryShape().Named("www.example.net."))));
  EXPECT_NE(base, key(Query(QueryShape().Typed(dns::RrType::AAAA))));
  EXPECT_NE(base, key(Query(QueryShape().Do())));
  EXPECT_NE(base, key(Query(QueryShape().NoEdns())));
  std::vector<uint8_t> cd = Query(), ad = Query();
  cd[3] |= 0x10;
  ad[3] |= 0x20;
  EXPECT_NE(base, key(cd));
  EXPECT_NE(base, key(ad));
  EXPECT_NE(key(cd), key(ad));
}

TEST(ParseCacheableQueryTest, UdpLimitFollowsRfc6891) {
  EXPECT_EQ(ParseCacheableQuery(Query(QueryShape().NoEdns()), kOurSize)->udp_limit, 512u);
  EXPECT_EQ(ParseCacheableQuery(Query(QueryShape().Sized(4096)), kOurSize)->udp_limit, 1232u);
  EXPECT_EQ(ParseCacheableQuery(Query(QueryShape().Sized(100)), kOurSize)->udp_limit, 512u);
  EXPECT_EQ(ParseCacheableQuery(Query(QueryShape().Sized(900)), kOurSize)->udp_limit, 900u);
}

// A reply to Query(shape) with the client's ID and case: an A record, an SOA in authority (as
// a negative answer would have) and OPT, the owner names compressed.
std::vector<uint8_t> Reply(const QueryShape& shape = {}, uint32_t a_ttl = 300, uint32_t soa_ttl = 60) {
  dns::MessageBuilder builder(4096);
  builder.header().id = 0x1234;
  builder.header().qr = true;
  builder.header().rd = true;
  builder.header().ra = true;
  auto name = *dns::Name::FromText(shape.name);
  EXPECT_TRUE(builder.AddQuestion(name, shape.type, dns::RrClass::IN));
  if (shape.edns) {
    EXPECT_TRUE(builder.SetEdns(dns::Edns{}));
  }
  dns::RRset a;
  a.owner = name;
  a.type = dns::RrType::A;
  a.ttl = a_ttl;
  a.rdatas = {{192, 0, 2, 1}};
  EXPECT_TRUE(builder.AddRRset(dns::Section::kAnswer, a));
  dns::RRset soa;
  soa.owner = *dns::Name::FromText("example.");
  soa.type = dns::RrType::SOA;
  soa.ttl = soa_ttl;
  soa.section = dns::Section::kAuthority;
  soa.rdatas = {{1, 'a', 0, 1, 'h', 0, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0, 5}};
  EXPECT_TRUE(builder.AddRRset(dns::Section::kAuthority, soa));
  return *std::move(builder).Finish();
}

std::vector<uint32_t> Ttls(const std::vector<uint8_t>& reply) {
  std::vector<uint32_t> ttls;
  auto view = dns::MessageView::Parse(reply);
  if (!view) return ttls;
  for (const auto& record : view->records()) {
    if (record.type != dns::RrType::OPT) ttls.push_back(record.ttl);
  }
  return ttls;
}

TEST(ReplyTtlOffsetsTest, FindsEveryTtlButOpts) {
  std::vector<uint8_t> reply = Reply();
  auto offsets = ReplyTtlOffsets(reply);
  ASSERT_TRUE(offsets.has_value());
  ASSERT_EQ(offsets->size(), 2u);
  EXPECT_EQ(reply[(*offsets)[0] + 3], 44);  // 300 = 0x12C.
  EXPECT_EQ(reply[(*offsets)[1] + 3], 60);
  EXPECT_FALSE(ReplyTtlOffsets(std::vector<uint8_t>(reply.begin(), reply.end() - 1)).has_value());
  std::vector<uint8_t> longer = reply;
  longer.push_back(0);
  EXPECT_FALSE(ReplyTtlOffsets(longer).has_value()) << "octets after the last record";
}

class PacketCacheTest : public ::testing::Test {
 protected:
  std::optional<std::vector<uint8_t>> Ask(const std::vector<uint8_t>& query, int64_t now_ms, uint64_t generation = 7,
                                          bool tcp = false) {
    auto parsed = ParseCacheableQuery(query, kOurSize);
    EXPECT_TRUE(parsed.has_value());
    std::vector<uint8_t> out;
    if (!parsed || !cache_.Lookup(*parsed, query, tcp, now_ms, generation, out)) return std::nullopt;
    return out;
  }
  void Keep(const QueryShape& shape, const std::vector<uint8_t>& reply, int64_t now_ms, uint64_t generation = 7) {
    cache_.Insert(*ParseCacheableQuery(Query(shape), kOurSize), reply, now_ms, generation);
  }

  PacketCacheStats stats_;
  PacketCache cache_{1 << 20, &stats_};
};

TEST_F(PacketCacheTest, HitCountsTtlsDownAndEchoesTheClientsIdAndCase) {
  Keep({}, Reply(), 1'000);
  std::vector<uint8_t> query = Query(QueryShape().Named("WwW.eXample."));
  query[0] = 0xBE;
  query[1] = 0xEF;
  auto hit = Ask(query, 11'500);  // 10.5 s later.
  ASSERT_TRUE(hit.has_value());
  EXPECT_EQ((*hit)[0], 0xBE);
  EXPECT_EQ((*hit)[1], 0xEF);
  EXPECT_EQ(dns::MessageView::Parse(*hit)->questions().front().qname.ToText(), "WwW.eXample.");
  EXPECT_EQ(Ttls(*hit), (std::vector<uint32_t>{290, 50}));
  EXPECT_EQ(stats_.hits.load(), 1u);
}

TEST_F(PacketCacheTest, EntryEndsWithItsSmallestTtl) {
  Keep({}, Reply({}, 300, 60), 0);
  EXPECT_TRUE(Ask(Query(), 59'999).has_value());
  EXPECT_FALSE(Ask(Query(), 60'000).has_value()) << "served past the SOA's TTL";
  EXPECT_EQ(cache_.size(), 0u) << "an expired entry is dropped when met";
}

TEST_F(PacketCacheTest, FlushOfTheAnswerCacheMakesEntriesUnusable) {
  Keep({}, Reply(), 0, 7);
  EXPECT_FALSE(Ask(Query(), 1'000, 8).has_value());
  EXPECT_EQ(stats_.misses.load(), 1u);
}

TEST_F(PacketCacheTest, OtherBitsAndTypesMiss) {
  Keep({}, Reply(), 0);
  EXPECT_FALSE(Ask(Query(QueryShape().Do()), 1'000).has_value());
  EXPECT_FALSE(Ask(Query(QueryShape().Typed(dns::RrType::AAAA)), 1'000).has_value());
  EXPECT_TRUE(Ask(Query(), 1'000).has_value());
}

TEST_F(PacketCacheTest, ReplyLargerThanTheClientTakesOverUdpIsLeftToTheFullPath) {
  QueryShape small = QueryShape().NoEdns();
  Keep(small, Reply(small), 0);  // About 90 octets; the client below takes 40.
  std::vector<uint8_t> query = Query(small);
  auto parsed = *ParseCacheableQuery(query, kOurSize);
  parsed.udp_limit = 40;
  std::vector<uint8_t> out;
  EXPECT_FALSE(cache_.Lookup(parsed, query, false, 1'000, 7, out)) << "would need TC";
  EXPECT_TRUE(cache_.Lookup(parsed, query, true, 1'000, 7, out)) << "TCP has room";
}

TEST_F(PacketCacheTest, ZeroTtlAndUnwalkableRepliesAreNotKept) {
  Keep({}, Reply({}, 0, 60), 0);
  EXPECT_EQ(cache_.size(), 0u);
  std::vector<uint8_t> broken = Reply();
  broken.push_back(1);
  Keep({}, broken, 0);
  EXPECT_EQ(cache_.size(), 0u);
}

TEST(PacketCacheSizeTest, LeastRecentlyUsedGoFirst) {
  PacketCacheStats stats;
  std::vector<uint8_t> reply_a = Reply(QueryShape().Named("a.example.")), reply_b = Reply(QueryShape().Named("b.example.")),
                       reply_c = Reply(QueryShape().Named("c.example."));
  PacketCache one(1 << 20, nullptr);
  one.Insert(*ParseCacheableQuery(Query(QueryShape().Named("a.example.")), kOurSize), reply_a, 0, 1);
  size_t entry_cost = one.bytes();
  ASSERT_GT(entry_cost, reply_a.size()) << "the reply, its key and bookkeeping count";
  PacketCache cache(2 * entry_cost + entry_cost / 2, &stats);  // Room for two entries, not three.
  auto keep = [&](const char* name, const std::vector<uint8_t>& reply) {
    cache.Insert(*ParseCacheableQuery(Query(QueryShape().Named(name)), kOurSize), reply, 0, 1);
  };
  auto has = [&](const char* name) {
    std::vector<uint8_t> query = Query(QueryShape().Named(name)), out;
    return cache.Lookup(*ParseCacheableQuery(query, kOurSize), query, false, 1'000, 1, out);
  };
  keep("a.example.", reply_a);
  keep("b.example.", reply_b);
  EXPECT_TRUE(has("a.example."));  // a is now the most recently used.
  keep("c.example.", reply_c);
  EXPECT_TRUE(has("a.example."));
  EXPECT_FALSE(has("b.example.")) << "the least recently used entry should have gone";
  EXPECT_TRUE(has("c.example."));
  EXPECT_EQ(stats.evictions.load(), 1u);
  EXPECT_LE(cache.bytes(), 2 * entry_cost + entry_cost / 2);
  PacketCache off(0, nullptr);
  off.Insert(*ParseCacheableQuery(Query(), kOurSize), reply_a, 0, 1);
  EXPECT_EQ(off.size(), 0u);
}

// The table's runs must survive deletions from their middle (backward shift), growth and
// eviction: a broken run would hide a live entry (a miss) or keep a dead one.
TEST(PacketCacheSizeTest, ThousandsOfEntriesStayFindableThroughEvictionAndExpiry) {
  PacketCacheStats stats;
  std::vector<std::string> names;
  for (int i = 0; i < 2000; ++i) names.push_back("n" + std::to_string(i) + ".example.");
  auto name = [&](int i) { return names[static_cast<size_t>(i)].c_str(); };
  std::vector<uint8_t> first = Reply(QueryShape().Named(name(0)));
  PacketCache probe(1 << 20, nullptr);
  probe.Insert(*ParseCacheableQuery(Query(QueryShape().Named(name(0))), kOurSize), first, 0, 1);
  PacketCache cache(300 * probe.bytes(), &stats);  // About 300 entries.
  auto ask = [&](int i, int64_t now_ms) {
    std::vector<uint8_t> query = Query(QueryShape().Named(name(i))), out;
    return cache.Lookup(*ParseCacheableQuery(query, kOurSize), query, false, now_ms, 1, out);
  };
  for (int i = 0; i < 2000; ++i) {
    cache.Insert(*ParseCacheableQuery(Query(QueryShape().Named(name(i))), kOurSize), Reply(QueryShape().Named(name(i))),
                 i % 2 == 0 ? 0 : 1'000'000, 1);  // Odd ones stored later: they outlive the even ones.
  }
  size_t kept = cache.size();
  EXPECT_GE(kept, 250u);
  EXPECT_LE(kept, 300u);
  EXPECT_EQ(stats.evictions.load(), 2000u - kept);
  for (int i = 0; i < 2000; ++i) EXPECT_EQ(ask(i, 1'000), i >= static_cast<int>(2000 - kept)) << name(i);
  for (int i = 0; i < 2000; ++i) ask(i, 1'000'000 + 59'000);  // The even ones have expired: dropped when met.
  size_t odd_kept = 0;
  for (int i = 2000 - static_cast<int>(kept); i < 2000; ++i) odd_kept += i % 2;
  EXPECT_EQ(cache.size(), odd_kept);
  for (int i = 2000 - static_cast<int>(kept); i < 2000; ++i) EXPECT_EQ(ask(i, 1'000'000 + 59'000), i % 2 == 1) << name(i);
}

}  // namespace
}  // namespace redoubt::resolver
