// The iterator's infrastructure cache, one per worker: known zone cuts with their name servers
// and addresses (from root hints, priming and referrals), per-server RTT estimates, and servers
// found lame for a zone. It is the seam the LMDB cache will sit behind for delegations; the
// iterator only calls these methods.
//
// Everything in it is learnt from the network, so each table is bounded: past its limit the
// least recently used entry goes (LruMap), and entries that outlived their time are dropped
// when a lookup meets them. The root, from hints or priming, is kept apart and never goes.
// Unbound's services/cache/infra.c (host TTL, lame TTL, bounded tables) is the model.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "net/base/clock.h"
#include "net/base/counter.h"
#include "net/base/endpoint.h"
#include "net/dns/name.h"
#include "net/dns/types.h"
#include "net/base/lru_map.h"
#include "resolver/iterator/server_selection.h"

namespace redoubt::resolver {

// The address in A or AAAA RDATA (RFC 1035 section 3.4.1, RFC 3596 section 2.2), or nothing
// for any other type or a wrong length.
std::optional<IpAddress> AddressFromRdata(dns::RrType type, std::span<const uint8_t> rdata);

struct NameServer {
  dns::Name name;
  std::vector<IpAddress> addresses;
  bool lookup_done = false;  // Addresses were looked up (found or not): do not ask again.
};

struct Delegation {
  dns::Name zone;
  std::vector<NameServer> servers;
};

// How much the cache may hold and for how long. Sizes are entry counts per worker; a size of 0
// is taken as 1.
struct DelegationCacheLimits {
  size_t max_zones = 100'000;        // Zone cuts, the root not counted.
  size_t max_rtt_entries = 100'000;  // Server addresses with an RTT estimate.
  size_t max_lame_marks = 10'000;    // (zone, address) pairs found lame.
  // A cut is kept for its NS TTL, at most this long (Unbound's cache-max-ttl for delegations).
  std::chrono::seconds max_delegation_ttl{86'400};
  // A lame mark lasts this long (Unbound's infra-host-ttl and infra-lame-ttl, 900 s).
  std::chrono::seconds lame_ttl{900};
  // An RTT estimate lasts this long from its creation, then starts over unmeasured, so a
  // server that backed off to the maximum while down is probed again (infra-host-ttl).
  std::chrono::seconds rtt_ttl{900};
  RttLimits rtt;  // For the estimates the cache creates.
};

// Counters for the metrics exporter: written by the owning worker only, readable from any
// thread (net/base/counter.h).
struct DelegationCacheStats {
  Counter zones_evicted;  // Least recently used cut removed to make room.
  Counter rtt_evicted;
  Counter lame_evicted;
  Counter zones_expired;  // Dropped when a lookup met it past its TTL.
  Counter rtt_expired;    // Estimate started over after rtt_ttl.
  Counter lame_expired;
};

// Not thread-safe: each worker owns one. `clock` must outlive the cache.
class DelegationCache {
 public:
  explicit DelegationCache(const Clock& clock, DelegationCacheLimits limits = {});

  // The root's servers from hints or priming (RFC 8109); replaces the previous root, never
  // expires and is never evicted. Both the working copy and the ParentSide() copy are set from
  // it: the hints stand where a parent's referral would. `root.zone` must be the root name
  // (checked in debug builds; anything else is ignored).
  void SetRoot(Delegation root);

  // The zone's own NS set and addresses (child side: the root's from priming, RFC 8109
  // section 3) replace the working copy of a live cut; the parent-side copy (hints, referral
  // glue) stays for ParentSide(). Does nothing when the zone is not cached.
  void SetChildSide(Delegation child_side);

  // A zone cut learnt from a referral (RFC 1034 section 5.3.3 step 4b), kept for `ttl` seconds
  // (the NS RRset's TTL, capped at max_delegation_ttl). Replaces whatever was cached for the
  // zone, servers and learnt addresses included: the parent's newest NS set is the one to
  // follow when a domain moves to new servers. A TTL of 0 only removes the old cut. The root
  // is not replaced this way once SetRoot was called. May evict the least recently used cut.
  void Store(Delegation delegation, uint32_t ttl);

  // The deepest unexpired cut at or above `name` (the root at least, once set), with the
  // addresses learnt since (SetAddresses). Expired cuts met on the way are dropped, so an
  // expired delegation is never followed. Marks the cut found as recently used.
  std::optional<Delegation> Closest(const dns::Name& name);

