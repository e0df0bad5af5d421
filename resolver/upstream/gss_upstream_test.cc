// GSS-TSIG towards a forward-zone server (RFC 3645; RFC 5178), end to end over loopback
// sockets: a real NetworkUpstream negotiates by TKEY over TCP with a fake server that plays a
// GSS acceptor (resolver/gss/testing/scripted_gss.h stands in for Kerberos), then signs its
// queries with the context. The real Kerberos path is tests/integration/gss_tsig.sh.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "net/dns/message_builder.h"
#include "net/dns/rdata/transaction.h"
#include "net/io/listener.h"
#include "resolver/gss/testing/scripted_gss.h"
#include "resolver/upstream/loopback_server_test_util.h"
#include "resolver/upstream/upstream.h"

namespace redoubt::resolver {
namespace {

using dns::Name;
using dns::RrType;
using gss::testing::FakeMicEngine;
using gss::testing::ScriptedGssInitiator;

constexpr int64_t kNow = 1'700'000'000;

// Both ends of a context agree on a session byte derived from the principal (a stand-in for the
// Kerberos session key of a ticket for that principal).
uint8_t SessionOf(const std::string& principal) {
  return static_cast<uint8_t>(std::hash<std::string>{}(principal) % 250 + 1);
}

// A forwarder holding the keys of `principals` (its keytab): it accepts a context for those
// only, keeps contexts by key name until Restart(), and answers queries signed with one.
struct FakeGssServer {
  const Clock* clock = nullptr;
  uint64_t Now() const { return static_cast<uint64_t>(clock->WallSeconds()); }
  std::set<std::string> principals;
  std::map<std::string, uint8_t> contexts;  // Key name (text) to session.
  int tkey_queries = 0;
  int deletions = 0;
  std::vector<std::string> seen;  // "tkey P", "signed", "badkey", "delete".

  void Restart() { contexts.clear(); }

  std::vector<uint8_t> Reply(std::span<const uint8_t> query) {
    auto view = dns::MessageView::Parse(query);
    if (!view || view->questions().size() != 1) return {};
    if (view->questions().front().qtype == RrType::TKEY) return Tkey(*view, query);
    const dns::RecordView* tsig = view->tsig();
    if (tsig == nullptr) return {};
    auto found = contexts.find(tsig->owner.ToText());
    if (found == contexts.end()) {
      seen.push_back("badkey");
      return BadKey(*view, tsig->owner);
    }
    crypto::TsigKey key = gss::testing::GssKey(std::make_shared<FakeMicEngine>(found->second), tsig->owner);
    auto request = crypto::VerifyTsigReply(query, key, {}, Now());
    if (request.verdict != crypto::TsigVerdict::kOk) return {};
    seen.push_back("signed");
    crypto::TsigSignOptions sign;
    sign.time_signed = Now();
    sign.request_mac = request.mac;
    return crypto::SignTsig(Answer(*view), key, sign).value().message;
  }

 private:
  std::vector<uint8_t> Tkey(const dns::MessageView& view, std::span<const uint8_t> query) {
    ++tkey_queries;
    const dns::RecordView* record = nullptr;
    for (const auto& r : view.section(dns::Section::kAdditional)) {
      if (r.type == RrType::TKEY) record = &r;
    }
    if (record == nullptr) return {};
    auto tkey = std::get<dns::rdata::TKEY>(view.TypedRdata(*record).value());
    std::string key_name = record->owner.ToText();
    gss::testing::TkeyReply reply;
    reply.time_signed = Now();
    if (tkey.mode == dns::rdata::kTkeyModeDeletion) {
      seen.push_back("delete");
      ++deletions;
      auto found = contexts.find(key_name);
      reply.mode = dns::rdata::kTkeyModeDeletion;
      std::vector<uint8_t> unsigned_reply = gss::testing::MakeTkeyReply(query, reply);
      if (found == contexts.end()) return unsigned_reply;
      // Signed with the context being deleted, chained to the request's MAC.
      crypto::TsigKey key = gss::testing::GssKey(std::make_shared<FakeMicEngine>(found->second), record->owner);
      contexts.erase(found);
      auto request = crypto::VerifyTsigReply(query, key, {}, Now());
      crypto::TsigSignOptions sign;
      sign.time_signed = Now();
      sign.request_mac = request.mac;
      return crypto::SignTsig(unsigned_reply, key, sign).value().message;
    }
    std::string principal(tkey.key.bytes.begin(), tkey.key.bytes.end());
    seen.push_back("tkey " + principal);
    if (!principals.contains(principal)) {
      reply.error = static_cast<uint16_t>(dns::Rcode::BADKEY);  // Accept failed: no such key.
      return gss::testing::MakeTkeyReply(query, reply);
    }
    contexts[key_name] = SessionOf(principal);
    reply.token = {'o', 'k'};
    reply.sign_with = std::make_shared<FakeMicEngine>(SessionOf(principal));
    return gss::testing::MakeTkeyReply(query, reply);
  }

