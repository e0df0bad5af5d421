// TransferZone (transfer_client.h) against a scripted primary on 127.0.0.1: a thread with
// blocking sockets (net/io/testing/scripted_tcp_server.h) reads the framed request, records
// what it saw, and answers with messages it builds and signs itself, chained as RFC 8945
// section 5.3.1 says (the first with the request's MAC, each later signed one with the previous
// MAC and the unsigned messages sent since), or broken in one way per test. Each test is named
// after what TransferZone must take or stop; each runs on a fresh libuv loop and is bounded by
// the request's timeouts and the server's 3 s socket timeouts.
#include "resolver/mirror/transfer_client.h"

#include <gtest/gtest.h>
#include <uv.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "crypto/tsig.h"
#include "net/base/clock.h"
#include "net/dns/message_builder.h"
#include "net/dns/message_view.h"
#include "net/dns/zone_parser.h"
#include "net/io/testing/scripted_tcp_server.h"

namespace redoubt::resolver {
namespace {

using Bytes = std::vector<uint8_t>;
using dns::Name;
using dns::Record;
using dns::RrType;
using io::testing::ScriptedTcpServer;
using Outcome = Result<dns::ZoneTransfer, std::string>;

constexpr int64_t kNow = 1'700'000'000;

Name N(std::string_view text) { return *Name::FromText(text); }

crypto::TsigKey Key(const char* name, uint8_t fill) {
  return crypto::TsigKey{N(name), crypto::TsigAlgorithm::kHmacSha256, Bytes(32, fill)};
}

// Records from zone text with origin corp.example.
std::vector<Record> R(std::string_view text) {
  dns::ZoneParseOptions options;
  options.origin = N("corp.example.");
  options.default_ttl = 3600;
  auto parsed = dns::ParseZoneText(text, "test", options);
  EXPECT_TRUE(parsed);
  return parsed ? *parsed : std::vector<Record>{};
}

std::string Soa(uint32_t serial) {
  return "@ SOA ns hostmaster " + std::to_string(serial) + " 3600 600 86400 300\n";
}

// The zone at `serial` as three messages: SOA NS | ns A, www A | mail A, SOA. Five records
// once taken (the SOA once).
std::vector<std::vector<Record>> ZoneInThree(uint32_t serial = 7) {
  return {R(Soa(serial) + "@ NS ns\n"), R("ns A 192.0.2.1\nwww A 192.0.2.2\n"),
          R("mail A 192.0.2.3\n" + Soa(serial))};
}

// How the primary sends one message of its answer.
enum class Sign : uint8_t {
  kYes,         // Signed with the transfer's key, chained (RFC 8945 section 5.3.1).
  kNo,          // Unsigned: the next signed message covers it.
  kFlippedMac,  // Signed, then one bit of its MAC flipped on the way.
  kOtherKey,    // Signed with another key (another name and secret).
  kInjected,    // Unsigned and unknown to the primary's signer: what an attacker would insert.
};

struct Part {
  std::vector<Record> records;
  Sign sign = Sign::kYes;
  uint16_t id_offset = 0;  // Added to the request's ID: nonzero for another transfer's message.
};

std::vector<Part> Parts(const std::vector<std::vector<Record>>& chunks, std::vector<Sign> signs) {
  std::vector<Part> parts;
  for (size_t i = 0; i < chunks.size(); ++i) {
    parts.push_back(Part{chunks[i], i < signs.size() ? signs[i] : Sign::kYes, 0});
  }
  return parts;
}

// One message of an answer: the question in the first message only (RFC 5936 section 2.2.1
// lets later ones omit it), `records` in the answer section.
Bytes Message(uint16_t id, const dns::Question& question, const std::vector<Record>& records,
              bool with_question) {
  dns::MessageBuilder builder(65535);
  builder.header().id = id;
  builder.header().qr = true;
  builder.header().aa = true;
  if (with_question) {
    EXPECT_TRUE(builder.AddQuestion(question.qname, question.qtype));
  }
  for (const Record& r : records) {
    EXPECT_TRUE(builder.AddRecord(dns::Section::kAnswer, r.owner, r.type, r.klass, r.ttl, r.rdata));
  }
  auto wire = std::move(builder).Finish();
  EXPECT_TRUE(wire);
  return wire ? *wire : Bytes{};
}

// Signs the messages of one answer in order, as a primary does (RFC 8945 section 5.3.1).
class StreamSigner {
 public:
  StreamSigner(const crypto::TsigKey& key, Bytes request_mac)
      : key_(key), prior_mac_(std::move(request_mac)) {}