  // The unexpired cut for exactly `zone` as the parent gave it: the referral's NS names and
  // glue, untouched by SetAddresses. The iterator falls back to it when the addresses learnt
  // from the child (or its own NS set) fail, because the parent's delegation is what leads to
  // the zone (RFC 1034 section 5.3.3; draft-ietf-dnsop-ns-revalidation on the parent-side and
  // child-side NS sets). For the root it is the last SetRoot value. Nothing
  // when the zone is not cached or has expired.
  std::optional<Delegation> ParentSide(const dns::Name& zone);

  // Records the addresses found for name server `server` of `zone` (RFC 1034 section 5.3.3
  // step 2) and marks its lookup done. Only the working copy changes; ParentSide() keeps the
  // glue. Does nothing when the zone is not cached or the server is not one of its servers.
  void SetAddresses(const dns::Name& zone, const dns::Name& server,
                    std::vector<IpAddress> addresses);

  // Whether the root has been primed (RFC 8109) since the hints were set.
  bool primed() const noexcept { return primed_; }
  void MarkPrimed() noexcept { primed_ = true; }

  // The RTT estimate for `address` (RFC 6298 as applied in server_selection.h), created
  // unmeasured when absent or older than rtt_ttl. The reference is valid until the next call
  // to Rtt(): a new address may evict this one, so do not hold it across a co_await.
  RttEstimate& Rtt(const IpAddress& address);

  // Marks `address` lame for `zone` for lame_ttl: RFC 4697 (BCP 123) asks resolvers to remember
  // lame servers rather than query them again and again. Marking again restarts the time. May
  // evict the least recently used mark.
  void MarkLame(const dns::Name& zone, const IpAddress& address);
  // Whether `address` has an unexpired lame mark for `zone` (names compare case-insensitively).
  // An expired mark met here is dropped.
  bool IsLame(const dns::Name& zone, const IpAddress& address);

  // Entries held now, expired ones not yet met included; the root is not in zone_count().
  size_t zone_count() const noexcept { return zones_.size(); }
  // Forgets every learnt delegation (the root hints and RTT estimates stay): the control
  // channel's flush-zone and flush-all, so a changed delegation is fetched again from the
  // parent. Returns how many zones went.
  size_t ForgetZones() {
    size_t forgotten = zones_.size();
    zones_.Clear();
    return forgotten;
  }
  size_t rtt_count() const noexcept { return rtt_.size(); }
  size_t lame_count() const noexcept { return lame_.size(); }
  const DelegationCacheStats& stats() const noexcept { return stats_; }
  const DelegationCacheLimits& limits() const noexcept { return limits_; }

 private:
  struct ZoneEntry {
    Delegation delegation;   // Working copy: addresses learnt since are filled in.
    Delegation parent_side;  // As the referral (or SetRoot) gave it.
    MonoTime expires;
  };
  struct RttEntry {
    RttEstimate estimate;
    MonoTime expires;
  };
  struct LameKey {
    std::string zone;  // dns::Name::LookupKey(): lowercased, so marks ignore letter case.
    IpAddress address;
    friend bool operator==(const LameKey&, const LameKey&) = default;
  };
  // The tables' keys come from the network; a per-cache random seed keeps an attacker from
  // choosing names or addresses that pile into one hash bucket.
  struct ZoneHash {
    uint64_t seed;
    size_t operator()(const dns::Name& name) const noexcept;
  };
  struct AddressHash {
    uint64_t seed;
    size_t operator()(const IpAddress& address) const noexcept;
  };
  struct LameKeyHash {
    uint64_t seed;
    size_t operator()(const LameKey& key) const noexcept;
  };

  ZoneEntry* LiveZone(const dns::Name& zone);

  const Clock& clock_;
  DelegationCacheLimits limits_;
  DelegationCacheStats stats_;
  bool primed_ = false;
  std::optional<ZoneEntry> root_;
  LruMap<dns::Name, ZoneEntry, ZoneHash> zones_;
  LruMap<IpAddress, RttEntry, AddressHash> rtt_;
  LruMap<LameKey, MonoTime, LameKeyHash> lame_;
};

}  // namespace redoubt::resolver