  static std::vector<uint8_t> Answer(const dns::MessageView& query) {
    const dns::Question& q = query.questions().front();
    dns::MessageBuilder builder(65535);
    builder.header().id = query.header().id;
    builder.header().qr = builder.header().rd = builder.header().ra = true;
    (void)builder.AddQuestion(q.qname, q.qtype, q.qclass);
    const std::vector<uint8_t> address = {192, 0, 2, 53};
    (void)builder.AddRecord(dns::Section::kAnswer, q.qname, RrType::A, dns::RrClass::IN, 60, address);
    return std::move(builder).Finish().value();
  }

  // RFC 8945 section 5.2: an unknown key gets NOTAUTH with an unsigned TSIG error BADKEY.
  std::vector<uint8_t> BadKey(const dns::MessageView& query, const Name& key_name) const {
    dns::MessageBuilder builder(512);
    builder.header().id = query.header().id;
    builder.header().qr = true;
    builder.header().rcode = static_cast<uint8_t>(dns::Rcode::NOTAUTH);
    (void)builder.AddQuestion(query.questions().front().qname, query.questions().front().qtype);
    auto wire = std::move(builder).Finish().value();
    dns::rdata::TSIG error;
    error.algorithm = *Name::FromText("gss-tsig.");
    error.time_signed.value = Now();
    error.original_id = query.header().id;
    error.error = static_cast<uint16_t>(dns::Rcode::BADKEY);
    return crypto::AppendTsigRecord(wire, key_name, error).value();
  }
};

// A Kerberos stand-in: initiators only for principals the "KDC" knows; the first token names
// the principal, and the acceptor's answer completes the context.
GssInitiatorFactory FakeKdc(std::set<std::string> known, int* made) {
  return [known = std::move(known), made](const crypto::GssCredentials&, const std::string& principal,
                                          crypto::GssMechanism)
             -> Result<std::unique_ptr<crypto::GssInitiator>, std::string> {
    if (!known.contains(principal)) {
      return Unexpected("Server " + principal + " not found in Kerberos database");
    }
    ++*made;
    auto initiator = std::make_unique<ScriptedGssInitiator>(SessionOf(principal));
    initiator->Then(crypto::GssStepStatus::kContinue, std::vector<uint8_t>(principal.begin(), principal.end()));
    initiator->Then(crypto::GssStepStatus::kComplete);
    return std::unique_ptr<crypto::GssInitiator>(std::move(initiator));
  };
}

const char* kDomainPrincipal = "DNS/ns1.corp.example/corp.example@CORP.EXAMPLE";
const char* kHostPrincipal = "DNS/ns1.corp.example@CORP.EXAMPLE";

FakeGssServer ServerOn(const Clock* clock) {
  FakeGssServer server;
  server.clock = clock;
  return server;
}

class GssUpstreamTest : public ::testing::Test {
 protected:
  // Runs `body` with a NetworkUpstream asking the fake server on a fresh loop.
  void Run(const std::function<Task<void>(NetworkUpstream&, Endpoint)>& body) {
    uv_loop_t loop;
    uv_loop_init(&loop);
    Detach([](GssUpstreamTest* self, uv_loop_t* l,
              std::function<Task<void>(NetworkUpstream&, Endpoint)> run) -> Task<void> {
      io::ListenerStats listener_stats;
      io::QueryHandler handler = [self](std::vector<uint8_t> q, io::QueryContext) -> Task<std::vector<uint8_t>> {
        co_return self->server_.Reply(q);
      };
      testing::LoopbackServer listeners = testing::OpenLoopbackServer(l, handler, &listener_stats);
      if (!listeners.tcp) co_return;
      NetworkUpstreamOptions options;
      options.clock = &self->clock_;
      options.checksum = false;
      options.gss_zones = {GssZoneSettings{*Name::FromText("corp.example."), {}, "CORP.EXAMPLE", crypto::GssMechanism::kSpnego, 3600}};
      options.gss_factory = FakeKdc(self->kdc_, &self->initiators_);
      options.log = [self](const std::string& line) { self->log_.push_back(line); };
      NetworkUpstream upstream(l, &self->stats_, options);
      co_await run(upstream, listeners.udp->local());
      upstream.Shutdown();
      listeners.Close();
    }(this, &loop, body));
    uv_run(&loop, UV_RUN_DEFAULT);
    uv_loop_close(&loop);
  }

