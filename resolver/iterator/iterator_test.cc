#include "resolver/iterator/iterator.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "resolver/testing/pipeline_rig.h"

namespace redoubt::resolver {
namespace {

using dns::Name;
using dns::RrType;
using testing::FakeNetwork;
using dns::Rcode;

Name N(const char* text) { return *Name::FromText(text); }

// The iterator's behaviour, seen through the pipeline that drives it (chains, sub-resolutions)
// over the fake network. A small Internet: a root on 10.0.0.1, com. on 10.0.1.1, example.com. on 10.0.2.1 and
// 10.0.2.2, other.net. (under net. on 10.0.3.1) on 10.0.4.1.
class IteratorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    net_.Serve("10.0.0.1", ".",
               "@ SOA a.root. h.root. 1 2 3 4 300\n@ NS a.root.\na.root. A 10.0.0.1\n"
               "com. NS ns.com.\nns.com. A 10.0.1.1\nnet. NS ns.net.\nns.net. A 10.0.3.1\n");
    net_.Serve("10.0.1.1", "com.",
               "@ SOA ns h 1 2 3 4 300\n@ NS ns\nns A 10.0.1.1\n"
               "example NS ns1.example\nexample NS ns2.example\n"
               "ns1.example A 10.0.2.1\nns2.example A 10.0.2.2\n"
               "example DS 12345 13 2 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n"
               "glueless NS ns.other.net.\n");
    const char* example =
        "@ SOA ns1 h 1 2 3 4 300\n@ NS ns1\n@ NS ns2\nns1 A 10.0.2.1\nns2 A 10.0.2.2\n"
        "www A 192.0.2.1\nalias CNAME www\nout CNAME www.glueless.com.\n"
        "loop1 CNAME loop2\nloop2 CNAME loop1\nsub.deep A 192.0.2.9\n";
    net_.Serve("10.0.2.1", "example.com.", example);
    net_.Serve("10.0.2.2", "example.com.", example);
    net_.Serve("10.0.3.1", "net.", "@ SOA ns h 1 2 3 4 300\n@ NS ns\nns A 10.0.3.1\n"
                                   "other NS ns.other\nns.other A 10.0.4.1\n");
    net_.Serve("10.0.4.1", "other.net.", "@ SOA ns h 1 2 3 4 300\n@ NS ns\nns A 10.0.4.1\n");
    net_.Serve("10.0.4.1", "glueless.com.", "@ SOA ns.other.net. h 1 2 3 4 300\n"
                                            "@ NS ns.other.net.\nwww A 192.0.2.7\n");
  }

  // Resolves with the rig's current options (the floor is rebuilt each time, the delegation
  // cache kept).
  Resolution Resolve(const char* name, RrType type, ClientFlags flags = {}) {
    rig_.Build();
    return rig_.Resolve({N(name), type, dns::RrClass::IN}, flags);
  }

  static std::vector<std::string> Owners(const std::vector<dns::RRset>& sets) {
    std::vector<std::string> out;
    for (const auto& s : sets) out.push_back(s.owner.ToText() + " " + dns::RrTypeToText(s.type));
    return out;
  }

  testing::PipelineRig rig_;
  FakeNetwork& net_ = rig_.network;
  DelegationCache& cache_ = rig_.cache;
};

TEST_F(IteratorTest, PrimesThenFollowsReferralsWithMinimisedQuestions) {
  Resolution r = Resolve("www.example.com.", RrType::AAAA);
  EXPECT_EQ(r.rcode, Rcode::NOERROR);  // NODATA
  EXPECT_TRUE(r.answer.empty());
  ASSERT_EQ(r.authority.size(), 1u);
  EXPECT_EQ(r.authority[0].type, RrType::SOA);
  EXPECT_EQ(net_.log(), (std::vector<std::string>{
                            "10.0.0.1 . NS", "10.0.0.1 com. A", "10.0.1.1 example.com. A",
                            net_.log()[3]}));
  EXPECT_TRUE(net_.log()[3].ends_with(" www.example.com. AAAA"));  // Either example server.
}

// RFC 4035 section 3.1.4.1: with the child's delegation already cached, a DS question still
// goes to the parent's servers (a child would answer NODATA from the wrong side of the cut and
// make a signed delegation look unsigned).
TEST_F(IteratorTest, DsQuestionsGoToTheParentEvenWhenTheChildIsCached) {
  ASSERT_EQ(Resolve("www.example.com.", RrType::A).rcode, Rcode::NOERROR);
  net_.ClearLog();
  Resolution ds = Resolve("example.com.", RrType::DS);
  EXPECT_EQ(ds.rcode, Rcode::NOERROR);
  EXPECT_EQ(net_.log(), std::vector<std::string>{"10.0.1.1 example.com. DS"});
}

