// TSIG towards a keyed forwarder (RFC 8945 section 5; specs/tsig.md section 6), end to end over
// loopback sockets: NetworkUpstream signs, a fake server checks the signature and answers in
// one of the ways security.md table D lists, and only a verified reply is given out.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "crypto/checksum.h"
#include "crypto/tsig.h"
#include "net/dns/checksum_option.h"
#include "net/dns/edns.h"
#include "net/dns/message_builder.h"
#include "net/io/listener.h"
#include "resolver/upstream/loopback_server_test_util.h"
#include "resolver/upstream/upstream.h"

namespace redoubt::resolver {
namespace {

using dns::Name;
using dns::RrType;

constexpr int64_t kNow = 1'700'000'000;
constexpr uint16_t kOptionCode = 65434;

crypto::TsigKey Key(const char* name, uint8_t fill) {
  return crypto::TsigKey{*Name::FromText(name), crypto::TsigAlgorithm::kHmacSha256, std::vector<uint8_t>(32, fill)};
}

// How the fake forwarder answers a signed query (security.md table D).
enum class Misbehaviour {
  kNone,               // D1: signed with the request's key, request MAC bound in.
  kUnsignedOverUdp,    // D2, D13: an unsigned (forged) UDP reply; TCP is fine.
  kUnsigned,           // D2 over both transports.
  kBadMac,             // D3: one MAC bit flipped, both transports.
  kOtherKey,           // D4: signed with another key.
  kBadTime,            // D5: signed 400 s in the future (fudge 300).
  kTruncatedOverUdp,   // D11: TC=1 over UDP with the TSIG cut off.
  kBadKeyError,        // D6: NOTAUTH with an unsigned TSIG error BADKEY and, as NSD sends it,
                       // no question section.
  kShortMac,           // Replies signed with a 16-octet MAC (BIND's hmac-sha256-128).
  kBadTrunc,           // A request with a truncated MAC gets a signed BADTRUNC (RFC 8945
                       // section 5.2.2.1); one with the full MAC is answered.
  kNoEdns,             // A query with OPT gets an unsigned FORMERR (an old server); one without
                       // is answered.
};

struct FakeForwarder {
  Misbehaviour mode = Misbehaviour::kNone;
  crypto::TsigKey key = Key("fwd.example.", 0x42);
  std::vector<std::string> seen;  // "udp|tcp signed|unsigned|bad".
};

std::vector<uint8_t> Answer(const dns::MessageView& query, bool tc, const std::vector<dns::EdnsOption>& options) {
  const dns::Question& q = query.questions().front();
  dns::MessageBuilder builder(65535);
  builder.header().id = query.header().id;
  builder.header().qr = true;
  builder.header().rd = true;
  builder.header().ra = true;
  builder.header().tc = tc;
  (void)builder.AddQuestion(q.qname, q.qtype, q.qclass);
  dns::Edns edns;
  edns.options = options;
  (void)builder.SetEdns(edns);
  const std::vector<uint8_t> address = {192, 0, 2, 1};
  if (!tc) (void)builder.AddRecord(dns::Section::kAnswer, q.qname, RrType::A, dns::RrClass::IN, 60, address);
  auto wire = std::move(builder).Finish();
  return wire ? *wire : std::vector<uint8_t>{};
}

// The CHECKSUM reply option for the query's nonce, sealed into `wire` (before any TSIG).
std::vector<dns::EdnsOption> ChecksumFor(std::span<const uint8_t> query) {
  auto found = dns::FindChecksumOption(query, kOptionCode);
  if (!found || !*found) return {};
  return {dns::MakeChecksumReplyOption(kOptionCode, (*found)->nonce, dns::ChecksumAlgorithm::kSha256)};
}

std::vector<uint8_t> Respond(FakeForwarder& server, std::vector<uint8_t> query, bool tcp) {
  auto view = dns::MessageView::Parse(query);
  if (!view || view->questions().size() != 1) return {};
  // The server takes MACs down to 16 octets (RFC 8945 section 5.2.2.1) so that it can answer a
  // truncated request; kBadTrunc then refuses it.
  crypto::TsigVerification request =
      crypto::VerifyTsigReply(query, server.key, {}, static_cast<uint64_t>(kNow), crypto::TsigPolicy{16});
  server.seen.push_back(std::string(tcp ? "tcp " : "udp ") +
                        (request.verdict == crypto::TsigVerdict::kOk ? "signed"
                         : request.verdict == crypto::TsigVerdict::kUnsigned ? "unsigned" : "bad"));
  using M = Misbehaviour;
  if (server.mode == M::kNoEdns && view->opt() != nullptr) {
    server.seen.back() += " edns";
    dns::MessageBuilder builder(512);
    builder.header().id = view->header().id;
    builder.header().qr = true;
    builder.header().rcode = static_cast<uint8_t>(dns::Rcode::FORMERR);
    return std::move(builder).Finish().value_or(std::vector<uint8_t>{});
  }
  bool tc = server.mode == M::kTruncatedOverUdp && !tcp;
  std::vector<uint8_t> wire = Answer(*view, tc, ChecksumFor(query));
  if (!ChecksumFor(query).empty()) (void)crypto::SealChecksumOption(wire, kOptionCode);
  if ((server.mode == M::kUnsignedOverUdp && !tcp) || server.mode == M::kUnsigned || tc) return wire;
  if (server.mode == M::kBadKeyError) {
    dns::MessageBuilder builder(512);
    builder.header().id = view->header().id;
    builder.header().qr = true;
    builder.header().rcode = static_cast<uint8_t>(dns::Rcode::NOTAUTH);
    wire = std::move(builder).Finish().value_or(std::vector<uint8_t>{});
    dns::rdata::TSIG error;
    error.algorithm = crypto::TsigAlgorithmName(server.key.algorithm);
    error.time_signed.value = static_cast<uint64_t>(kNow);
    error.original_id = view->header().id;
    error.error = static_cast<uint16_t>(dns::Rcode::BADKEY);
    return crypto::AppendTsigRecord(wire, server.key.name, error).value_or(wire);
  }
  crypto::TsigSignOptions sign;
  sign.time_signed = static_cast<uint64_t>(server.mode == M::kBadTime ? kNow + 400 : kNow);
  sign.request_mac = request.mac;
  if (server.mode == M::kShortMac) sign.mac_length = 16;
  if (server.mode == M::kBadTrunc && request.mac.size() < crypto::TsigMacLength(server.key.algorithm)) {
    server.seen.back() += " truncated";
    dns::MessageBuilder builder(512);
    builder.header().id = view->header().id;
    builder.header().qr = true;
    builder.header().rcode = static_cast<uint8_t>(dns::Rcode::NOTAUTH);
    (void)builder.AddQuestion(view->questions().front().qname, view->questions().front().qtype);
    sign.error = dns::Rcode::BADTRUNC;
    auto error_reply = crypto::SignTsig(std::move(builder).Finish().value_or(std::vector<uint8_t>{}), server.key, sign);
    return error_reply ? error_reply->message : std::vector<uint8_t>{};
  }
  crypto::TsigKey other = Key("other.example.", 0x43);
  auto signed_reply = crypto::SignTsig(wire, server.mode == M::kOtherKey ? other : server.key, sign);
  if (!signed_reply) return wire;
  if (server.mode == M::kBadMac) signed_reply->message[signed_reply->message.size() - 20] ^= 0x01;
  return signed_reply->message;
}

class TsigUpstreamTest : public ::testing::Test {
 protected:
  TsigUpstreamTest() : clock_(kNow) {
    options_.clock = &clock_;
    options_.tsig_keys.push_back(Key("fwd.example.", 0x42));
  }

