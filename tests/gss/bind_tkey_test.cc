// GSS-TSIG against BIND named (specs/gss-tsig.md section 6): a TKEY negotiation (RFC 2930
// section 4.1, RFC 3645 section 3.1.1) with the MIT initiator over TCP, then an ordinary QUERY
// signed with the negotiated key. Questions these tests answer (tests/integration/lib/
// kerberos.sh keeps the answers): does BIND accept a context for an RFC 5179 three-part
// principal present in its keytab, and does it sign its reply to a signed QUERY? The server
// (REDOUBT_GSS_BIND_SERVER "address:port", zone REDOUBT_GSS_BIND_ZONE) and the realm come from
// tests/integration/gss_context.sh; without them the tests are skipped.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <optional>
#include <string>

#include "crypto/gss_context.h"
#include "crypto/tsig.h"
#include "net/dns/message_builder.h"
#include "net/dns/message_view.h"
#include "net/dns/rdata.h"

namespace redoubt::crypto {
namespace {

using Bytes = std::vector<uint8_t>;

std::string Env(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? std::string() : std::string(value);
}

uint64_t Now() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::seconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count());
}

// One DNS exchange over TCP (RFC 1035 section 4.2.2), 5 s timeouts; nullopt on any failure.
std::optional<Bytes> ExchangeTcp(const std::string& server, const Bytes& query) {
  size_t colon = server.rfind(':');
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(std::atoi(server.substr(colon + 1).c_str())));
  if (inet_pton(AF_INET, server.substr(0, colon).c_str(), &address.sin_addr) != 1) return {};
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return {};
  timeval timeout{5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof(timeout));
  std::optional<Bytes> reply;
  Bytes framed{static_cast<uint8_t>(query.size() >> 8), static_cast<uint8_t>(query.size())};
  framed.insert(framed.end(), query.begin(), query.end());
  auto read_all = [fd](uint8_t* p, size_t n) {
    while (n > 0) {
      ssize_t got = read(fd, p, n);
      if (got <= 0) return false;
      p += got;
      n -= static_cast<size_t>(got);
    }
    return true;
  };
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0 &&
      write(fd, framed.data(), framed.size()) == static_cast<ssize_t>(framed.size())) {
    uint8_t length[2];
    if (read_all(length, 2)) {
      Bytes body(static_cast<size_t>(length[0] << 8 | length[1]));
      if (read_all(body.data(), body.size())) reply = std::move(body);
    }
  }
  close(fd);
  return reply;
}

dns::Name N(std::string_view text) { return dns::Name::FromText(text).value(); }

// A TKEY query, mode 3 (GSS-API negotiation), the token in the additional section's TKEY
// record whose owner is the question name (RFC 2930 section 4; BIND looks for it there).
Bytes TkeyQuery(const dns::Name& key_name, const Bytes& token) {
  dns::MessageBuilder builder(65535);
  builder.header().id = static_cast<uint16_t>(Now() & 0xFFFF);
  EXPECT_TRUE(builder.AddQuestion(key_name, dns::RrType::TKEY, dns::RrClass::ANY).has_value());
  dns::rdata::TKEY tkey;
  tkey.algorithm = N("gss-tsig.");
  tkey.inception.value = static_cast<uint32_t>(Now());
  tkey.expiration.value = static_cast<uint32_t>(Now() + 3600);
  tkey.mode = 3;
  tkey.key.bytes = token;
  EXPECT_TRUE(builder.AddRecord(dns::Section::kAdditional, key_name, dns::RrClass::ANY, 0,
                                dns::Rdata(tkey))
                  .has_value());
  return std::move(builder).Finish().value();
}

struct Negotiated {
  std::shared_ptr<GssInitiator> initiator;
  TsigKey key;
  std::string failure;  // Empty on success.
  uint16_t tkey_error = 0;
};

// The client loop of RFC 3645 section 3.1.1 (specs/gss-tsig.md section 2.1) against BIND.
// A key name of its own for each negotiation: BIND answers BADNAME for the name of a context
// already established (RFC 3645 section 3.1.2), even in another test.
dns::Name NewKeyName() {
  static int counter = 0;
  return N(std::to_string(Now()) + "-" + std::to_string(++counter) + ".sig-ns1.corp.example.");
}