TEST_F(IteratorTest, AnswersAndCachesTheDelegations) {
  Resolution first = Resolve("www.example.com.", RrType::A);
  EXPECT_EQ(first.rcode, Rcode::NOERROR);
  ASSERT_EQ(first.answer.size(), 1u);
  size_t asked = net_.log().size();
  Resolution second = Resolve("alias.example.com.", RrType::A);
  EXPECT_EQ(Owners(second.answer),
            (std::vector<std::string>{"alias.example.com. CNAME", "www.example.com. A"}));
  // Straight to example.com.'s servers: one question (the CNAME target is in the same zone,
  // asked again from the cut).
  EXPECT_LE(net_.log().size() - asked, 3u);
  EXPECT_EQ(net_.AskedOf("10.0.0.1"), 2u);  // Priming and the first referral only.
}

TEST_F(IteratorTest, NxDomainCarriesTheSoa) {
  Resolution r = Resolve("nope.example.com.", RrType::A);
  EXPECT_EQ(r.rcode, Rcode::NXDOMAIN);
  ASSERT_EQ(r.authority.size(), 1u);
  EXPECT_EQ(r.authority[0].owner, N("example.com."));
}

TEST_F(IteratorTest, EmptyNonTerminalIsNotNxDomainWhileMinimising) {
  Resolution r = Resolve("sub.deep.example.com.", RrType::A);
  EXPECT_EQ(r.rcode, Rcode::NOERROR);
  ASSERT_EQ(r.answer.size(), 1u);
}

TEST_F(IteratorTest, GluelessDelegationLooksUpTheServerAddress) {
  Resolution r = Resolve("www.glueless.com.", RrType::A);
  EXPECT_EQ(r.rcode, Rcode::NOERROR);
  ASSERT_EQ(r.answer.size(), 1u);
  EXPECT_GE(net_.AskedOf("10.0.3.1"), 1u);  // net. was asked on the way to ns.other.net.
}

TEST_F(IteratorTest, CnameIntoAnotherZoneIsChased) {
  Resolution r = Resolve("out.example.com.", RrType::A);
  EXPECT_EQ(r.rcode, Rcode::NOERROR);
  EXPECT_EQ(Owners(r.answer),
            (std::vector<std::string>{"out.example.com. CNAME", "www.glueless.com. A"}));
}

TEST_F(IteratorTest, CnameLoopEndsInServfailWithoutData) {
  Resolution r = Resolve("loop1.example.com.", RrType::A);
  EXPECT_EQ(r.rcode, Rcode::SERVFAIL);
  EXPECT_TRUE(r.answer.empty());
  ASSERT_TRUE(r.ede.has_value());
  EXPECT_EQ(*r.ede, dns::EdeCode::kOther);
  EXPECT_LT(net_.log().size(), 40u);
}

TEST_F(IteratorTest, LameServerIsSkippedAndRemembered) {
  net_.Refuse("10.0.2.1");
  // Both servers sit in one RTT band, so each query picks one at random: 40 queries all but
  // surely (1 - 2^-40) try the lame one once; it must never be asked again after that.
  for (int i = 0; i < 40; ++i) {
    Resolution r = Resolve("www.example.com.", RrType::A);
    EXPECT_EQ(r.rcode, Rcode::NOERROR) << i;
  }
  EXPECT_EQ(net_.AskedOf("10.0.2.1"), 1u);
  EXPECT_TRUE(cache_.IsLame(N("example.com."), *IpAddress::Parse("10.0.2.1")));
}

TEST_F(IteratorTest, DeadServersGiveServfailWithNoReachableAuthority) {
  net_.Silence("10.0.2.1");
  net_.Silence("10.0.2.2");
  Resolution r = Resolve("www.example.com.", RrType::A);
  EXPECT_EQ(r.rcode, Rcode::SERVFAIL);
  ASSERT_TRUE(r.ede.has_value());
  EXPECT_EQ(*r.ede, dns::EdeCode::kNoReachableAuthority);
  EXPECT_LE(net_.AskedOf("10.0.2.1"), 3u);  // Each address at most tries_per_server times.
  EXPECT_LE(net_.AskedOf("10.0.2.2"), 3u);
}

TEST_F(IteratorTest, LoopbackServersAreNotAskedByDefault) {
  cache_.SetRoot(Delegation{Name::Root(), {{N("a.root."), {*IpAddress::Parse("127.0.0.1")}, false}}});
  rig_.iterator_options = IteratorOptions{};
  Resolution r = Resolve("www.example.com.", RrType::A);
  EXPECT_EQ(r.rcode, Rcode::SERVFAIL);
  EXPECT_TRUE(net_.log().empty());
}