  // The message as sent: signed or not as `sign` says.
  Bytes Next(Bytes message, Sign sign) {
    if (sign == Sign::kInjected) return message;
    if (sign == Sign::kNo) {
      unsigned_.insert(unsigned_.end(), message.begin(), message.end());
      return message;
    }
    crypto::TsigSignOptions options;
    options.time_signed = static_cast<uint64_t>(kNow);
    if (first_) {
      options.request_mac = prior_mac_;
    } else {
      options.prior_mac = prior_mac_;
      options.unsigned_messages = unsigned_;
    }
    auto signed_message = crypto::SignTsig(message, sign == Sign::kOtherKey ? other_ : key_, options);
    EXPECT_TRUE(signed_message);
    if (!signed_message) return message;
    first_ = false;
    prior_mac_ = signed_message->mac;
    unsigned_.clear();
    // The MAC's last octet: Original ID, Error and Other Len (0) follow it, 6 octets.
    if (sign == Sign::kFlippedMac) signed_message->message[signed_message->message.size() - 7] ^= 0x01;
    return std::move(signed_message->message);
  }

 private:
  const crypto::TsigKey& key_;
  crypto::TsigKey other_ = Key("other.corp.example.", 0x43);
  Bytes prior_mac_;
  bool first_ = true;
  Bytes unsigned_;
};

// What the primary saw of the request.
struct Seen {
  bool parsed = false;
  uint16_t id = 0;
  crypto::TsigVerdict tsig = crypto::TsigVerdict::kMalformed;
  Bytes request_mac;
  std::vector<dns::Question> questions;
  std::vector<Record> authority;
};

Seen Inspect(const Bytes& request, const crypto::TsigKey* key) {
  Seen seen;
  auto view = dns::MessageView::Parse(request);
  if (!view) return seen;
  seen.parsed = true;
  seen.id = view->header().id;
  seen.questions = view->questions();
  for (const dns::RecordView& record : view->section(dns::Section::kAuthority)) {
    auto rdata = view->UncompressedRdata(record);
    if (rdata) seen.authority.push_back(Record{record.owner, record.type, record.klass, record.ttl, *rdata});
  }
  seen.tsig = view->tsig() == nullptr ? crypto::TsigVerdict::kUnsigned : crypto::TsigVerdict::kMalformed;
  if (key != nullptr) {
    crypto::TsigVerification v = crypto::VerifyTsigReply(request, *key, {}, static_cast<uint64_t>(kNow));
    seen.tsig = v.verdict;
    seen.request_mac = std::move(v.mac);
  }
  return seen;
}

// A primary answering with `parts`, signed with `key` when there is one.
struct PrimaryScript {
  const crypto::TsigKey* key = nullptr;
  std::vector<Part> parts;
  bool hang_up = false;  // Close right after the last part instead of waiting for the client.
};

ScriptedTcpServer::Script Serve(PrimaryScript script, Seen& seen) {
  return [script = std::move(script), &seen](int fd, const Bytes& request) {
    seen = Inspect(request, script.key);
    if (!seen.parsed || seen.questions.size() != 1) return;
    std::optional<StreamSigner> signer;
    if (script.key != nullptr) signer.emplace(*script.key, seen.request_mac);
    for (size_t i = 0; i < script.parts.size(); ++i) {
      const Part& part = script.parts[i];
      Bytes wire = Message(static_cast<uint16_t>(seen.id + part.id_offset), seen.questions.front(),
                           part.records, i == 0);
      if (signer) wire = signer->Next(std::move(wire), part.sign);
      if (!io::testing::WriteFramed(fd, wire)) return;  // The client hung up.
    }
    if (!script.hang_up) io::testing::WaitForClose(fd);
  };
}

class TransferClientTest : public ::testing::Test {
 protected:
  TransferRequest Request(const crypto::TsigKey* key, RrType type = RrType::AXFR) {
    TransferRequest request;
    request.zone = N("corp.example.");
    request.type = type;
    request.key = key;
    request.timeout_ms = 3000;
    request.idle_ms = 2000;
    return request;
  }

