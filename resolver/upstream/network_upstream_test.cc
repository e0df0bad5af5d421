#include "resolver/upstream/upstream.h"

#include <gtest/gtest.h>

#include <array>
#include <functional>
#include <set>

#include "crypto/checksum.h"
#include "net/dns/checksum_option.h"
#include "net/dns/edns.h"
#include "net/dns/message_builder.h"
#include "net/io/listener.h"
#include "resolver/upstream/loopback_server_test_util.h"

namespace redoubt::resolver {
namespace {

using dns::Name;
using dns::RrType;

// What the fake server saw of each query, and how it misbehaves.
struct FakeServer {
  enum class Mode { kGood, kLowercaseQuestion, kFormErrOnEdns, kWrongIdOverUdp, kTruncateUdp, kIgnoreNull };
  // How the server treats CHECKSUM (specs/checksum.md section 7 and the ways it can go wrong
  // on the path). kUnaware ignores the option like every stock authoritative.
  enum class Checksum {
    kUnaware, kGood, kWrongNonceOverUdp, kCorruptUdp, kStripUdpAfterFirst, kStripAllAfterFirst,
    kUnknownAlgorithm, kTwoOptions
  };
  Mode mode = Mode::kGood;
  Checksum checksum = Checksum::kUnaware;
  std::vector<std::string> seen;  // "udp|tcp qname edns|plain"
  std::vector<dns::Question> questions;  // Each query's question, as sent.
  std::vector<std::string> nonces;  // Hex of each CHECKSUM nonce received.
  std::vector<IpAddress> peers;     // The source address of each query.
  int replies_with_option = 0;
};

constexpr uint16_t kOptionCode = 65434;

// The CHECKSUM options a reply from `server` carries for a query with `nonce`, or none.
std::vector<dns::EdnsOption> ReplyChecksumOptions(FakeServer& server, dns::ChecksumNonce nonce,
                                                  bool tcp) {
  using C = FakeServer::Checksum;
  bool strip = (server.checksum == C::kStripUdpAfterFirst && !tcp) || server.checksum == C::kStripAllAfterFirst;
  if (server.checksum == C::kUnaware || (strip && server.replies_with_option > 0)) return {};
  ++server.replies_with_option;
  if (server.checksum == C::kWrongNonceOverUdp && !tcp) nonce[0] ^= 0xFF;
  auto option = dns::MakeChecksumReplyOption(kOptionCode, nonce, dns::ChecksumAlgorithm::kSha256);
  if (server.checksum == C::kUnknownAlgorithm) option.data[8] = 200;
  if (server.checksum == C::kTwoOptions) return {option, option};
  return {option};
}

// Seals the reply's option, then damages the reply as the mode says.
void SealAndDamage(FakeServer& server, std::vector<uint8_t>& wire, bool tcp) {
  using C = FakeServer::Checksum;
  if (server.checksum == C::kUnknownAlgorithm || server.checksum == C::kTwoOptions) return;
  if (!crypto::SealChecksumOption(wire, kOptionCode)) return;
  // The A record's last octet sits just before the OPT record (11 octets + options).
  if (server.checksum == C::kCorruptUdp && !tcp) wire[wire.size() - 11 - 45 - 1] ^= 0x01;
}

std::vector<uint8_t> Reply(FakeServer& server, std::vector<uint8_t> query, bool tcp) {
  auto view = dns::MessageView::Parse(query);
  if (!view || view->questions().size() != 1) return {};
  const dns::Question& q = view->questions().front();
  bool edns = view->opt() != nullptr;
  server.seen.push_back(std::string(tcp ? "tcp " : "udp ") + q.qname.ToText() + (edns ? " edns" : " plain"));
  server.questions.push_back(q);
  if (server.mode == FakeServer::Mode::kIgnoreNull && q.qtype == RrType::NULL_) return {};
  std::vector<dns::EdnsOption> options;
  if (auto found = dns::FindChecksumOption(query, kOptionCode); found && *found) {
    std::string hex;
    for (uint8_t b : (*found)->nonce) hex += "0123456789abcdef"[b >> 4], hex += "0123456789abcdef"[b & 15];
    server.nonces.push_back(hex);
    options = ReplyChecksumOptions(server, (*found)->nonce, tcp);
  }
  dns::MessageBuilder builder(65535);
  builder.header().id = view->header().id;
  builder.header().qr = true;
  builder.header().aa = true;
  using Mode = FakeServer::Mode;
  if (server.mode == Mode::kWrongIdOverUdp && !tcp) builder.header().id ^= 1;
  if (server.mode == Mode::kTruncateUdp && !tcp) builder.header().tc = true;
  bool formerr = server.mode == Mode::kFormErrOnEdns && edns;
  if (formerr) builder.header().rcode = 1;
  Name qname = server.mode == Mode::kLowercaseQuestion ? q.qname.ToLower() : q.qname;
  (void)builder.AddQuestion(qname, q.qtype, q.qclass);
  if (edns && !formerr) {
    dns::Edns reply_edns;
    reply_edns.options = options;
    (void)builder.SetEdns(reply_edns);
  }
  if (!formerr) {
    const std::vector<uint8_t> address = {192, 0, 2, 1};
    (void)builder.AddRecord(dns::Section::kAnswer, qname, RrType::A, dns::RrClass::IN, 60, address);
  }
  auto wire = std::move(builder).Finish();
  if (!wire) return {};
  if (!options.empty()) SealAndDamage(server, *wire, tcp);
  return *wire;
}

class NetworkUpstreamTest : public ::testing::Test {
 protected:
  // Asks `count` questions of a fake server in `mode`; returns the replies.
  std::vector<UpstreamReply> AskServer(FakeServer::Mode mode, int count,
                                       FakeServer::Checksum checksum = FakeServer::Checksum::kUnaware,
                                       std::optional<dns::Question> question = std::nullopt) {
    server_.mode = mode;
    server_.checksum = checksum;
    auto reply = [this](std::vector<uint8_t> q, io::QueryContext c) {
      server_.peers.push_back(c.client.address);
      return Reply(server_, std::move(q), c.tcp);
    };
    return testing::AskLoopbackServer(reply, options_, stats_, count, AskOptions{1000, false, {}}, std::move(question));
  }