TEST_F(IteratorTest, ForwardZonesGoToTheirServersWithRd) {
  net_.Serve("10.0.9.9", "corp.", "@ SOA ns h 1 2 3 4 300\nwww A 192.0.2.99\n");
  rig_.forward_zones = {{N("corp."), {Endpoint{*IpAddress::Parse("10.0.9.9"), 53}}}};
  Resolution r = Resolve("www.corp.", RrType::A);
  EXPECT_EQ(r.rcode, Rcode::NOERROR);
  ASSERT_EQ(r.answer.size(), 1u);
  EXPECT_EQ(net_.log().back(), "10.0.9.9 www.corp. A +rd");
}

TEST_F(IteratorTest, QueryLimitEndsResolution) {
  rig_.pipeline_options.limits.upstream_queries = 2;
  Resolution r = Resolve("www.example.com.", RrType::A);
  EXPECT_EQ(r.rcode, Rcode::SERVFAIL);
  EXPECT_LE(net_.log().size(), 2u);
}

TEST_F(IteratorTest, MinimisationOffAsksTheFullName) {
  rig_.iterator_options.qname_minimisation = QnameMinimisation::kOff;
  Resolution r = Resolve("www.example.com.", RrType::A);
  EXPECT_EQ(r.rcode, Rcode::NOERROR);
  for (size_t i = 1; i < net_.log().size(); ++i) {
    EXPECT_TRUE(net_.log()[i].ends_with("www.example.com. A")) << net_.log()[i];
  }
}

TEST_F(IteratorTest, StoppedResolutionFailsWithoutAsking) {
  std::stop_source stop;
  stop.request_stop();
  rig_.Build();
  Resolution r = rig_.Resolve({N("www.example.com."), RrType::A, dns::RrClass::IN}, {}, stop.get_token());
  EXPECT_EQ(r.rcode, Rcode::SERVFAIL);
  EXPECT_EQ(r.ede_text, "shutting down");
  EXPECT_TRUE(net_.log().empty());
}

TEST_F(IteratorTest, ResolvesWithALiveStopToken) {
  // A stop token travels into every upstream question; under ASan this caught a compiler bug
  // that destroyed the token's carrier twice (see iterator.cc).
  std::stop_source stop;
  rig_.Build();
  for (int i = 0; i < 3; ++i) {
    Resolution r = rig_.Resolve({N("www.glueless.com."), RrType::A, dns::RrClass::IN}, {}, stop.get_token());
    EXPECT_EQ(r.rcode, Rcode::NOERROR) << i;
  }
  EXPECT_FALSE(stop.stop_requested());
}


// RFC 8109 section 3 and RFC 1034 section 5.3.3: the primed root NS set (the child side) is
// dead; the hints (the parent side) are tried before giving up.
TEST_F(IteratorTest, DeadPrimedRootFallsBackToTheHints) {
  net_.Forget("10.0.0.1");
  net_.Serve("10.0.0.1", ".",
             "@ SOA a.root. h.root. 1 2 3 4 300\n@ NS a.root.\na.root. A 10.0.0.99\n"
             "com. NS ns.com.\nns.com. A 10.0.1.1\n");
  net_.Silence("10.0.0.99");
  Resolution r = Resolve("www.example.com.", RrType::A);
  EXPECT_EQ(r.rcode, Rcode::NOERROR);
  EXPECT_GT(net_.AskedOf("10.0.0.99"), 0u);  // The primed address was tried first.
}

// The child's own NS set (sent by a non-minimal server) is used from then on; when every
// address in it fails, the parent's glue for the zone is tried before giving up.
TEST_F(IteratorTest, DeadChildNsSetFallsBackToTheParentsGlue) {
  net_.Forget("10.0.2.1");
  net_.Serve("10.0.2.1", "example.com.",
             "@ SOA ns1 h 1 2 3 4 300\n@ NS ns9\nns9 A 10.0.2.9\nwww A 192.0.2.1\n");
  net_.SendZoneNs("10.0.2.1");
  net_.Silence("10.0.2.2");
  net_.Silence("10.0.2.9");
  EXPECT_EQ(Resolve("www.example.com.", RrType::A).rcode, Rcode::NOERROR);
  EXPECT_EQ(cache_.Closest(N("www.example.com."))->servers.at(0).name, N("ns9.example.com."));
  Resolution again = Resolve("www.example.com.", RrType::A);
  EXPECT_EQ(again.rcode, Rcode::NOERROR);
  EXPECT_GT(net_.AskedOf("10.0.2.9"), 0u);  // The child's server first, then the parent's glue.
  EXPECT_TRUE(net_.log().back().starts_with("10.0.2.1 ")) << net_.log().back();
}