  // Runs TransferZone to its end on a fresh loop (every handle closed afterwards).
  Outcome Run(Endpoint primary, TransferRequest request) {
    std::optional<Outcome> out;
    uv_loop_t loop;
    uv_loop_init(&loop);
    Detach([](uv_loop_t* l, Endpoint p, TransferRequest r, const Clock& c,
              std::optional<Outcome>& o) -> Task<void> {
      o.emplace(co_await TransferZone(l, p, std::move(r), c));
    }(&loop, primary, std::move(request), clock_, out));
    uv_run(&loop, UV_RUN_DEFAULT);
    EXPECT_EQ(uv_loop_close(&loop), 0);
    if (!out) return Unexpected<std::string>("the transfer never ended");
    return *std::move(out);
  }

  // A signed AXFR of corp.example. from a primary answering with `parts`.
  Outcome SignedAxfr(std::vector<Part> parts) {
    ScriptedTcpServer server(Serve(PrimaryScript{&key_, std::move(parts)}, seen_));
    Outcome outcome = Run(server.endpoint(), Request(&key_));
    server.Join();
    return outcome;
  }

  SimulatedClock clock_{kNow};
  crypto::TsigKey key_ = Key("xfr.corp.example.", 0x42);
  Seen seen_;
};

void ExpectRefused(const Outcome& outcome, std::string_view reason) {
  ASSERT_FALSE(outcome) << "taken: " << outcome->records.size() << " records";
  EXPECT_NE(outcome.error().find(reason), std::string::npos) << outcome.error();
}

TEST_F(TransferClientTest, SignedAxfrInThreeSignedMessagesIsTaken) {
  Outcome outcome = SignedAxfr(Parts(ZoneInThree(), {}));
  ASSERT_TRUE(outcome) << outcome.error();
  EXPECT_EQ(seen_.tsig, crypto::TsigVerdict::kOk);  // The request was signed with the key.
  EXPECT_EQ(outcome->kind, dns::TransferKind::kFull);
  EXPECT_EQ(outcome->serial, 7u);
  ASSERT_EQ(outcome->records.size(), 5u);
  EXPECT_EQ(outcome->records.front().type, RrType::SOA);
  EXPECT_EQ(outcome->records.back().owner, N("mail.corp.example."));
}

// RFC 8945 section 5.3.1: only the first and the last must be signed; the last one's MAC
// covers the two unsigned ones before it.
TEST_F(TransferClientTest, UnsignedMessagesBetweenSignedOnesAreTaken) {
  std::vector<std::vector<Record>> chunks = {R(Soa(7) + "@ NS ns\n"), R("ns A 192.0.2.1\n"),
                                             R("www A 192.0.2.2\n"), R("mail A 192.0.2.3\n" + Soa(7))};
  Outcome outcome = SignedAxfr(Parts(chunks, {Sign::kYes, Sign::kNo, Sign::kNo, Sign::kYes}));
  ASSERT_TRUE(outcome) << outcome.error();
  EXPECT_EQ(outcome->records.size(), 5u);
}

TEST_F(TransferClientTest, UnsignedLastMessageIsRefused) {
  Outcome outcome = SignedAxfr(Parts(ZoneInThree(), {Sign::kYes, Sign::kYes, Sign::kNo}));
  ExpectRefused(outcome, "last message (message 3) is unsigned");
}

// The reason names the message that failed: the second here.
TEST_F(TransferClientTest, FlippedMacBitInAMiddleMessageIsRefused) {
  Outcome outcome = SignedAxfr(Parts(ZoneInThree(), {Sign::kYes, Sign::kFlippedMac, Sign::kYes}));
  ExpectRefused(outcome, "message 2 of the transfer refused (BadMac)");
}

// An unsigned message that the primary never sent (an injection into the TCP stream) is not
// covered by the next signed message's MAC.
TEST_F(TransferClientTest, InjectedUnsignedMessageFailsTheNextMac) {
  std::vector<std::vector<Record>> chunks = {R(Soa(7) + "@ NS ns\n"), R("www A 6.6.6.6\n"),
                                             R("mail A 192.0.2.3\n" + Soa(7))};
  Outcome outcome = SignedAxfr(Parts(chunks, {Sign::kYes, Sign::kInjected, Sign::kYes}));
  ExpectRefused(outcome, "message 3 of the transfer refused (BadMac)");
}

TEST_F(TransferClientTest, ReplySignedWithAnotherKeyIsRefused) {
  Outcome outcome = SignedAxfr(Parts(ZoneInThree(), {Sign::kOtherKey}));
  ExpectRefused(outcome, "message 1 of the transfer refused (WrongKey)");
}

TEST_F(TransferClientTest, UnsignedFirstMessageIsRefused) {
  Outcome outcome = SignedAxfr(Parts(ZoneInThree(), {Sign::kNo, Sign::kYes, Sign::kYes}));
  ExpectRefused(outcome, "(Unsigned)");
}

// NOTAUTH with an unsigned TSIG whose Error is BADKEY (RFC 8945 section 5.3.2), no question,
// as NSD answers a request signed with a key it does not know.
TEST_F(TransferClientTest, PrimarysBadKeyErrorIsRefusedNamingIt) {
  ScriptedTcpServer server([](int fd, const Bytes& request) {
    auto view = dns::MessageView::Parse(request);
    if (!view) return;
    dns::MessageBuilder builder(512);
    builder.header().id = view->header().id;
    builder.header().qr = true;
    builder.header().rcode = static_cast<uint8_t>(dns::Rcode::NOTAUTH);
    Bytes wire = std::move(builder).Finish().value_or(Bytes{});
    dns::rdata::TSIG error;
    error.algorithm = crypto::TsigAlgorithmName(crypto::TsigAlgorithm::kHmacSha256);
    error.time_signed.value = static_cast<uint64_t>(kNow);
    error.original_id = view->header().id;
    error.error = static_cast<uint16_t>(dns::Rcode::BADKEY);
    wire = crypto::AppendTsigRecord(wire, N("xfr.corp.example."), error).value_or(wire);
    if (io::testing::WriteFramed(fd, wire)) io::testing::WaitForClose(fd);
  });
  Outcome outcome = Run(server.endpoint(), Request(&key_));
  ExpectRefused(outcome, "(ServerError): the primary answered TSIG error BADKEY");
}

// A genuine, correctly chained message that belongs to another transfer (its ID, and the
// Original ID it was signed with, differ from the request's).
TEST_F(TransferClientTest, MessageWithAnotherIdIsRefused) {
  std::vector<Part> parts = Parts(ZoneInThree(), {});
  parts[1].id_offset = 1;
  ExpectRefused(SignedAxfr(std::move(parts)), "another ID");
}

// The reader's rule holds under a valid signature: the key vouches for the primary, not for
// what the primary may publish for us.
TEST_F(TransferClientTest, RecordOutsideTheZoneInASignedStreamIsRefused) {
  std::vector<std::vector<Record>> chunks = ZoneInThree();
  chunks[1].push_back(Record{N("victim.example."), RrType::A, dns::RrClass::IN, 60, {6, 6, 6, 6}});
  ExpectRefused(SignedAxfr(Parts(chunks, {})), "outside the zone: victim.example.");
}

// RFC 1995 section 3: the IXFR request carries the copy's SOA in the authority section, and
// it is signed; the primary's two difference sequences come back as incremental.
TEST_F(TransferClientTest, IxfrRequestIsSignedAndCarriesTheCurrentSoa) {
  std::vector<Record> current = R(Soa(1) + "@ NS ns\nns A 192.0.2.1\nwww A 192.0.2.2\n");
  std::vector<std::vector<Record>> chunks = {
      R(Soa(3) + Soa(1) + "www A 192.0.2.2\n" + Soa(2) + "www A 192.0.2.3\n"),
      R(Soa(2) + "www A 192.0.2.3\n" + Soa(3) + "www A 192.0.2.4\nmail A 192.0.2.5\n" + Soa(3))};
  ScriptedTcpServer server(Serve(PrimaryScript{&key_, Parts(chunks, {})}, seen_));
  TransferRequest request = Request(&key_, RrType::IXFR);
  request.current_soa = current.front();
  Outcome outcome = Run(server.endpoint(), std::move(request));
  server.Join();
  EXPECT_EQ(seen_.tsig, crypto::TsigVerdict::kOk);
  ASSERT_EQ(seen_.questions.size(), 1u);
  EXPECT_EQ(seen_.questions.front().qtype, RrType::IXFR);
  EXPECT_EQ(seen_.questions.front().qname, N("corp.example."));
  EXPECT_EQ(seen_.authority, std::vector<Record>{current.front()});
  ASSERT_TRUE(outcome) << outcome.error();
  EXPECT_EQ(outcome->kind, dns::TransferKind::kIncremental);
  EXPECT_EQ(outcome->serial, 3u);
  ASSERT_EQ(outcome->diffs.size(), 2u);
  auto applied = dns::ApplyZoneDiffs(current, *outcome);
  ASSERT_TRUE(applied) << applied.error();
  EXPECT_EQ(applied->size(), 5u);  // SOA 3, NS, ns A, www A .4, mail A.
}

TEST_F(TransferClientTest, UnsignedAxfrWithoutAKeyIsTaken) {
  ScriptedTcpServer server(Serve(PrimaryScript{nullptr, Parts(ZoneInThree(), {})}, seen_));
  Outcome outcome = Run(server.endpoint(), Request(nullptr));
  server.Join();
  EXPECT_EQ(seen_.tsig, crypto::TsigVerdict::kUnsigned);  // No TSIG on the request.
  EXPECT_TRUE(seen_.authority.empty());
  ASSERT_TRUE(outcome) << outcome.error();
  EXPECT_EQ(outcome->records.size(), 5u);
}

TEST_F(TransferClientTest, PrimaryClosingMidTransferNamesTheConnection) {
  std::vector<Part> parts = Parts(ZoneInThree(), {});
  parts.pop_back();
  ScriptedTcpServer server(Serve(PrimaryScript{&key_, std::move(parts), /*hang_up=*/true}, seen_));
  ExpectRefused(Run(server.endpoint(), Request(&key_)), "the connection failed");
}

TEST_F(TransferClientTest, SilentPrimaryTimesOut) {
  ScriptedTcpServer server([](int fd, const Bytes&) { io::testing::WaitForClose(fd); });
  TransferRequest request = Request(&key_);
  request.idle_ms = 200;
  ExpectRefused(Run(server.endpoint(), std::move(request)), "timed out");
}

// A signed first message, then `unsigned_run` unsigned ones of one record each, then the
// closing SOA signed.
std::vector<Part> LongUnsignedRun(size_t unsigned_run) {
  std::vector<Part> parts = {Part{R(Soa(7) + "@ NS ns\n"), Sign::kYes, 0}};
  for (size_t i = 0; i < unsigned_run; ++i) {
    parts.push_back(Part{R("h" + std::to_string(i) + " A 192.0.2.9\n"), Sign::kNo, 0});
  }
  parts.push_back(Part{R(Soa(7)), Sign::kYes, 0});
  return parts;
}

// RFC 8945 section 5.3.1: at most 99 unsigned messages in a row; the 100th means a hijack.
TEST_F(TransferClientTest, HundredUnsignedMessagesInARowAreRefused) {
  ExpectRefused(SignedAxfr(LongUnsignedRun(100)), "message 101 of the transfer refused (TooManyUnsigned)");
}

TEST_F(TransferClientTest, NinetyNineUnsignedMessagesInARowAreTaken) {
  Outcome outcome = SignedAxfr(LongUnsignedRun(99));
  ASSERT_TRUE(outcome) << outcome.error();
  EXPECT_EQ(outcome->records.size(), 2u + 99u);
}

}  // namespace
}  // namespace redoubt::resolver
