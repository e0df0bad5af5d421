#include "resolver/server/responder.h"

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>

#include "crypto/checksum.h"
#include "net/dns/checksum_option.h"
#include "net/dns/message_builder.h"
#include "net/dns/edns.h"
#include "resolver/testing/pipeline_rig.h"

namespace redoubt::resolver {
namespace {

constexpr uint16_t kCode = 65434;
const dns::ChecksumNonce kNonce = {0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef};

// The responder over the whole floor and a fake network: a signed root zone with
// www.example. A 192.0.2.1 (RRSIGs and an NSEC in the zone text).
class ResponderTest : public ::testing::Test {
 protected:
  ResponderTest() {
    rig_.network.Serve("10.0.0.1", ".",
                       "@ SOA a.root. h.root. 1 2 3 4 300\n@ NS a.root.\n"
                       "a.root. A 10.0.0.1\nwww.example. A 192.0.2.1\n"
                       "www.example. RRSIG A 8 2 300 20300101000000 20200101000000 1 . AAAA\n"
                       "@ RRSIG SOA 8 0 300 20300101000000 20200101000000 1 . AAAA\n"
                       "@ NSEC www.example. NS SOA RRSIG NSEC\n"
                       "@ RRSIG NSEC 8 0 300 20300101000000 20200101000000 1 . AAAA\n");
    ResponderOptions options;
    options.allow = {*Prefix::Parse("127.0.0.0/8")};
    options.checksum_option_code = kCode;
    options.log_queries = true;
    options.log = [this](const std::string& line) { logged_.push_back(line); };
    responder_ = std::make_unique<Responder>(rig_.Build(), options, &stats_);
  }

  // A query for `name` `type` with the given EDNS options.
  static std::vector<uint8_t> Query(std::vector<dns::EdnsOption> options, bool rd = true,
                                    const char* name = "www.example.",
                                    dns::RrType type = dns::RrType::A, bool dnssec_ok = false) {
    dns::QueryOptions q;
    q.id = 0x4242;
    q.recursion_desired = rd;
    q.dnssec_ok = dnssec_ok;
    q.options = std::move(options);
    return *dns::BuildQuery(*dns::Name::FromText(name), type, dns::RrClass::IN, q);
  }
  static std::vector<uint8_t> Query(const char* name, dns::RrType type, bool dnssec_ok) {
    return Query({}, true, name, type, dnssec_ok);
  }

  std::vector<uint8_t> Answer(std::vector<uint8_t> query, bool tcp = false) {
    std::vector<uint8_t> reply;
    Detach([](Responder& r, std::vector<uint8_t> q, std::vector<uint8_t>& out, bool tcp) -> Task<void> {
      out = co_await r.Answer(std::move(q), {Endpoint{*IpAddress::Parse("127.0.0.1"), 5353}, tcp});
    }(*responder_, std::move(query), reply, tcp));
    return reply;
  }

  // Types of the records in `section` of `reply`, in order.
  static std::vector<dns::RrType> Types(const std::vector<uint8_t>& reply, dns::Section section) {
    std::vector<dns::RrType> out;
    auto view = dns::MessageView::Parse(reply);
    if (!view) return out;
    for (const auto& record : view->records()) {
      if (record.section == section) out.push_back(record.type);
    }
    return out;
  }

  static uint8_t Rcode(const std::vector<uint8_t>& reply) { return reply.size() < 4 ? 0xFF : reply[3] & 0x0F; }