  FakeServer server_;
  UpstreamStats stats_;
  NetworkUpstreamOptions options_;
};

TEST_F(NetworkUpstreamTest, GoodServerAnswersOverUdpWithRandomCase) {
  auto replies = AskServer(FakeServer::Mode::kGood, 2);
  ASSERT_EQ(replies.size(), 2u);
  for (const auto& r : replies) {
    EXPECT_EQ(r.status, UpstreamReply::Status::kReply);
    EXPECT_FALSE(r.over_tcp);
  }
  ASSERT_EQ(server_.seen.size(), 2u);
  EXPECT_TRUE(server_.seen[0].starts_with("udp ") && server_.seen[0].ends_with(" edns"));
  // 0x20: 14 letters in random case; the two queries differ (odds of a clash: 2^-14).
  EXPECT_NE(server_.seen[0], server_.seen[1]);
  EXPECT_EQ(stats_.udp_queries, 2u);
  EXPECT_EQ(stats_.tcp_queries, 0u);
}

// The match filter's parse of a UDP reply is handed on with it (the iterator does not parse it
// again), and it describes exactly the reply's octets; a reply fetched over TCP, and one after
// the EDNS fallback, carry none, and are parsed by their taker.
TEST_F(NetworkUpstreamTest, UdpReplyCarriesTheParseThatMatchedIt) {
  auto replies = AskServer(FakeServer::Mode::kGood, 1);
  ASSERT_EQ(replies.size(), 1u);
  const dns::MessageView* carried = replies[0].parsed.For(replies[0].wire);
  ASSERT_NE(carried, nullptr);
  auto fresh = dns::MessageView::Parse(replies[0].wire);
  ASSERT_TRUE(fresh.has_value());
  EXPECT_EQ(carried->header().id, fresh->header().id);
  EXPECT_EQ(carried->questions(), fresh->questions());
  ASSERT_EQ(carried->records().size(), fresh->records().size());
  for (size_t i = 0; i < fresh->records().size(); ++i) {
    EXPECT_EQ(carried->UncompressedRdata(carried->records()[i]).value(),
              fresh->UncompressedRdata(fresh->records()[i]).value());
  }
  auto verified = AskServer(FakeServer::Mode::kGood, 1, FakeServer::Checksum::kGood);
  EXPECT_EQ(stats_.checksum_verified, 1u);
  EXPECT_NE(verified[0].parsed.For(verified[0].wire), nullptr);
  auto over_tcp = AskServer(FakeServer::Mode::kTruncateUdp, 1);
  EXPECT_TRUE(over_tcp[0].over_tcp);
  EXPECT_EQ(over_tcp[0].parsed.For(over_tcp[0].wire), nullptr);
  auto plain = AskServer(FakeServer::Mode::kFormErrOnEdns, 1);
  EXPECT_EQ(plain[0].status, UpstreamReply::Status::kReply);
  EXPECT_EQ(plain[0].parsed.For(plain[0].wire), nullptr);
}

// redoubt_upstream_rtt_seconds: one observation per exchange that got a reply the filter took,
// over UDP (a TC reply too) and over TCP; none for a datagram refused as not ours.
TEST_F(NetworkUpstreamTest, RoundTripsOfExchangesWithAReplyAreTimed) {
  AskServer(FakeServer::Mode::kGood, 2);
  EXPECT_EQ(stats_.rtt.Read().count(), 2u);
  AskServer(FakeServer::Mode::kTruncateUdp, 1);
  EXPECT_EQ(stats_.rtt.Read().count(), 4u);
  AskServer(FakeServer::Mode::kWrongIdOverUdp, 1);
  LatencyHistogram::Snapshot rtt = stats_.rtt.Read();
  EXPECT_EQ(rtt.count(), 5u);
  EXPECT_GT(rtt.sum_us, 0u);
  EXPECT_EQ(rtt.buckets.back(), 0u);  // Loopback: nothing near 5 seconds.
}

TEST_F(NetworkUpstreamTest, ServerThatLowercasesTheQuestionGetsPlainQueriesAfterOneTcpRetry) {
  auto replies = AskServer(FakeServer::Mode::kLowercaseQuestion, 3);
  ASSERT_EQ(replies.size(), 3u);
  EXPECT_TRUE(replies[0].over_tcp);
  EXPECT_EQ(replies[0].status, UpstreamReply::Status::kReply);
  EXPECT_FALSE(replies[1].over_tcp);
  EXPECT_EQ(replies[2].status, UpstreamReply::Status::kReply);
  EXPECT_EQ(stats_.case_fallbacks, 1u);
  EXPECT_EQ(server_.seen.back(), "udp www.example.test. edns");
}

TEST_F(NetworkUpstreamTest, FormErrToEdnsFallsBackToPlainQueries) {
  auto replies = AskServer(FakeServer::Mode::kFormErrOnEdns, 2);
  ASSERT_EQ(replies.size(), 2u);
  EXPECT_EQ(replies[0].status, UpstreamReply::Status::kReply);
  EXPECT_EQ(stats_.edns_fallbacks, 1u);
  ASSERT_GE(server_.seen.size(), 3u);
  EXPECT_TRUE(server_.seen[0].ends_with(" edns"));
  EXPECT_TRUE(server_.seen[1].ends_with(" plain"));
  EXPECT_TRUE(server_.seen.back().ends_with(" plain"));  // Remembered for the next query.
}

TEST_F(NetworkUpstreamTest, MismatchedDatagramMovesTheExchangeToTcp) {
  auto replies = AskServer(FakeServer::Mode::kWrongIdOverUdp, 1);
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_EQ(replies[0].status, UpstreamReply::Status::kReply);
  EXPECT_TRUE(replies[0].over_tcp);
  EXPECT_EQ(stats_.mismatched, 1u);
}

TEST_F(NetworkUpstreamTest, TruncatedReplyIsFetchedOverTcp) {
  auto replies = AskServer(FakeServer::Mode::kTruncateUdp, 1);
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_TRUE(replies[0].over_tcp);
  EXPECT_EQ(stats_.truncated, 1u);
  auto view = dns::MessageView::Parse(replies[0].wire);
  ASSERT_TRUE(view.has_value());
  EXPECT_FALSE(view->header().tc);
}

IpAddress V6Loopback() {
  std::array<uint8_t, 16> bytes{};
  bytes[15] = 1;
  return IpAddress::V6(bytes);
}

TEST_F(NetworkUpstreamTest, QueryAndItsTcpRetryLeaveFromTheOutgoingInterfaceOfTheServersFamily) {
  const IpAddress two = IpAddress::V4({127, 0, 0, 2});
  options_.outgoing_interfaces = {V6Loopback(), two};
  auto replies = AskServer(FakeServer::Mode::kTruncateUdp, 1);
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_EQ(replies[0].status, UpstreamReply::Status::kReply);
  EXPECT_TRUE(replies[0].over_tcp);
  EXPECT_EQ(server_.peers, (std::vector<IpAddress>{two, two}));
}

TEST_F(NetworkUpstreamTest, OutgoingInterfaceIsPickedAtRandomForEachQuery) {
  const IpAddress two = IpAddress::V4({127, 0, 0, 2}), three = IpAddress::V4({127, 0, 0, 3});
  options_.outgoing_interfaces = {two, three};
  auto replies = AskServer(FakeServer::Mode::kGood, 40);
  ASSERT_EQ(replies.size(), 40u);
  // Both are used (odds of one alone in 40 fair picks: 2^-39) and nothing else is.
  std::set<IpAddress> used(server_.peers.begin(), server_.peers.end());
  EXPECT_EQ(used, (std::set<IpAddress>{two, three}));
}

TEST_F(NetworkUpstreamTest, NoOutgoingInterfaceOfTheFamilyLetsTheKernelChoose) {
  options_.outgoing_interfaces = {V6Loopback()};
  auto replies = AskServer(FakeServer::Mode::kGood, 1);
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_EQ(replies[0].status, UpstreamReply::Status::kReply);
  EXPECT_EQ(server_.peers, (std::vector<IpAddress>{IpAddress::V4({127, 0, 0, 1})}));
}

using Checksum = FakeServer::Checksum;
using Mode = FakeServer::Mode;

TEST_F(NetworkUpstreamTest, EveryUdpQueryCarriesAFreshNonce) {
  auto replies = AskServer(Mode::kGood, 300, Checksum::kUnaware);
  ASSERT_EQ(server_.nonces.size(), 300u);
  std::set<std::string> distinct(server_.nonces.begin(), server_.nonces.end());
  EXPECT_EQ(distinct.size(), 300u);
  // A server that ignores the option is used normally: no retries, nothing counted.
  EXPECT_EQ(stats_.tcp_queries, 0u);
  EXPECT_EQ(stats_.checksum_verified, 0u);
  EXPECT_EQ(stats_.checksum_downgrades, 0u);
}

TEST_F(NetworkUpstreamTest, VerifiedChecksumIsAcceptedOverUdp) {
  auto replies = AskServer(Mode::kGood, 3, Checksum::kGood);
  ASSERT_EQ(replies.size(), 3u);
  for (const auto& r : replies) {
    EXPECT_EQ(r.status, UpstreamReply::Status::kReply);
    EXPECT_FALSE(r.over_tcp);
  }
  EXPECT_EQ(stats_.checksum_verified, 3u);
  EXPECT_EQ(stats_.tcp_retries, 0u);
}

TEST_F(NetworkUpstreamTest, WrongNonceIsDroppedAndRetriedOverTcp) {
  auto replies = AskServer(Mode::kGood, 2, Checksum::kWrongNonceOverUdp);
  ASSERT_EQ(replies.size(), 2u);
  for (const auto& r : replies) {
    EXPECT_EQ(r.status, UpstreamReply::Status::kReply);
    EXPECT_TRUE(r.over_tcp);
  }
  EXPECT_EQ(stats_.checksum_nonce_mismatch, 2u);
  EXPECT_EQ(stats_.tcp_retries, 2u);
  EXPECT_EQ(stats_.checksum_verified, 0u);
}

TEST_F(NetworkUpstreamTest, AlteredReplyFailsItsDigestAndIsFetchedOverTcp) {
  auto replies = AskServer(Mode::kGood, 1, Checksum::kCorruptUdp);
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_TRUE(replies[0].over_tcp);
  EXPECT_EQ(stats_.checksum_digest_mismatch, 1u);
  auto view = dns::MessageView::Parse(replies[0].wire);
  ASSERT_TRUE(view.has_value());
  auto answers = view->section(dns::Section::kAnswer);
  ASSERT_EQ(answers.size(), 1u);
  auto rdata = view->UncompressedRdata(answers[0]);
  ASSERT_TRUE(rdata.has_value());
  EXPECT_EQ(rdata->back(), 1);  // 192.0.2.1, not the damaged 192.0.2.0.
}

TEST_F(NetworkUpstreamTest, CapableServerAnsweringWithoutTheOptionIsADowngrade) {
  auto replies = AskServer(Mode::kGood, 3, Checksum::kStripUdpAfterFirst);
  ASSERT_EQ(replies.size(), 3u);
  EXPECT_FALSE(replies[0].over_tcp);
  EXPECT_TRUE(replies[1].over_tcp);
  EXPECT_TRUE(replies[2].over_tcp);  // Still capable: its TCP replies carry the option.
  EXPECT_EQ(replies[2].status, UpstreamReply::Status::kReply);
  EXPECT_EQ(stats_.checksum_verified, 1u);
  EXPECT_EQ(stats_.checksum_downgrades, 2u);
}

TEST_F(NetworkUpstreamTest, ServerThatDropsSupportIsBelievedOnceTcpConfirmsIt) {
  auto replies = AskServer(Mode::kGood, 3, Checksum::kStripAllAfterFirst);
  ASSERT_EQ(replies.size(), 3u);
  EXPECT_FALSE(replies[0].over_tcp);
  EXPECT_TRUE(replies[1].over_tcp);   // Downgrade suspected, TCP shows the option is gone.
  EXPECT_FALSE(replies[2].over_tcp);  // Treated as a plain server from then on.
  EXPECT_EQ(stats_.checksum_downgrades, 1u);
}

TEST_F(NetworkUpstreamTest, UnknownAlgorithmOrTwoOptionsCountAsNoOption) {
  auto replies = AskServer(Mode::kGood, 2, Checksum::kUnknownAlgorithm);
  EXPECT_FALSE(replies[0].over_tcp);
  EXPECT_FALSE(replies[1].over_tcp);
  stats_ = {};
  replies = AskServer(Mode::kGood, 2, Checksum::kTwoOptions);
  EXPECT_FALSE(replies[0].over_tcp);
  EXPECT_FALSE(replies[1].over_tcp);
  EXPECT_EQ(stats_.checksum_verified, 0u);
  EXPECT_EQ(stats_.checksum_downgrades, 0u);
}

// RFC 8145 section 5.3: a DNSKEY query for a trust-anchor zone goes out with the zone's key tag
// query, to the same server; the DNSKEY reply is the one given back.
dns::Question DnskeyOf(const char* zone) {
  return dns::Question{*Name::FromText(zone), RrType::DNSKEY, dns::RrClass::IN};
}

TEST_F(NetworkUpstreamTest, DnskeyQueryForAnAnchorZoneCarriesTheKeyTagQuery) {
  options_.key_tag_signals = {{*Name::FromText("example.test."), {38696, 20326}}};
  auto replies = AskServer(FakeServer::Mode::kGood, 1, FakeServer::Checksum::kUnaware, DnskeyOf("Example.TEST."));
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_EQ(replies[0].status, UpstreamReply::Status::kReply);
  ASSERT_EQ(server_.questions.size(), 2u);
  bool dnskey = false, signal = false;
  for (const dns::Question& q : server_.questions) {
    dnskey |= q.qtype == RrType::DNSKEY && q.qname == *Name::FromText("example.test.");
    signal |= q.qtype == RrType::NULL_ && q.qname == *Name::FromText("_ta-4f66-9728.example.test.");  // 0x20 mixes case.
  }
  EXPECT_TRUE(dnskey);
  EXPECT_TRUE(signal);
  EXPECT_EQ(stats_.key_tag_signals, 1u);
  auto view = dns::MessageView::Parse(replies[0].wire);
  ASSERT_TRUE(view.has_value());
  EXPECT_EQ(view->questions().front().qtype, RrType::DNSKEY);  // Not the signal's reply.
}

TEST_F(NetworkUpstreamTest, NoKeyTagQueryForOtherQuestionsOrWithoutSignals) {
  options_.key_tag_signals = {{*Name::FromText("example.test."), {20326}}};
  AskServer(FakeServer::Mode::kGood, 1);  // www.example.test. A
  AskServer(FakeServer::Mode::kGood, 1, FakeServer::Checksum::kUnaware, DnskeyOf("other.test."));
  options_.key_tag_signals.clear();
  AskServer(FakeServer::Mode::kGood, 1, FakeServer::Checksum::kUnaware, DnskeyOf("example.test."));
  ASSERT_EQ(server_.questions.size(), 3u);
  for (const dns::Question& q : server_.questions) EXPECT_NE(q.qtype, RrType::NULL_);
  EXPECT_EQ(stats_.key_tag_signals, 0u);
}

// A server that never answers the key tag query still answers the DNSKEY query: the signal's
// wait is cut short (kKeyTagSignalTimeoutMs), and its silence is no timeout of the query.
TEST_F(NetworkUpstreamTest, ServerIgnoringTheKeyTagQueryStillGivesTheDnskeyReply) {
  options_.key_tag_signals = {{Name(), {20326}}};
  auto replies = AskServer(FakeServer::Mode::kIgnoreNull, 1, FakeServer::Checksum::kUnaware, DnskeyOf("."));
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_EQ(replies[0].status, UpstreamReply::Status::kReply);
  EXPECT_EQ(stats_.key_tag_signals, 1u);
  EXPECT_EQ(stats_.timeouts, 0u);
  ASSERT_EQ(server_.questions.size(), 2u);
}

}  // namespace
}  // namespace redoubt::resolver
