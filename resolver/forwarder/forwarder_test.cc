#include "resolver/forwarder/forwarder.h"

#include <gtest/gtest.h>

#include "resolver/testing/fake_network.h"

namespace redoubt::resolver {
namespace {

using dns::Name;
using dns::RrType;

Name N(const char* text) { return *Name::FromText(text); }
Endpoint At(const char* address) { return Endpoint{*IpAddress::Parse(address), 53}; }

class ForwarderTest : public ::testing::Test {
 protected:
  NameStep Ask(Forwarder& forwarder, const char* name, QueryLimits limits = {}) {
    RequestContext context = RequestContext::ForClient({N(name), RrType::A, dns::RrClass::IN}, {},
                                                       limits, {}, clock_.Now());
    NameStep out;
    Detach([](Forwarder& f, NameStep& step, RequestContext ctx) -> Task<void> {
      dns::Question question = ctx.question();
      step = co_await f.ResolveName(std::move(ctx), std::move(question));
    }(forwarder, out, std::move(context)));
    return out;
  }

  testing::FakeNetwork net_;
  SimulatedClock clock_;
};

TEST_F(ForwarderTest, LongestForwardZoneWins) {
  Forwarder forwarder(net_, clock_, {{N("corp."), {At("10.0.9.1")}}, {N("eng.corp."), {At("10.0.9.2")}}});
  EXPECT_EQ(forwarder.ZoneFor(N("www.eng.corp."))->name, N("eng.corp."));
  EXPECT_EQ(forwarder.ZoneFor(N("www.corp."))->name, N("corp."));
  EXPECT_EQ(forwarder.ZoneFor(N("www.example.")), nullptr);
  EXPECT_EQ(forwarder.ZoneFor(N("xcorp.")), nullptr);  // Label boundaries, not string suffixes.
}

TEST_F(ForwarderTest, RefusingOrSilentForwarderMovesToTheNextWithRd) {
  net_.Refuse("10.0.9.1");
  net_.Silence("10.0.9.2");
  net_.Serve("10.0.9.3", "corp.", "@ SOA ns h 1 2 3 4 300\nwww A 192.0.2.99\n");
  Forwarder forwarder(net_, clock_, {{N("corp."), {At("10.0.9.1"), At("10.0.9.2"), At("10.0.9.3")}}});
  NameStep step = Ask(forwarder, "www.corp.");
  ASSERT_TRUE(step.ok);
  EXPECT_EQ(step.reply.kind, ReplyKind::kAnswer);
  EXPECT_EQ(net_.log(), (std::vector<std::string>{"10.0.9.1 www.corp. A +rd", "10.0.9.2 www.corp. A +rd",
                                                  "10.0.9.3 www.corp. A +rd"}));
}

TEST_F(ForwarderTest, NoForwarderAnsweringIsNoReachableAuthority) {
  net_.Silence("10.0.9.1");
  Forwarder forwarder(net_, clock_, {{N("corp."), {At("10.0.9.1")}}});
  NameStep step = Ask(forwarder, "www.corp.");
  EXPECT_FALSE(step.ok);
  EXPECT_EQ(step.ede, dns::EdeCode::kNoReachableAuthority);
}

TEST_F(ForwarderTest, TimeoutsStayInsideTheDeadlineAndTheBudgetIsSpent) {
  net_.Silence("10.0.9.1");
  net_.Silence("10.0.9.2");
  Forwarder forwarder(net_, clock_, {{N("corp."), {At("10.0.9.1"), At("10.0.9.2")}}});
  QueryLimits limits;
  limits.deadline_ms = 700;
  limits.upstream_queries = 1;
  NameStep step = Ask(forwarder, "www.corp.", limits);
  EXPECT_FALSE(step.ok);
  ASSERT_EQ(net_.timeouts().size(), 1u);  // The budget allowed one query.
  EXPECT_LE(net_.timeouts()[0], 700u);
}

// An upstream whose every reply fails TSIG verification, recording the key it was asked to use.
class RefusingTsigUpstream final : public Upstream {
 public:
  Task<UpstreamReply> Ask(Endpoint, dns::Question, AskOptions options) override {
    keys.push_back(options.tsig_key);
    UpstreamReply reply;
    reply.status = UpstreamReply::Status::kBadReply;
    reply.tsig_failure = "TSIG: the reply's MAC does not verify";
    co_return reply;
  }
  std::vector<std::optional<Name>> keys;
};

// RFC 8945 section 5.3: a zone with a key asks with it, and when no reply verifies the client
// gets SERVFAIL with EDE 22 saying why, not a silent timeout.
TEST_F(ForwarderTest, KeyedZoneAsksWithItsKeyAndReportsTheTsigFailure) {
  RefusingTsigUpstream upstream;
  Forwarder forwarder(upstream, clock_, {{N("corp."), {At("10.0.9.1"), At("10.0.9.2")}, N("fwd.example.")},
                                         {N("open."), {At("10.0.9.3")}}});
  NameStep step = Ask(forwarder, "www.corp.");
  EXPECT_FALSE(step.ok);
  EXPECT_EQ(step.ede, dns::EdeCode::kNoReachableAuthority);
  EXPECT_NE(step.why.find("MAC does not verify"), std::string::npos) << step.why;
  ASSERT_EQ(upstream.keys.size(), 2u);  // Both servers tried, both with the key.
  EXPECT_EQ(upstream.keys[0], N("fwd.example."));
  (void)Ask(forwarder, "www.open.");
  ASSERT_EQ(upstream.keys.size(), 3u);
  EXPECT_FALSE(upstream.keys[2].has_value());  // A zone without a key asks unsigned.
}

}  // namespace
}  // namespace redoubt::resolver
