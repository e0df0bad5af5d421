#include "resolver/iterator/delegation_cache.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "net/base/clock.h"
#include "net/base/lru_map.h"

namespace redoubt::resolver {
namespace {

using dns::Name;
using std::chrono::seconds;

Name N(const std::string& text) { return *Name::FromText(text); }
IpAddress A(const char* text) { return *IpAddress::Parse(text); }

NameServer Server(const std::string& name, std::vector<IpAddress> addresses = {}) {
  return NameServer{N(name), std::move(addresses), false};
}

Delegation Root() { return Delegation{Name::Root(), {Server("a.root.", {A("198.41.0.4")})}}; }

// The zone of the cut Closest() gives for `name`, as text ("<none>" when there is none).
std::string ClosestZone(DelegationCache& cache, const std::string& name) {
  auto cut = cache.Closest(N(name));
  return cut ? cut->zone.ToText() : "<none>";
}

std::vector<std::string> ServerNames(const Delegation& delegation) {
  std::vector<std::string> names;
  for (const NameServer& server : delegation.servers) names.push_back(server.name.ToText());
  return names;
}

// --- LruMap on its own -------------------------------------------------------------------

TEST(DelegationLruMapTest, EvictsTheLeastRecentlyUsedNotTheOldest) {
  LruMap<int, std::string> map(2);
  map.Put(1, "one");
  map.Put(2, "two");
  ASSERT_NE(map.Find(1), nullptr);  // 1 is now more recent than 2.
  auto put = map.Put(3, "three");
  EXPECT_TRUE(put.evicted);
  EXPECT_EQ(*put.value, "three");
  EXPECT_EQ(map.Peek(2), nullptr);
  ASSERT_NE(map.Peek(1), nullptr);
  EXPECT_EQ(*map.Peek(1), "one");
  EXPECT_EQ(map.size(), 2u);
}

TEST(DelegationLruMapTest, PeekDoesNotRefreshAndReplaceDoesNotEvict) {
  LruMap<int, int> map(2);
  map.Put(1, 10);
  map.Put(2, 20);
  ASSERT_NE(map.Peek(1), nullptr);  // Not a use: 1 stays the least recently used.
  EXPECT_FALSE(map.Put(2, 21).evicted);
  EXPECT_TRUE(map.Put(3, 30).evicted);
  EXPECT_EQ(map.Peek(1), nullptr);
  EXPECT_EQ(*map.Peek(2), 21);
}

TEST(DelegationLruMapTest, EraseAndZeroCapacity) {
  LruMap<int, int> map(0);  // Taken as 1.
  EXPECT_EQ(map.capacity(), 1u);
  map.Put(1, 1);
  EXPECT_TRUE(map.Put(2, 2).evicted);
  EXPECT_TRUE(map.Erase(2));
  EXPECT_FALSE(map.Erase(2));
  EXPECT_EQ(map.size(), 0u);
  EXPECT_FALSE(map.Put(3, 3).evicted);
}

// --- Zone cuts: expiry, replacement, LRU, the root ---------------------------------------

TEST(DelegationCacheTest, ExpiredCutGivesWayToTheParentThenToTheNewServers) {
  SimulatedClock clock;
  DelegationCache cache(clock);
  cache.SetRoot(Root());
  cache.Store(Delegation{N("example."), {Server("ns1.old-host.net.")}}, 60);
  EXPECT_EQ(ClosestZone(cache, "www.example."), "example.");
  clock.Advance(seconds(59));
  EXPECT_EQ(ClosestZone(cache, "www.example."), "example.");
  clock.Advance(seconds(2));
  EXPECT_EQ(ClosestZone(cache, "www.example."), ".");
  EXPECT_EQ(cache.zone_count(), 0u);  // Dropped when met.
  EXPECT_EQ(cache.stats().zones_expired, 1u);
  EXPECT_FALSE(cache.ParentSide(N("example.")));

  // The parent now delegates to other servers: those are the ones followed.
  cache.Store(Delegation{N("example."), {Server("ns1.new-host.org.")}}, 60);
  auto cut = cache.Closest(N("www.example."));
  ASSERT_TRUE(cut);
  EXPECT_EQ(ServerNames(*cut), std::vector<std::string>{"ns1.new-host.org."});
}

TEST(DelegationCacheTest, StoreReplacesServersAndLearntAddresses) {
  SimulatedClock clock;
  DelegationCache cache(clock);
  cache.SetRoot(Root());
  cache.Store(Delegation{N("example."), {Server("ns1.old.net."), Server("ns2.old.net.")}}, 3600);
  cache.SetAddresses(N("example."), N("ns1.old.net."), {A("192.0.2.1")});
  cache.Store(Delegation{N("example."), {Server("ns.new.org.")}}, 3600);

  auto cut = cache.Closest(N("example."));
  ASSERT_TRUE(cut);
  EXPECT_EQ(ServerNames(*cut), std::vector<std::string>{"ns.new.org."});
  EXPECT_TRUE(cut->servers[0].addresses.empty());
  EXPECT_EQ(ServerNames(*cache.ParentSide(N("example."))), std::vector<std::string>{"ns.new.org."});
  EXPECT_EQ(cache.zone_count(), 1u);
}

TEST(DelegationCacheTest, ZeroTtlRemovesTheOldCut) {
  SimulatedClock clock;
  DelegationCache cache(clock);
  cache.SetRoot(Root());
  cache.Store(Delegation{N("example."), {Server("ns.old.net.")}}, 3600);
  cache.Store(Delegation{N("example."), {Server("ns.new.net.")}}, 0);
  EXPECT_EQ(ClosestZone(cache, "www.example."), ".");
}

TEST(DelegationCacheTest, TtlIsCappedAtTheMaximum) {
  SimulatedClock clock;
  DelegationCacheLimits limits;
  limits.max_delegation_ttl = seconds(100);
  DelegationCache cache(clock, limits);
  cache.SetRoot(Root());
  cache.Store(Delegation{N("example."), {}}, 1'000'000);
  clock.Advance(seconds(101));
  EXPECT_EQ(ClosestZone(cache, "example."), ".");
}

TEST(DelegationCacheTest, DeepestCutWinsAndNamesIgnoreCase) {
  SimulatedClock clock;
  DelegationCache cache(clock);
  cache.SetRoot(Root());
  cache.Store(Delegation{N("COM."), {}}, 3600);
  cache.Store(Delegation{N("Example.com."), {}}, 3600);
  EXPECT_EQ(ClosestZone(cache, "a.b.EXAMPLE.com."), "Example.com.");
  EXPECT_EQ(ClosestZone(cache, "other.com."), "COM.");
  EXPECT_EQ(ClosestZone(cache, "org."), ".");
}

TEST(DelegationCacheTest, LeastRecentlyUsedCutIsEvicted) {
  SimulatedClock clock;
  DelegationCacheLimits limits;
  limits.max_zones = 2;
  DelegationCache cache(clock, limits);
  cache.SetRoot(Root());
  cache.Store(Delegation{N("a."), {}}, 3600);
  cache.Store(Delegation{N("b."), {}}, 3600);
  EXPECT_EQ(ClosestZone(cache, "www.a."), "a.");  // a. is now the most recently used.
  cache.Store(Delegation{N("c."), {}}, 3600);
  EXPECT_EQ(ClosestZone(cache, "www.b."), ".");
  EXPECT_EQ(ClosestZone(cache, "www.a."), "a.");
  EXPECT_EQ(ClosestZone(cache, "www.c."), "c.");
  EXPECT_EQ(cache.stats().zones_evicted, 1u);
}

TEST(DelegationCacheTest, RootIsNeverEvictedNorReplacedByAReferral) {
  SimulatedClock clock;
  DelegationCacheLimits limits;
  limits.max_zones = 1;
  DelegationCache cache(clock, limits);
  cache.SetRoot(Root());
  for (int i = 0; i < 1000; ++i) cache.Store(Delegation{N("z" + std::to_string(i) + "."), {}}, 60);
  cache.Store(Delegation{Name::Root(), {Server("evil.example.")}}, 3600);
  clock.Advance(seconds(10 * 86400));

  auto root = cache.Closest(N("www.example."));
  ASSERT_TRUE(root);
  EXPECT_TRUE(root->zone.IsRoot());
  EXPECT_EQ(ServerNames(*root), std::vector<std::string>{"a.root."});
  EXPECT_EQ(ServerNames(*cache.ParentSide(Name::Root())), std::vector<std::string>{"a.root."});
  EXPECT_EQ(cache.stats().zones_evicted, 999u);
}

TEST(DelegationCacheTest, SetRootReplacesHintsWithPrimedServers) {
  SimulatedClock clock;
  DelegationCache cache(clock);
  cache.SetRoot(Root());
  cache.SetRoot(Delegation{Name::Root(), {Server("b.root.", {A("170.247.170.2")})}});
  EXPECT_EQ(ServerNames(*cache.Closest(Name::Root())), std::vector<std::string>{"b.root."});
}

TEST(DelegationCacheTest, WithoutRootNothingIsClosest) {
  SimulatedClock clock;
  DelegationCache cache(clock);
  EXPECT_EQ(ClosestZone(cache, "www.example."), "<none>");
}

// --- Parent-side glue ---------------------------------------------------------------------

TEST(DelegationCacheTest, ParentGlueSurvivesSetAddresses) {
  SimulatedClock clock;
  DelegationCache cache(clock);
  cache.SetRoot(Root());
  cache.Store(Delegation{N("example."),
                         {Server("ns.example.", {A("192.0.2.53")}), Server("ns.elsewhere.net.")}},
              3600);
  cache.SetAddresses(N("example."), N("ns.example."), {A("198.51.100.53")});
  cache.SetAddresses(N("example."), N("ns.elsewhere.net."), {A("203.0.113.53")});

  auto working = cache.Closest(N("www.example."));
  ASSERT_TRUE(working);
  ASSERT_EQ(working->servers.size(), 2u);
  EXPECT_EQ(working->servers[0].addresses, std::vector<IpAddress>{A("198.51.100.53")});
  EXPECT_TRUE(working->servers[0].lookup_done);
  EXPECT_EQ(working->servers[1].addresses, std::vector<IpAddress>{A("203.0.113.53")});

  auto parent = cache.ParentSide(N("example."));
  ASSERT_TRUE(parent);
  ASSERT_EQ(parent->servers.size(), 2u);
  EXPECT_EQ(parent->servers[0].addresses, std::vector<IpAddress>{A("192.0.2.53")});
  EXPECT_TRUE(parent->servers[1].addresses.empty());
  EXPECT_FALSE(parent->servers[1].lookup_done);
}

TEST(DelegationCacheTest, ParentSideIsForTheExactZoneOnly) {
  SimulatedClock clock;
  DelegationCache cache(clock);
  cache.SetRoot(Root());
  cache.Store(Delegation{N("example."), {Server("ns.example.", {A("192.0.2.53")})}}, 3600);
  EXPECT_FALSE(cache.ParentSide(N("www.example.")));
  EXPECT_TRUE(cache.ParentSide(N("EXAMPLE.")));
}

TEST(DelegationCacheTest, SetAddressesOnUnknownZoneOrServerChangesNothing) {
  SimulatedClock clock;
  DelegationCache cache(clock);
  cache.SetRoot(Root());
  cache.Store(Delegation{N("example."), {Server("ns.example.")}}, 3600);
  cache.SetAddresses(N("other."), N("ns.example."), {A("192.0.2.1")});
  cache.SetAddresses(N("example."), N("ns.other."), {A("192.0.2.1")});
  auto cut = cache.Closest(N("example."));
  ASSERT_TRUE(cut);
  EXPECT_TRUE(cut->servers[0].addresses.empty());
  EXPECT_FALSE(cut->servers[0].lookup_done);
  EXPECT_EQ(cache.zone_count(), 1u);
}

// --- RTT and lame marks -------------------------------------------------------------------

TEST(DelegationCacheTest, RttStartsOverAfterItsLifetime) {
  SimulatedClock clock;
  DelegationCache cache(clock);
  IpAddress server = A("192.0.2.1");
  for (int i = 0; i < 20; ++i) cache.Rtt(server).Timeout();
  uint32_t backed_off = cache.Rtt(server).RtoMs();
  EXPECT_GT(backed_off, cache.limits().rtt.initial_rto_ms);
  clock.Advance(seconds(899));
  EXPECT_EQ(cache.Rtt(server).RtoMs(), backed_off);  // Reading it does not extend its life...
  clock.Advance(seconds(2));
  EXPECT_EQ(cache.Rtt(server).RtoMs(), cache.limits().rtt.initial_rto_ms);  // ...probed again.
  EXPECT_EQ(cache.Rtt(server).Timeouts(), 0u);
  EXPECT_EQ(cache.stats().rtt_expired, 1u);
}

TEST(DelegationCacheTest, LeastRecentlyUsedRttIsEvicted) {
  SimulatedClock clock;
  DelegationCacheLimits limits;
  limits.max_rtt_entries = 2;
  DelegationCache cache(clock, limits);
  cache.Rtt(A("192.0.2.1")).Update(10);
  cache.Rtt(A("192.0.2.2")).Update(20);
  cache.Rtt(A("192.0.2.1")).Update(10);
  cache.Rtt(A("2001:db8::3")).Update(30);
  EXPECT_TRUE(cache.Rtt(A("192.0.2.1")).Measured());
  EXPECT_FALSE(cache.Rtt(A("192.0.2.2")).Measured());
  EXPECT_EQ(cache.rtt_count(), 2u);
  EXPECT_EQ(cache.stats().rtt_evicted, 2u);  // 192.0.2.2, then 2001:db8::3 for its return.
}

TEST(DelegationCacheTest, LameMarkExpires) {
  SimulatedClock clock;
  DelegationCache cache(clock);
  IpAddress server = A("192.0.2.1");
  cache.MarkLame(N("Example."), server);
  EXPECT_TRUE(cache.IsLame(N("example."), server));
  EXPECT_FALSE(cache.IsLame(N("other."), server));
  EXPECT_FALSE(cache.IsLame(N("example."), A("192.0.2.2")));
  clock.Advance(seconds(899));
  EXPECT_TRUE(cache.IsLame(N("example."), server));
  clock.Advance(seconds(2));
  EXPECT_FALSE(cache.IsLame(N("example."), server));
  EXPECT_EQ(cache.lame_count(), 0u);
  EXPECT_EQ(cache.stats().lame_expired, 1u);
}

TEST(DelegationCacheTest, MarkingAgainRestartsTheLameTime) {
  SimulatedClock clock;
  DelegationCache cache(clock);
  IpAddress server = A("192.0.2.1");
  cache.MarkLame(N("example."), server);
  clock.Advance(seconds(800));
  cache.MarkLame(N("example."), server);
  clock.Advance(seconds(800));
  EXPECT_TRUE(cache.IsLame(N("example."), server));
}

TEST(DelegationCacheTest, LeastRecentlyUsedLameMarkIsEvicted) {
  SimulatedClock clock;
  DelegationCacheLimits limits;
  limits.max_lame_marks = 2;
  DelegationCache cache(clock, limits);
  cache.MarkLame(N("a."), A("192.0.2.1"));
  cache.MarkLame(N("b."), A("192.0.2.1"));
  EXPECT_TRUE(cache.IsLame(N("a."), A("192.0.2.1")));
  cache.MarkLame(N("c."), A("192.0.2.1"));
  EXPECT_TRUE(cache.IsLame(N("a."), A("192.0.2.1")));
  EXPECT_FALSE(cache.IsLame(N("b."), A("192.0.2.1")));
  EXPECT_TRUE(cache.IsLame(N("c."), A("192.0.2.1")));
  EXPECT_EQ(cache.stats().lame_evicted, 1u);
}

// --- Bounds under a flood -----------------------------------------------------------------

TEST(DelegationCacheTest, StaysBoundedAfterAMillionInserts) {
  SimulatedClock clock;
  DelegationCacheLimits limits;
  limits.max_zones = 100;
  limits.max_rtt_entries = 50;
  limits.max_lame_marks = 10;
  DelegationCache cache(clock, limits);
  cache.SetRoot(Root());
  constexpr uint32_t kInserts = 1'000'000;
  for (uint32_t i = 0; i < kInserts; ++i) {
    auto b = [i](int shift) { return static_cast<uint8_t>(i >> shift); };
    IpAddress address = IpAddress::V4({10, b(16), b(8), b(0)});
    cache.Store(Delegation{N("z" + std::to_string(i) + ".example."), {}}, 3600);
    cache.Rtt(address).Update(10);
    cache.MarkLame(N("example."), address);
  }
  EXPECT_EQ(cache.zone_count(), 100u);
  EXPECT_EQ(cache.rtt_count(), 50u);
  EXPECT_EQ(cache.lame_count(), 10u);
  EXPECT_EQ(cache.stats().zones_evicted, kInserts - 100);
  EXPECT_EQ(cache.stats().rtt_evicted, kInserts - 50);
  EXPECT_EQ(cache.stats().lame_evicted, kInserts - 10);
  // The newest survive; the root is still there for everything else.
  EXPECT_EQ(ClosestZone(cache, "www.z999999.example."), "z999999.example.");
  EXPECT_EQ(ClosestZone(cache, "www.z0.example."), ".");
}

}  // namespace
}  // namespace redoubt::resolver
