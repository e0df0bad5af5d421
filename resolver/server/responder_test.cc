#include "resolver/server/responder.h"

#include <gtest/gtest.h>

#include <memory>

#include "crypto/checksum.h"
#include "net/dns/checksum_option.h"
#include "net/dns/message_builder.h"
#include "resolver/iterator/fake_network.h"

namespace redoubt::resolver {
namespace {

constexpr uint16_t kCode = 65434;
const dns::ChecksumNonce kNonce = {0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef};

// The responder over a fake network serving a root zone with www.example. A 192.0.2.1.
class ResponderTest : public ::testing::Test {
 protected:
  ResponderTest() {
    network_.Serve("10.0.0.1", ".", "@ SOA a.root. h.root. 1 2 3 4 300\n@ NS a.root.\n"
                                    "a.root. A 10.0.0.1\nwww.example. A 192.0.2.1\n");
    cache_.SetRoot(Delegation{dns::Name::Root(), {{*dns::Name::FromText("a.root."),
                                                   {*IpAddress::Parse("10.0.0.1")}, false}}});
    IteratorOptions options;
    options.allow_loopback_upstreams = true;
    iterator_ = std::make_unique<Iterator>(network_, cache_, clock_, options);
    responder_ = std::make_unique<Responder>(
        *iterator_, ResponderOptions{{*Prefix::Parse("127.0.0.0/8")}, 1232, kCode}, &stats_);
  }

  // A query for www.example. A with the given EDNS options.
  static std::vector<uint8_t> Query(std::vector<dns::EdnsOption> options, bool rd = true) {
    dns::QueryOptions q;
    q.id = 0x4242;
    q.recursion_desired = rd;
    q.options = std::move(options);
    return *dns::BuildQuery(*dns::Name::FromText("www.example."), dns::RrType::A, dns::RrClass::IN, q);
  }

  std::vector<uint8_t> Answer(std::vector<uint8_t> query) {
    std::vector<uint8_t> reply;
    Detach([](Responder& r, std::vector<uint8_t> q, std::vector<uint8_t>& out) -> Task<void> {
      out = co_await r.Answer(std::move(q), {Endpoint{*IpAddress::Parse("127.0.0.1"), 5353}, false});
    }(*responder_, std::move(query), reply));
    return reply;
  }

  static uint8_t Rcode(const std::vector<uint8_t>& reply) { return reply.size() < 4 ? 0xFF : reply[3] & 0x0F; }

  testing::FakeNetwork network_;
  SimulatedClock clock_;
  DelegationCache cache_{clock_};
  std::unique_ptr<Iterator> iterator_;
  ResponderStats stats_;
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

}  // namespace
}  // namespace redoubt::resolver