// RFC 1034 section 5.3.3 step 2: past the NS TTL the parent is asked again, so a domain moved
// to new servers at the parent is followed.
TEST_F(IteratorTest, DelegationMovedAtTheParentIsFollowedOnceTheNsTtlRunsOut) {
  net_.Forget("10.0.1.1");
  const char* com_old = "@ SOA ns h 1 2 3 4 300\n@ NS ns\nns A 10.0.1.1\n"
                        "example 60 NS ns1.example\nns1.example 60 A 10.0.2.1\n";
  net_.Serve("10.0.1.1", "com.", com_old);
  EXPECT_EQ(Resolve("www.example.com.", RrType::A).answer.at(0).rdatas.at(0),
            (std::vector<uint8_t>{192, 0, 2, 1}));
  net_.Forget("10.0.1.1");
  net_.Serve("10.0.1.1", "com.", "@ SOA ns h 1 2 3 4 300\n@ NS ns\nns A 10.0.1.1\n"
                                 "example 60 NS ns.moved\nns.moved 60 A 10.0.7.1\n");
  net_.Serve("10.0.7.1", "example.com.", "@ SOA ns.moved h 1 2 3 4 300\nwww A 192.0.2.77\n");
  rig_.clock.Advance(std::chrono::seconds(30));
  EXPECT_EQ(Resolve("www.example.com.", RrType::A).answer.at(0).rdatas.at(0),
            (std::vector<uint8_t>{192, 0, 2, 1}));  // Still inside the old NS TTL.
  rig_.clock.Advance(std::chrono::seconds(31));
  EXPECT_EQ(Resolve("www.example.com.", RrType::A).answer.at(0).rdatas.at(0),
            (std::vector<uint8_t>{192, 0, 2, 77}));
}

// Two zones whose servers are named only inside each other, with no glue: the request sees
// the cycle in its own ancestry and ends with SERVFAIL after a handful of queries, instead of
// spending its whole budget (200 queries) on it.
TEST_F(IteratorTest, NsCycleWithoutGlueEndsQuickly) {
  net_.Forget("10.0.1.1");
  net_.Serve("10.0.1.1", "com.", "@ SOA ns h 1 2 3 4 300\n@ NS ns\nns A 10.0.1.1\n"
                                 "cyc-a NS ns.cyc-b.net.\n");
  net_.Forget("10.0.3.1");
  net_.Serve("10.0.3.1", "net.", "@ SOA ns h 1 2 3 4 300\n@ NS ns\nns A 10.0.3.1\n"
                                 "cyc-b NS ns.cyc-a.com.\n");
  Resolution r = Resolve("www.cyc-a.com.", RrType::A);
  EXPECT_EQ(r.rcode, Rcode::SERVFAIL);
  EXPECT_LE(net_.log().size(), 6u) << net_.log().size();
  // ns.cyc-b.net, then ns.cyc-a.com, whose server ns.cyc-b.net is already being looked up.
  EXPECT_EQ(rig_.stats.sub_resolutions, 2u);
}

// Addresses no authority can have (unspecified, broadcast, multicast, IPv4-mapped) are never
// asked, whatever the glue says; the usable one is.
TEST_F(IteratorTest, UnusableNsAddressesAreSkipped) {
  net_.Forget("10.0.1.1");
  net_.Serve("10.0.1.1", "com.", "@ SOA ns h 1 2 3 4 300\n@ NS ns\nns A 10.0.1.1\n"
                                 "example NS ns1.example\nns1.example A 0.0.0.0\n"
                                 "ns1.example A 255.255.255.255\nns1.example A 224.0.0.1\n"
                                 "ns1.example AAAA ::ffff:10.0.2.1\nns1.example A 10.0.2.1\n");
  Resolution r = Resolve("www.example.com.", RrType::A);
  EXPECT_EQ(r.rcode, Rcode::NOERROR);
  for (const char* bad : {"0.0.0.0", "255.255.255.255", "224.0.0.1", "::ffff:10.0.2.1"}) {
    EXPECT_EQ(net_.AskedOf(bad), 0u) << bad;
  }
}

// do-ip4: false leaves only IPv6 servers; with none, nothing is asked.
TEST_F(IteratorTest, DoIp4OffAsksNoIpv4Server) {
  rig_.iterator_options.do_ip4 = false;
  Resolution r = Resolve("www.example.com.", RrType::A);
  EXPECT_EQ(r.rcode, Rcode::SERVFAIL);
  EXPECT_TRUE(net_.log().empty());
}

}  // namespace
}  // namespace redoubt::resolver