  testing::PipelineRig rig_;
  ResponderStats stats_;
  std::vector<std::string> logged_;
  std::unique_ptr<Responder> responder_;
};

TEST_F(ResponderTest, ChecksumQueryGetsTheNonceBackWithAVerifiedSha256Digest) {
  auto reply = Answer(Query({dns::MakeChecksumQueryOption(kCode, kNonce)}));
  ASSERT_EQ(Rcode(reply), 0);
  auto found = dns::FindChecksumOption(reply, kCode);
  ASSERT_TRUE(found.has_value() && found->has_value());
  EXPECT_EQ((*found)->nonce, kNonce);
  EXPECT_EQ((*found)->algorithm, 2);
  EXPECT_EQ((*found)->digest_length, 32u);
  EXPECT_EQ((*found)->count, 1);
  EXPECT_EQ(crypto::CheckReply(reply, kCode, kNonce), crypto::ChecksumVerdict::kVerified);
  reply[reply.size() / 2] ^= 0x20;  // Any change to the message breaks the digest.
  EXPECT_NE(crypto::CheckReply(reply, kCode, kNonce), crypto::ChecksumVerdict::kVerified);
  EXPECT_EQ(stats_.checksum_replies, 1u);
}

TEST_F(ResponderTest, RefusalsAreSealedToo) {
  auto reply = Answer(Query({dns::MakeChecksumQueryOption(kCode, kNonce)}, /*rd=*/false));
  EXPECT_EQ(Rcode(reply), 5);
  EXPECT_EQ(crypto::CheckReply(reply, kCode, kNonce), crypto::ChecksumVerdict::kVerified);
}

TEST_F(ResponderTest, SeveralChecksumOptionsGetFormErr) {
  auto option = dns::MakeChecksumQueryOption(kCode, kNonce);
  auto reply = Answer(Query({option, option}));
  EXPECT_EQ(Rcode(reply), 1);
  EXPECT_EQ(stats_.formerr, 1u);
}

TEST_F(ResponderTest, OptionTooShortForANonceGetsFormErr) {
  auto reply = Answer(Query({dns::EdnsOption{kCode, {1, 2, 3}}}));
  EXPECT_EQ(Rcode(reply), 1);
}

TEST_F(ResponderTest, NonZeroQueryAlgorithmOrNoOptionMeansNoChecksumInTheReply) {
  auto option = dns::MakeChecksumQueryOption(kCode, kNonce);
  option.data[8] = 2;  // A query's ALGORITHM must be 0: the option is ignored.
  for (auto query : {Query({option}), Query({})}) {
    auto reply = Answer(query);
    ASSERT_EQ(Rcode(reply), 0);
    auto found = dns::FindChecksumOption(reply, kCode);
    ASSERT_TRUE(found.has_value());
    EXPECT_FALSE(found->has_value());
  }
  EXPECT_EQ(stats_.checksum_replies, 0u);
}

TEST_F(ResponderTest, OtherOptionCodeIsNotChecksum) {
  auto reply = Answer(Query({dns::MakeChecksumQueryOption(65001, kNonce)}));
  ASSERT_EQ(Rcode(reply), 0);
  auto found = dns::FindChecksumOption(reply, 65001);
  ASSERT_TRUE(found.has_value());
  EXPECT_FALSE(found->has_value());
}

using dns::RrType;
using dns::Section;

// RFC 4035 section 3.2.1: no RRSIG for a client without DO.
TEST_F(ResponderTest, DoClearAnswerCarriesNoSignatures) {
  auto reply = Answer(Query("www.example.", RrType::A, false));
  ASSERT_EQ(Rcode(reply), 0);
  EXPECT_EQ(Types(reply, Section::kAnswer), (std::vector<RrType>{RrType::A}));
  auto view = dns::MessageView::Parse(reply);
  auto edns = dns::ReadEdns(*view);
  ASSERT_TRUE(edns && edns->has_value());
  EXPECT_FALSE((*edns)->dnssec_ok);
}

// RFC 3225 section 3: DO is echoed; RFC 4035 section 3.1.1: signatures go with the data.
TEST_F(ResponderTest, DoSetAnswerCarriesSignaturesAndEchoesDo) {
  auto reply = Answer(Query("www.example.", RrType::A, true));
  ASSERT_EQ(Rcode(reply), 0);
  EXPECT_EQ(Types(reply, Section::kAnswer), (std::vector<RrType>{RrType::A, RrType::RRSIG}));
  auto view = dns::MessageView::Parse(reply);
  auto edns = dns::ReadEdns(*view);
  ASSERT_TRUE(edns && edns->has_value());
  EXPECT_TRUE((*edns)->dnssec_ok);
}

// RFC 4035 section 3.1.3: a DO=1 NXDOMAIN carries SOA and NSEC with their RRSIGs; DO=0 only
// the SOA.
TEST_F(ResponderTest, NegativeAnswerProofsOnlyForDo) {
  auto secure = Answer(Query("nope.example.", RrType::A, true));
  ASSERT_EQ(Rcode(secure), 3);
  EXPECT_EQ(Types(secure, Section::kAuthority),
            (std::vector<RrType>{RrType::SOA, RrType::RRSIG, RrType::NSEC, RrType::RRSIG}));
  auto plain = Answer(Query("nope.example.", RrType::A, false));
  ASSERT_EQ(Rcode(plain), 3);
  EXPECT_EQ(Types(plain, Section::kAuthority), (std::vector<RrType>{RrType::SOA}));
}

// RFC 8482 section 4.2: ANY over UDP gets one synthesised HINFO, and no upstream is asked.
TEST_F(ResponderTest, AnyOverUdpGetsTheRfc8482Hinfo) {
  size_t asked = rig_.network.log().size();
  auto reply = Answer(Query("www.example.", RrType::ANY, false));
  ASSERT_EQ(Rcode(reply), 0);
  EXPECT_EQ(Types(reply, Section::kAnswer), (std::vector<RrType>{RrType::HINFO}));
  EXPECT_EQ(rig_.network.log().size(), asked);
  EXPECT_EQ(stats_.any_synthesised, 1u);
}

TEST_F(ResponderTest, AnyOverTcpIsResolved) {
  auto reply = Answer(Query("www.example.", RrType::ANY, false), /*tcp=*/true);
  ASSERT_EQ(Rcode(reply), 0);
  EXPECT_EQ(Types(reply, Section::kAnswer), (std::vector<RrType>{RrType::A}));
  EXPECT_TRUE(rig_.network.log().back().ends_with("www.example. ANY"));
}

// RFC 4035 section 3.2.1: RRSIGs asked for are data, DO or not.
TEST_F(ResponderTest, RrsigQuestionGetsTheSignaturesAsData) {
  auto reply = Answer(Query("www.example.", RrType::RRSIG, false));
  ASSERT_EQ(Rcode(reply), 0);
  EXPECT_EQ(Types(reply, Section::kAnswer), (std::vector<RrType>{RrType::RRSIG}));
}

// minimal-responses: false adds the answering zone's NS RRset (when its server sent it);
// true, the default, never does.
TEST_F(ResponderTest, MinimalResponsesOffAddsTheZoneNsSet) {
  rig_.network.SendZoneNs("10.0.0.1");
  auto minimal = Answer(Query("www.example.", RrType::A, false));
  EXPECT_TRUE(Types(minimal, Section::kAuthority).empty());
  ResponderOptions options;
  options.allow = {*Prefix::Parse("127.0.0.0/8")};
  options.minimal_responses = false;
  responder_ = std::make_unique<Responder>(*rig_.pipeline, options, &stats_);
  auto full = Answer(Query("www.example.", RrType::A, false));
  EXPECT_EQ(Types(full, Section::kAuthority), (std::vector<RrType>{RrType::NS}));
}

TEST_F(ResponderTest, LogQueriesWritesOneLinePerQuery) {
  Answer(Query("www.example.", RrType::A, false));
  ASSERT_EQ(logged_.size(), 1u);
  EXPECT_TRUE(logged_[0].starts_with("query 127.0.0.1")) << logged_[0];
  EXPECT_NE(logged_[0].find("www.example. A NOERROR upstream="), std::string::npos) << logged_[0];
}

// Metrics (docs/metrics.md): queries by transport; one duration per query answered with an
// rcode (resolved or refused), none for a dropped one.
TEST_F(ResponderTest, CountsQueriesByTransportAndTimesEachAnswer) {
  Answer(Query("www.example.", RrType::A, false));
  Answer(Query("www.example.", RrType::A, false), /*tcp=*/true);
  Answer(Query({}, /*rd=*/false));  // REFUSED: no recursion desired.
  std::vector<uint8_t> response = Query("www.example.", RrType::A, false);
  response[2] |= 0x80;  // QR: a response, dropped.
  EXPECT_TRUE(Answer(response).empty());
  EXPECT_EQ(stats_.queries, 4u);
  EXPECT_EQ(stats_.udp_queries, 3u);
  EXPECT_EQ(stats_.tcp_queries, 1u);
  EXPECT_EQ(stats_.refused, 1u);
  LatencyHistogram::Snapshot duration = stats_.duration.Read();
  EXPECT_EQ(duration.count(), 3u);
  EXPECT_GT(duration.sum_us, 0u);
}

// Keeps every result by question, as given (TTLs not counted down: the tests run in one second).
class RememberingStore final : public AnswerStore {
 public:
  std::optional<Resolution> Lookup(const dns::Question& question) override {
    auto it = kept_.find(Key(question));
    return it == kept_.end() ? std::nullopt : std::optional<Resolution>(it->second);
  }
  void Store(const dns::Question& question, const Resolution& resolution) override { kept_[Key(question)] = resolution; }