  static AskOptions To(const char* host, bool host_based_allowed) {
    AskOptions ask;
    ask.timeout_ms = 300;
    ask.recursion_desired = true;
    ask.gss = GssTarget{*Name::FromText("corp.example."), host, host_based_allowed};
    return ask;
  }
  static Task<UpstreamReply> AskWww(NetworkUpstream& upstream, Endpoint server, AskOptions ask) {
    dns::Question question{*Name::FromText("www.corp.example."), RrType::A, dns::RrClass::IN};
    UpstreamReply reply = co_await upstream.Ask(server, std::move(question), std::move(ask));
    co_return reply;
  }

  SimulatedClock clock_{kNow};
  FakeGssServer server_ = ServerOn(&clock_);
  std::set<std::string> kdc_ = {kDomainPrincipal, kHostPrincipal};
  int initiators_ = 0;
  UpstreamStats stats_;
  std::vector<std::string> log_;
};

TEST_F(GssUpstreamTest, DomainBasedContextIsNegotiatedOnceAndSignsEveryQuery) {
  server_.principals = {kDomainPrincipal};
  std::vector<UpstreamReply> replies;
  Run([&](NetworkUpstream& upstream, Endpoint server) -> Task<void> {
    for (int i = 0; i < 3; ++i) replies.push_back(co_await AskWww(upstream, server, To("ns1.corp.example", false)));
  });
  ASSERT_EQ(replies.size(), 3u);
  for (const UpstreamReply& reply : replies) {
    EXPECT_EQ(reply.status, UpstreamReply::Status::kReply) << reply.tsig_failure;
  }
  EXPECT_EQ(server_.seen, (std::vector<std::string>{std::string("tkey ") + kDomainPrincipal, "signed", "signed",
                                                    "signed"}));
  EXPECT_EQ(stats_.gss.negotiations, 1u);
  EXPECT_EQ(stats_.gss.host_based, 0u);
  EXPECT_EQ(stats_.tsig_verified, 3u);
  ASSERT_FALSE(log_.empty());
  EXPECT_NE(log_[0].find(std::string("established with 127.0.0.1")), std::string::npos) << log_[0];
}

// RFC 5178: a server holding only a host key proves who it is, not that it may serve the zone.
TEST_F(GssUpstreamTest, HostKeyOnlyServerIsRefusedUnlessTheHostIsAllowListed) {
  server_.principals = {kHostPrincipal};
  std::vector<UpstreamReply> replies;
  Run([&](NetworkUpstream& upstream, Endpoint server) -> Task<void> {
    replies.push_back(co_await AskWww(upstream, server, To("ns1.corp.example", false)));
    replies.push_back(co_await AskWww(upstream, server, To("ns1.corp.example", false)));
  });
  ASSERT_EQ(replies.size(), 2u);
  EXPECT_EQ(replies[0].status, UpstreamReply::Status::kBadReply);
  EXPECT_NE(replies[0].tsig_failure.find("is not authorised for corp.example"), std::string::npos)
      << replies[0].tsig_failure;
  EXPECT_NE(replies[0].tsig_failure.find("BADKEY"), std::string::npos) << replies[0].tsig_failure;
  // Remembered: the second query does not negotiate again, and nothing was ever sent signed.
  EXPECT_EQ(server_.seen, (std::vector<std::string>{std::string("tkey ") + kDomainPrincipal}));
  EXPECT_EQ(stats_.gss.unauthorised, 1u);
  EXPECT_EQ(stats_.gss.negotiations, 0u);
}

TEST_F(GssUpstreamTest, AllowListedHostFallsBackToItsHostBasedName) {
  server_.principals = {kHostPrincipal};
  UpstreamReply reply;
  Run([&](NetworkUpstream& upstream, Endpoint server) -> Task<void> {
    reply = co_await AskWww(upstream, server, To("ns1.corp.example", true));
  });
  EXPECT_EQ(reply.status, UpstreamReply::Status::kReply) << reply.tsig_failure;
  EXPECT_EQ(server_.seen, (std::vector<std::string>{std::string("tkey ") + kDomainPrincipal,
                                                    std::string("tkey ") + kHostPrincipal, "signed"}));
  EXPECT_EQ(stats_.gss.host_based, 1u);
}

TEST_F(GssUpstreamTest, UnknownPrincipalFailsWithTheKdcsWordsAndSendsNothing) {
  kdc_ = {};
  UpstreamReply reply;
  Run([&](NetworkUpstream& upstream, Endpoint server) -> Task<void> {
    reply = co_await AskWww(upstream, server, To("ns1.corp.example", false));
  });
  EXPECT_EQ(reply.status, UpstreamReply::Status::kBadReply);
  EXPECT_NE(reply.tsig_failure.find("not found in Kerberos database"), std::string::npos) << reply.tsig_failure;
  EXPECT_TRUE(server_.seen.empty());
  EXPECT_EQ(initiators_, 0);
}

// A restarted server forgot the context: BADKEY, one renegotiation, and the answer.
TEST_F(GssUpstreamTest, ServerThatForgotTheContextIsRenegotiatedOnce) {
  server_.principals = {kDomainPrincipal};
  std::vector<UpstreamReply> replies;
  Run([&](NetworkUpstream& upstream, Endpoint server) -> Task<void> {
    replies.push_back(co_await AskWww(upstream, server, To("ns1.corp.example", false)));
    server_.Restart();
    replies.push_back(co_await AskWww(upstream, server, To("ns1.corp.example", false)));
  });
  ASSERT_EQ(replies.size(), 2u);
  EXPECT_EQ(replies[1].status, UpstreamReply::Status::kReply) << replies[1].tsig_failure;
  EXPECT_EQ(server_.tkey_queries, 2);
  EXPECT_EQ(stats_.gss.renegotiations, 1u);
  EXPECT_EQ(stats_.gss.negotiations, 2u);
  // The unsigned BADKEY over UDP could be forged: it is not acted on; the one over TCP is.
  EXPECT_EQ(std::count(server_.seen.begin(), server_.seen.end(), "badkey"), 2);
}

TEST_F(GssUpstreamTest, ContextsAreDeletedAtShutdownWithASignedMode5Tkey) {
  server_.principals = {kDomainPrincipal};
  Run([&](NetworkUpstream& upstream, Endpoint server) -> Task<void> {
    (void)co_await AskWww(upstream, server, To("ns1.corp.example", false));
    EXPECT_EQ(upstream.gss_contexts(), 1u);
    co_await upstream.DeleteGssContexts(300);
    EXPECT_EQ(upstream.gss_contexts(), 0u);
  });
  EXPECT_EQ(server_.deletions, 1);
  EXPECT_TRUE(server_.contexts.empty());
  EXPECT_EQ(stats_.gss.deletions, 1u);
}

// The context is renewed shortly before it ends (its Kerberos ticket's lifetime).
TEST_F(GssUpstreamTest, ContextNearItsEndIsRenewed) {
  server_.principals = {kDomainPrincipal};
  Run([&](NetworkUpstream& upstream, Endpoint server) -> Task<void> {
    (void)co_await AskWww(upstream, server, To("ns1.corp.example", false));
    clock_.Advance(std::chrono::seconds(36000 - 30));  // Inside the last minute.
    UpstreamReply reply = co_await AskWww(upstream, server, To("ns1.corp.example", false));
    EXPECT_EQ(reply.status, UpstreamReply::Status::kReply) << reply.tsig_failure;
  });
  // The replaced context was deleted at the server (best effort, in the background).
  EXPECT_EQ(server_.tkey_queries, 3);
  EXPECT_EQ(server_.deletions, 1);
  EXPECT_EQ(server_.contexts.size(), 1u);
  EXPECT_EQ(stats_.gss.renegotiations, 1u);
}

}  // namespace
}  // namespace redoubt::resolver