  UpstreamReply AskForwarder(Misbehaviour mode, const char* key_name = "FWD.example.") {
    server_.mode = mode;
    AskOptions ask{1000, true, {}};
    ask.tsig_key = *Name::FromText(key_name);
    auto reply = [this](std::vector<uint8_t> q, io::QueryContext c) { return Respond(server_, std::move(q), c.tcp); };
    std::vector<UpstreamReply> replies = testing::AskLoopbackServer(reply, options_, stats_, 1, ask);
    return replies.empty() ? UpstreamReply{} : replies.front();
  }

  SimulatedClock clock_;
  FakeForwarder server_;
  UpstreamStats stats_;
  NetworkUpstreamOptions options_;
};

// D1: the query goes out signed; the reply verifies and reaches the caller without its TSIG,
// its CHECKSUM verified on the TSIG-stripped bytes (specs/tsig.md section 8).
TEST_F(TsigUpstreamTest, SignedQueryAndVerifiedReply) {
  UpstreamReply reply = AskForwarder(Misbehaviour::kNone);
  ASSERT_EQ(reply.status, UpstreamReply::Status::kReply) << reply.tsig_failure;
  EXPECT_FALSE(reply.over_tcp);
  auto view = dns::MessageView::Parse(reply.wire);
  ASSERT_TRUE(view.has_value());
  EXPECT_EQ(view->tsig(), nullptr);  // Never cached or passed on (RFC 8945 section 5.3).
  EXPECT_EQ(server_.seen, (std::vector<std::string>{"udp signed"}));
  EXPECT_EQ(stats_.tsig_signed, 1u);
  EXPECT_EQ(stats_.tsig_verified, 1u);
  EXPECT_EQ(stats_.checksum_verified, 1u);
}

// D2 and D13: an unsigned reply (a forgery racing the real one) is dropped and the question
// asked again, signed afresh, over TCP at once; the signed TCP reply is taken.
TEST_F(TsigUpstreamTest, UnsignedUdpReplyIsDroppedAndTcpAskedAtOnce) {
  UpstreamReply reply = AskForwarder(Misbehaviour::kUnsignedOverUdp);
  ASSERT_EQ(reply.status, UpstreamReply::Status::kReply) << reply.tsig_failure;
  EXPECT_TRUE(reply.over_tcp);
  EXPECT_EQ(server_.seen, (std::vector<std::string>{"udp signed", "tcp signed"}));
  EXPECT_EQ(stats_.tsig_unsigned, 1u);
  EXPECT_EQ(stats_.tsig_signed, 2u);
}

TEST_F(TsigUpstreamTest, UnsignedRepliesOnBothTransportsFailWithTheReason) {
  UpstreamReply reply = AskForwarder(Misbehaviour::kUnsigned);
  EXPECT_EQ(reply.status, UpstreamReply::Status::kBadReply);
  EXPECT_NE(reply.tsig_failure.find("not signed"), std::string::npos) << reply.tsig_failure;
  EXPECT_TRUE(reply.wire.empty());
  EXPECT_EQ(stats_.tsig_unsigned, 2u);
}

TEST_F(TsigUpstreamTest, BadMacIsRefused) {  // D3.
  UpstreamReply reply = AskForwarder(Misbehaviour::kBadMac);
  EXPECT_EQ(reply.status, UpstreamReply::Status::kBadReply);
  EXPECT_NE(reply.tsig_failure.find("MAC"), std::string::npos) << reply.tsig_failure;
  EXPECT_EQ(stats_.tsig_bad_mac, 2u);
}

TEST_F(TsigUpstreamTest, ReplySignedWithAnotherKeyIsRefused) {  // D4.
  UpstreamReply reply = AskForwarder(Misbehaviour::kOtherKey);
  EXPECT_EQ(reply.status, UpstreamReply::Status::kBadReply);
  EXPECT_EQ(stats_.tsig_bad_key, 2u);
}

TEST_F(TsigUpstreamTest, BadTimeNamesTheClock) {  // D5.
  UpstreamReply reply = AskForwarder(Misbehaviour::kBadTime);
  EXPECT_EQ(reply.status, UpstreamReply::Status::kBadReply);
  EXPECT_NE(reply.tsig_failure.find("400 s ahead of this host's clock"), std::string::npos) << reply.tsig_failure;
  EXPECT_EQ(stats_.tsig_bad_time, 2u);
}

TEST_F(TsigUpstreamTest, TruncatedReplyWithTheTsigCutOffGoesToTcp) {  // D11.
  UpstreamReply reply = AskForwarder(Misbehaviour::kTruncatedOverUdp);
  ASSERT_EQ(reply.status, UpstreamReply::Status::kReply) << reply.tsig_failure;
  EXPECT_TRUE(reply.over_tcp);
  EXPECT_EQ(server_.seen, (std::vector<std::string>{"udp signed", "tcp signed"}));
}

TEST_F(TsigUpstreamTest, ServersBadKeyErrorIsReportedNotTaken) {  // D6.
  UpstreamReply reply = AskForwarder(Misbehaviour::kBadKeyError);
  EXPECT_EQ(reply.status, UpstreamReply::Status::kBadReply);
  EXPECT_NE(reply.tsig_failure.find("BADKEY"), std::string::npos) << reply.tsig_failure;
  EXPECT_EQ(stats_.tsig_server_errors, 2u);
}

// A forward zone naming a key the upstream does not hold never sends unsigned.
// RFC 8945 section 5.2.2.1: a full-length key refuses a truncated reply MAC; a key configured
// truncated (hmac-sha256-128) signs with 16 octets and accepts them.
TEST_F(TsigUpstreamTest, TruncatedReplyMacIsRefusedUnlessTheKeyIsTruncated) {
  UpstreamReply strict = AskForwarder(Misbehaviour::kShortMac);
  EXPECT_EQ(strict.status, UpstreamReply::Status::kBadReply);
  EXPECT_NE(strict.tsig_failure.find("MacTooShort"), std::string::npos) << strict.tsig_failure;
  options_.tsig_keys[0].mac_length = 16;
  server_.seen.clear();
  UpstreamReply truncated = AskForwarder(Misbehaviour::kShortMac);
  ASSERT_EQ(truncated.status, UpstreamReply::Status::kReply) << truncated.tsig_failure;
  EXPECT_FALSE(truncated.over_tcp);
}

// A server whose policy wants longer MACs answers BADTRUNC (signed): the question is asked
// again over TCP with the full MAC, and that answer is taken.
TEST_F(TsigUpstreamTest, BadTruncIsAnsweredWithTheFullMac) {
  options_.tsig_keys[0].mac_length = 16;
  UpstreamReply reply = AskForwarder(Misbehaviour::kBadTrunc);
  ASSERT_EQ(reply.status, UpstreamReply::Status::kReply) << reply.tsig_failure;
  EXPECT_TRUE(reply.over_tcp);
  EXPECT_EQ(server_.seen, (std::vector<std::string>{"udp signed truncated", "tcp signed"}));
  EXPECT_EQ(stats_.tsig_badtrunc_retries, 1u);
  EXPECT_LT(reply.rtt_ms, 900u);  // The signed BADTRUNC ended the UDP wait (no 1 s timeout).
}

// A server that does not take EDNS answers FORMERR: the question is asked again without OPT,
// still signed (never unsigned), and the server is remembered as one without EDNS.
TEST_F(TsigUpstreamTest, EdnsFallbackQueryIsSignedToo) {
  UpstreamReply reply = AskForwarder(Misbehaviour::kNoEdns);
  ASSERT_EQ(reply.status, UpstreamReply::Status::kReply) << reply.tsig_failure;
  EXPECT_EQ(server_.seen, (std::vector<std::string>{"udp signed edns", "tcp signed edns", "tcp signed"}));
  EXPECT_EQ(stats_.edns_fallbacks, 1u);
}

TEST_F(TsigUpstreamTest, UnknownKeyNeverSendsUnsigned) {
  UpstreamReply reply = AskForwarder(Misbehaviour::kNone, "nokey.example.");
  EXPECT_EQ(reply.status, UpstreamReply::Status::kBadReply);
  EXPECT_NE(reply.tsig_failure.find("not loaded"), std::string::npos);
  EXPECT_TRUE(server_.seen.empty());
}

}  // namespace
}  // namespace redoubt::resolver