 private:
  static std::string Key(const dns::Question& q) { return q.qname.ToText() + "/" + dns::RrTypeToText(q.qtype); }
  std::map<std::string, Resolution> kept_;
};

// The packet cache in the responder (packet_cache.h): a reply the answer cache gave is kept
// (admission on second use) and the next identical query is answered from it, by Answer() and
// by the listener's AnswerFromCache(), with the same bytes; a flush (generation) sends the next
// one to the pipeline again; CHECKSUM queries never use it.
class ResponderPacketCacheTest : public ResponderTest {
 protected:
  ResponderPacketCacheTest() {
    rig_.Build(&store_);
    ResponderOptions options;
    options.allow = {*Prefix::Parse("127.0.0.0/8")};
    options.checksum_option_code = kCode;
    options.packet_cache_bytes = 1 << 20;
    options.cache_generation = [this] { return generation_; };
    responder_ = std::make_unique<Responder>(*rig_.pipeline, options, &stats_);
  }
  bool FromCache(const std::vector<uint8_t>& query, std::vector<uint8_t>& out, const char* client = "127.0.0.1") {
    return responder_->AnswerFromCache(query, {Endpoint{*IpAddress::Parse(client), 5353}, false}, out);
  }
  RememberingStore store_;
  uint64_t generation_ = 1;
};

TEST_F(ResponderPacketCacheTest, ReplyIsKeptOnceTheAnswerCacheGivesItThenServedAsBytes) {
  std::vector<uint8_t> query = Query("www.example.", dns::RrType::A, true), out;
  EXPECT_FALSE(FromCache(query, out)) << "nothing kept yet";
  std::vector<uint8_t> first = Answer(query);
  size_t asked = rig_.network.log().size();
  ASSERT_GT(asked, 0u);
  EXPECT_EQ(stats_.packet_cache.inserts.load(), 0u) << "a reply that needed upstream queries is not kept (asked once)";
  std::vector<uint8_t> second = Answer(query);
  EXPECT_EQ(rig_.network.log().size(), asked) << "the second answer comes from the answer cache";
  EXPECT_EQ(stats_.packet_cache.inserts.load(), 1u) << "the answer cache's reply is kept";
  std::vector<uint8_t> third = Answer(query);
  EXPECT_EQ(third, second) << "the cached reply differs (same second: same TTLs)";
  EXPECT_EQ(stats_.packet_cache.hits.load(), 1u);
  ASSERT_TRUE(FromCache(query, out));
  EXPECT_EQ(out, second);
  EXPECT_EQ(rig_.network.log().size(), asked);
  EXPECT_EQ(stats_.queries, 4u) << "a packet-cache hit is a query like any other";
  EXPECT_EQ(stats_.noerror, 4u);
  EXPECT_FALSE(FromCache(query, out, "192.0.2.7")) << "a client outside access-control is the full path's to refuse";
}

TEST_F(ResponderPacketCacheTest, FlushSendsTheNextQueryThroughThePipeline) {
  std::vector<uint8_t> query = Query("www.example.", dns::RrType::A, false), out;
  Answer(query);
  Answer(query);  // From the answer cache: kept.
  ASSERT_TRUE(FromCache(query, out));
  ++generation_;
  EXPECT_FALSE(FromCache(query, out));
  EXPECT_EQ(stats_.packet_cache.misses.load(), 3u) << "the two queries before it was kept, and this one (flushed)";
  EXPECT_EQ(stats_.packet_cache.hits.load(), 1u);
  Answer(query);  // From the answer cache again, kept under the new generation.
  EXPECT_TRUE(FromCache(query, out));
}

TEST_F(ResponderPacketCacheTest, ChecksumQueriesAreNeverKept) {
  std::vector<uint8_t> query = Query({dns::MakeChecksumQueryOption(kCode, kNonce)});
  Answer(query);
  Answer(query);
  EXPECT_EQ(stats_.packet_cache.inserts.load(), 0u);
  EXPECT_EQ(stats_.packet_cache.hits.load(), 0u);
  EXPECT_EQ(stats_.checksum_replies, 2u);
}

TEST_F(ResponderPacketCacheTest, OffWithLogQueries) {
  ResponderOptions options;
  options.allow = {*Prefix::Parse("127.0.0.0/8")};
  options.packet_cache_bytes = 1 << 20;
  options.cache_generation = [] { return uint64_t{1}; };
  options.log_queries = true;
  options.log = [this](const std::string& line) { logged_.push_back(line); };
  responder_ = std::make_unique<Responder>(*rig_.pipeline, options, &stats_);
  std::vector<uint8_t> query = Query("www.example.", dns::RrType::A, false), out;
  Answer(query);
  Answer(query);
  EXPECT_FALSE(FromCache(query, out));
  EXPECT_EQ(logged_.size(), 2u) << "every query must be logged";
}

}  // namespace
}  // namespace redoubt::resolver
