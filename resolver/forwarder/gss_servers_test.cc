// Which servers a gss-tsig forward zone asks, and as which GSS targets (RFC 5178): configured
// ones as allow-listed, discovered ones domain-based unless the host-based list names them.
#include "resolver/forwarder/gss_servers.h"

#include <gtest/gtest.h>

#include "net/dns/message_builder.h"
#include "resolver/forwarder/forwarder.h"
#include "resolver/testing/fake_network.h"

namespace redoubt::resolver {
namespace {

using dns::Name;
using dns::RrType;

Name N(const char* text) { return *Name::FromText(text); }
Endpoint At(const char* address, uint16_t port = 53) { return Endpoint{*IpAddress::Parse(address), port}; }

// The fake network, recording the GSS target each question was asked under.
class RecordingNetwork final : public Upstream {
 public:
  Task<UpstreamReply> Ask(Endpoint server, dns::Question question, AskOptions options) override {
    std::string line = server.ToString() + " " + question.qname.ToText();
    if (options.gss) line += " gss:" + options.gss->host + (options.gss->host_based_allowed ? "+host" : "");
    asked.push_back(line);
    UpstreamReply reply = co_await net.Ask(server, question, std::move(options));
    co_return reply;
  }
  testing::FakeNetwork net;
  std::vector<std::string> asked;
};

constexpr const char* kDiscoveryZone =
    "@ SOA ns1 h 1 2 3 4 300\n@ 300 NS ns1\n@ 300 NS ns2\nns1 300 A 10.0.9.1\nns2 300 A 10.0.9.2\n"
    "_dns._tcp 120 SRV 0 0 5353 ns2\n_dns._tcp 120 SRV 0 0 53 .\n";

class GssServersTest : public ::testing::Test {
 protected:
  NameStep Ask(Forwarder& forwarder, const char* name) {
    RequestContext context = RequestContext::ForClient({N(name), RrType::A, dns::RrClass::IN}, {},
                                                       {}, {}, clock_.Now());
    NameStep out;
    Detach([](Forwarder& f, NameStep& step, RequestContext ctx) -> Task<void> {
      dns::Question question = ctx.question();
      step = co_await f.ResolveName(std::move(ctx), std::move(question));
    }(forwarder, out, std::move(context)));
    return out;
  }
  static ForwardZone GssZone(GssTsigConfig gss) {
    ForwardZone zone{N("corp."), {}};
    zone.gss_tsig = std::move(gss);
    return zone;
  }
  RecordingNetwork net_;
  SimulatedClock clock_;
};

TEST_F(GssServersTest, ConfiguredServersAnsweringMeansNoDiscovery) {
  net_.net.Serve("10.0.8.1", "corp.", kDiscoveryZone);
  net_.net.Serve("10.0.9.3", "corp.", "@ SOA ns1 h 1 2 3 4 300\nwww A 192.0.2.7\n");
  GssTsigConfig gss;
  gss.servers = {{"ns3.corp", At("10.0.9.3")}};
  gss.discover = GssDiscovery{{At("10.0.8.1")}};
  Forwarder forwarder(net_, clock_, {GssZone(gss)});
  NameStep step = Ask(forwarder, "www.corp.");
  ASSERT_TRUE(step.ok) << step.why;
  EXPECT_EQ(net_.asked, (std::vector<std::string>{"10.0.9.3:53 www.corp. gss:ns3.corp+host"}));
}

TEST_F(GssServersTest, ConfiguredServersGoFirstAndAreAllowListed) {
  net_.net.Serve("10.0.8.1", "corp.", kDiscoveryZone);
  net_.net.Refuse("10.0.9.3");
  net_.net.Serve("10.0.9.1", "corp.", "@ SOA ns1 h 1 2 3 4 300\nwww A 192.0.2.7\n");
  GssTsigConfig gss;
  gss.servers = {{"ns3.corp", At("10.0.9.3")}};
  gss.discover = GssDiscovery{{At("10.0.8.1")}};
  Forwarder forwarder(net_, clock_, {GssZone(gss)});
  NameStep step = Ask(forwarder, "www.corp.");
  ASSERT_TRUE(step.ok) << step.why;
  EXPECT_EQ(net_.asked, (std::vector<std::string>{
                            "10.0.9.3:53 www.corp. gss:ns3.corp+host",  // Configured: allowed.
                            "10.0.8.1:53 corp.",                         // Then discovery, unsigned:
                            "10.0.8.1:53 ns1.corp.",                     // NS, then A and AAAA
                            "10.0.8.1:53 ns1.corp.",                     // of each host.
                            "10.0.8.1:53 ns2.corp.", "10.0.8.1:53 ns2.corp.",
                            "10.0.9.1:53 www.corp. gss:ns1.corp"}));
}

TEST_F(GssServersTest, DiscoveredHostsAreDomainBasedUnlessTheHostBasedListNamesThem) {
  net_.net.Serve("10.0.8.1", "corp.", kDiscoveryZone);
  net_.net.Refuse("10.0.9.1");
  net_.net.Refuse("10.0.9.2");
  GssTsigConfig gss;
  gss.discover = GssDiscovery{{At("10.0.8.1")}};
  gss.host_based = {"ns2.corp"};
  Forwarder forwarder(net_, clock_, {GssZone(gss)});
  (void)Ask(forwarder, "www.corp.");
  EXPECT_EQ(net_.asked, (std::vector<std::string>{"10.0.8.1:53 corp.", "10.0.8.1:53 ns1.corp.",
                                                  "10.0.8.1:53 ns1.corp.", "10.0.8.1:53 ns2.corp.",
                                                  "10.0.8.1:53 ns2.corp.", "10.0.9.1:53 www.corp. gss:ns1.corp",
                                                  "10.0.9.2:53 www.corp. gss:ns2.corp+host"}));
}

TEST_F(GssServersTest, SrvDiscoveryTakesPortsSkipsDotAndIsKeptForItsTtl) {
  net_.net.Serve("10.0.8.1", "corp.", kDiscoveryZone);
  net_.net.Refuse("10.0.9.2");
  GssTsigConfig gss;
  gss.discover = GssDiscovery{{At("10.0.8.1")}, N("_dns._tcp.corp.")};
  Forwarder forwarder(net_, clock_, {GssZone(gss)});
  (void)Ask(forwarder, "www.corp.");
  ASSERT_EQ(net_.asked.size(), 4u);
  EXPECT_EQ(net_.asked[0], "10.0.8.1:53 _dns._tcp.corp.");
  EXPECT_EQ(net_.asked[1], "10.0.8.1:53 ns2.corp.");  // A and AAAA (no glue in the answer).
  EXPECT_EQ(net_.asked[3], "10.0.9.2:5353 www.corp. gss:ns2.corp");
  net_.asked.clear();
  (void)Ask(forwarder, "www.corp.");  // Within the 120 s TTL: no discovery.
  EXPECT_EQ(net_.asked, (std::vector<std::string>{"10.0.9.2:5353 www.corp. gss:ns2.corp"}));
  clock_.Advance(std::chrono::seconds(121));
  net_.asked.clear();
  (void)Ask(forwarder, "www.corp.");
  EXPECT_EQ(net_.asked.front(), "10.0.8.1:53 _dns._tcp.corp.");
}

TEST_F(GssServersTest, DiscoveryFindingNothingIsNoReachableAuthorityWithTheReason) {
  net_.net.Refuse("10.0.8.1");
  GssTsigConfig gss;
  gss.discover = GssDiscovery{{At("10.0.8.1")}};
  Forwarder forwarder(net_, clock_, {GssZone(gss)});
  NameStep step = Ask(forwarder, "www.corp.");
  EXPECT_FALSE(step.ok);
  EXPECT_EQ(step.ede, dns::EdeCode::kNoReachableAuthority);
  EXPECT_NE(step.why.find("discovery found no server"), std::string::npos) << step.why;
}

// A hostile discovery source cannot make the resolver ask an unbounded number of servers.
TEST_F(GssServersTest, DiscoveryKeepsAtMostEightHostsAndTwoAddressesEach) {
  dns::MessageBuilder builder(65535);
  builder.header().qr = true;
  ASSERT_TRUE(builder.AddQuestion(N("corp."), RrType::NS).has_value());
  for (int i = 0; i < 20; ++i) {
    Name host = N(("ns" + std::to_string(i % 10) + ".corp.").c_str());  // Ten hosts, each twice.
    dns::Rdata ns = dns::rdata::NS{host};
    auto bytes = dns::RdataToBytes(ns).value();
    ASSERT_TRUE(builder.AddRecord(dns::Section::kAnswer, N("corp."), RrType::NS, dns::RrClass::IN,
                                  100 + static_cast<uint32_t>(i), bytes).has_value());
  }
  for (uint8_t i = 1; i <= 5; ++i) {
    const std::array<uint8_t, 4> address = {10, 0, 0, i};
    ASSERT_TRUE(builder.AddRecord(dns::Section::kAdditional, N("ns0.corp."), RrType::A,
                                  dns::RrClass::IN, 50, address).has_value());
  }
  auto wire = std::move(builder).Finish().value();
  auto view = dns::MessageView::Parse(wire).value();
  uint32_t ttl = 3600;
  auto hosts = DiscoveredHosts(view, N("corp."), RrType::NS, ttl);
  EXPECT_EQ(hosts.size(), kMaxDiscoveredHosts);
  EXPECT_EQ(ttl, 100u);
  EXPECT_EQ(AddressesOf(view, N("ns0.corp."), ttl).size(), kMaxAddressesPerHost);
  EXPECT_EQ(ttl, 50u);
  EXPECT_TRUE(AddressesOf(view, N("ns1.corp."), ttl).empty());
  EXPECT_EQ(GssHostText(N("NS1.Corp.")), "ns1.corp");
}

}  // namespace
}  // namespace redoubt::resolver