Negotiated Negotiate(const std::string& server, const std::string& target,
                     const dns::Name& key_name) {
  Negotiated out;
  auto initiator = NewKerberosInitiator(
      {Env("REDOUBT_GSS_CLIENT_KEYTAB"), "", Env("REDOUBT_GSS_CLIENT_PRINCIPAL")}, target);
  if (!initiator) return {nullptr, {}, initiator.error()};
  out.initiator = std::move(initiator).value();
  out.key.name = key_name;
  out.key.algorithm = TsigAlgorithm::kGssTsig;
  out.key.mic_engine = out.initiator;
  auto fail = [&out](std::string why) {
    out.failure = std::move(why);
    return out;
  };
  GssStep step = out.initiator->Step({});
  for (int round = 0; round < 10; ++round) {
    if (step.status == GssStepStatus::kFailed) return fail(step.error);
    std::optional<Bytes> reply = ExchangeTcp(server, TkeyQuery(out.key.name, step.output_token));
    if (!reply) return fail("no TKEY reply");
    auto view = dns::MessageView::Parse(*reply);
    if (!view || view->header().rcode != 0) return fail("TKEY reply not NOERROR");
    std::optional<dns::rdata::TKEY> tkey;
    for (const auto& record : view->section(dns::Section::kAnswer)) {
      auto rdata = view->TypedRdata(record);
      if (rdata && std::holds_alternative<dns::rdata::TKEY>(*rdata)) {
        tkey = std::get<dns::rdata::TKEY>(*rdata);
      }
    }
    if (!tkey) return fail("no TKEY in the answer");
    out.tkey_error = tkey->error;
    if (tkey->error != 0) return fail("TKEY error " + std::to_string(tkey->error));
    if (step.status == GssStepStatus::kContinue) step = out.initiator->Step(tkey->key.bytes);
    if (step.status == GssStepStatus::kFailed) return fail(step.error);
    if (step.status == GssStepStatus::kComplete) {
      // The server's last reply is signed with the new context, without a request MAC (RFC
      // 3645 section 3.1.3); a token still to send goes out first, and its reply is signed.
      if (view->tsig() == nullptr && !step.output_token.empty()) continue;
      if (view->tsig() == nullptr) return fail("the final TKEY reply is unsigned");
      TsigVerification check = VerifyTsigReply(*reply, out.key, {}, Now());
      if (check.verdict != TsigVerdict::kOk) {
        return fail("final TKEY reply: " + std::string(TsigVerdictName(check.verdict)));
      }
      return out;
    }
  }
  return fail("more than 10 rounds");
}

class BindTkey : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = Env("REDOUBT_GSS_BIND_SERVER");
    zone_ = Env("REDOUBT_GSS_BIND_ZONE");
    realm_ = Env("REDOUBT_GSS_REALM");
    if (server_.empty() || zone_.empty() || realm_.empty()) {
      GTEST_SKIP() << "no GSS-TSIG named: run tests/integration/gss_context.sh";
    }
  }
  // A QUERY for the zone's SOA signed with the key; the verdict on BIND's reply.
  TsigVerdict SignedQuery(const Negotiated& negotiated, dns::Rcode* rcode) {
    dns::QueryOptions options;
    options.id = 4242;
    options.recursion_desired = false;
    Bytes query = dns::BuildQuery(N(zone_), dns::RrType::SOA, dns::RrClass::IN, options).value();
    TsigSignOptions sign;
    sign.time_signed = Now();
    TsigSigned signed_query = SignTsig(query, negotiated.key, sign).value();
    std::optional<Bytes> reply = ExchangeTcp(server_, signed_query.message);
    if (!reply) return TsigVerdict::kMalformed;
    TsigVerification check = VerifyTsigReply(*reply, negotiated.key, signed_query.mac, Now());
    if (check.verdict == TsigVerdict::kOk) {
      *rcode = static_cast<dns::Rcode>(dns::MessageView::Parse(check.message).value().header().rcode);
    }
    return check.verdict;
  }
  std::string server_, zone_, realm_;
};

TEST_F(BindTkey, HostBasedPrincipalNegotiatesAndSignedQueryGetsSignedReply) {
  Negotiated negotiated = Negotiate(server_, "DNS/ns1.corp.example@" + realm_, NewKeyName());
  ASSERT_TRUE(negotiated.failure.empty()) << negotiated.failure;
  dns::Rcode rcode = dns::Rcode::SERVFAIL;
  EXPECT_EQ(SignedQuery(negotiated, &rcode), TsigVerdict::kOk);
  EXPECT_EQ(rcode, dns::Rcode::NOERROR);
}

TEST_F(BindTkey, Rfc5179ThreePartPrincipalNegotiatesAndSignedQueryGetsSignedReply) {
  Negotiated negotiated = Negotiate(server_, "DNS/ns1.corp.example/corp.example@" + realm_, NewKeyName());
  ASSERT_TRUE(negotiated.failure.empty()) << negotiated.failure;
  dns::Rcode rcode = dns::Rcode::SERVFAIL;
  EXPECT_EQ(SignedQuery(negotiated, &rcode), TsigVerdict::kOk);
  EXPECT_EQ(rcode, dns::Rcode::NOERROR);
}

TEST_F(BindTkey, PrincipalNotInNamedsKeytabIsRefused) {
  // DNS/ns2.corp.example exists in the KDC but not in named's keytab.
  Negotiated negotiated = Negotiate(server_, "DNS/ns2.corp.example@" + realm_, NewKeyName());
  EXPECT_FALSE(negotiated.failure.empty());
  EXPECT_EQ(negotiated.tkey_error, 17) << negotiated.failure;  // BADKEY (RFC 3645 3.1.2).
}

TEST_F(BindTkey, NameOfAnEstablishedContextIsRefusedWithBadname) {
  dns::Name key_name = NewKeyName();
  Negotiated first = Negotiate(server_, "DNS/ns1.corp.example@" + realm_, key_name);
  ASSERT_TRUE(first.failure.empty()) << first.failure;
  Negotiated again = Negotiate(server_, "DNS/ns1.corp.example@" + realm_, key_name);
  EXPECT_EQ(again.tkey_error, 20) << again.failure;  // BADNAME (RFC 2930 section 4.1).
  dns::Rcode rcode = dns::Rcode::SERVFAIL;
  EXPECT_EQ(SignedQuery(first, &rcode), TsigVerdict::kOk);  // The first context still works.
}

}  // namespace
}  // namespace redoubt::crypto
