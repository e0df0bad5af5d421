#include "resolver/iterator/delegation_cache.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <utility>

#include "crypto/random.h"
#include "net/base/check.h"

namespace redoubt::resolver {
namespace {

constexpr uint64_t kFnvOffset = 1469598103934665603ULL;
constexpr uint64_t kFnvPrime = 1099511628211ULL;

uint64_t Fnv1a(const uint8_t* data, size_t size, uint64_t h = kFnvOffset) {
  for (size_t i = 0; i < size; ++i) {
    h ^= data[i];
    h *= kFnvPrime;
  }
  return h;
}

// The splitmix64 finaliser over the value xor the secret seed: FNV alone is public, so without
// the seed an attacker could pick keys whose bucket index (hash mod bucket count) is the same.
size_t Mix(uint64_t h, uint64_t seed) {
  uint64_t x = h ^ seed;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return static_cast<size_t>(x ^ (x >> 31));
}

}  // namespace

std::optional<IpAddress> AddressFromRdata(dns::RrType type, std::span<const uint8_t> rdata) {
  if (type == dns::RrType::A && rdata.size() == 4) {
    return IpAddress::V4({rdata[0], rdata[1], rdata[2], rdata[3]});
  }
  if (type == dns::RrType::AAAA && rdata.size() == 16) {
    std::array<uint8_t, 16> bytes;
    std::copy(rdata.begin(), rdata.end(), bytes.begin());
    return IpAddress::V6(bytes);
  }
  return std::nullopt;
}

size_t DelegationCache::ZoneHash::operator()(const dns::Name& name) const noexcept {
  return Mix(name.Hash(), seed);  // Name::Hash ignores letter case, as Name's == does.
}

size_t DelegationCache::AddressHash::operator()(const IpAddress& address) const noexcept {
  return Mix(Fnv1a(address.data(), address.size()), seed);
}

size_t DelegationCache::LameKeyHash::operator()(const LameKey& key) const noexcept {
  const auto* zone = reinterpret_cast<const uint8_t*>(key.zone.data());
  uint64_t h = Fnv1a(zone, key.zone.size());
  return Mix(Fnv1a(key.address.data(), key.address.size(), h), seed);
}

DelegationCache::DelegationCache(const Clock& clock, DelegationCacheLimits limits)
    : clock_(clock),
      limits_(limits),
      zones_(limits.max_zones, ZoneHash{crypto::RandomU64()}),
      rtt_(limits.max_rtt_entries, AddressHash{crypto::RandomU64()}),
      lame_(limits.max_lame_marks, LameKeyHash{crypto::RandomU64()}) {}

void DelegationCache::SetRoot(Delegation root) {
  DCHECK(root.zone.IsRoot());
  if (!root.zone.IsRoot()) return;
  zones_.Erase(root.zone);  // A root cut stored before the hints must not linger behind them.
  Delegation parent_side = root;
  root_ = ZoneEntry{std::move(root), std::move(parent_side), MonoTime::max()};
}

void DelegationCache::SetChildSide(Delegation child_side) {
  ZoneEntry* entry = LiveZone(child_side.zone);
  if (entry != nullptr) entry->delegation = std::move(child_side);
}

void DelegationCache::Store(Delegation delegation, uint32_t ttl) {
  // The root's servers come from hints and priming only; a referral to the root is upward.
  if (delegation.zone.IsRoot() && root_) return;
  if (ttl == 0) {
    zones_.Erase(delegation.zone);  // Superseded, and the new one may not be kept.
    return;
  }
  auto lifetime =
      std::min<std::chrono::seconds>(std::chrono::seconds(ttl), limits_.max_delegation_ttl);
  dns::Name zone = delegation.zone;
  Delegation parent_side = delegation;
  // Put replaces the whole entry: servers the parent no longer lists must not be asked.
  auto put = zones_.Put(
      zone, ZoneEntry{std::move(delegation), std::move(parent_side), clock_.Now() + lifetime});
  if (put.evicted) ++stats_.zones_evicted;
}

DelegationCache::ZoneEntry* DelegationCache::LiveZone(const dns::Name& zone) {
  if (zone.IsRoot() && root_) return &*root_;
  ZoneEntry* entry = zones_.Find(zone);
  if (entry == nullptr || entry->expires > clock_.Now()) return entry;
  // Past its NS TTL the parent may list other servers now: forget it so the next resolution
  // asks the parent again (RFC 1034 section 5.3.3 step 2 uses only unexpired NS data).
  zones_.Erase(zone);
  ++stats_.zones_expired;
  return nullptr;
}

std::optional<Delegation> DelegationCache::Closest(const dns::Name& name) {
  dns::Name current = name;
  for (;;) {
    if (const ZoneEntry* entry = LiveZone(current)) return entry->delegation;
    if (current.IsRoot()) return std::nullopt;
    current = current.Parent();
  }
}

std::optional<Delegation> DelegationCache::ParentSide(const dns::Name& zone) {
  if (const ZoneEntry* entry = LiveZone(zone)) return entry->parent_side;
  return std::nullopt;
}

void DelegationCache::SetAddresses(const dns::Name& zone, const dns::Name& server,
                                   std::vector<IpAddress> addresses) {
  ZoneEntry* entry = LiveZone(zone);
  if (entry == nullptr) return;
  for (NameServer& ns : entry->delegation.servers) {
    if (ns.name == server) {
      ns.addresses = addresses;
      ns.lookup_done = true;
    }
  }
}

RttEstimate& DelegationCache::Rtt(const IpAddress& address) {
  MonoTime now = clock_.Now();
  RttEntry fresh{RttEstimate(limits_.rtt), now + limits_.rtt_ttl};
  if (RttEntry* entry = rtt_.Find(address)) {
    if (entry->expires > now) return entry->estimate;
    // Measured from creation, not last use: every candidate's RTO is read each time a server
    // is chosen, so an idle timer would keep a dead server's back-off alive for ever.
    *entry = fresh;
    ++stats_.rtt_expired;
    return entry->estimate;
  }
  auto put = rtt_.Put(address, fresh);
  if (put.evicted) ++stats_.rtt_evicted;
  return put.value->estimate;
}

void DelegationCache::MarkLame(const dns::Name& zone, const IpAddress& address) {
  auto put = lame_.Put(LameKey{zone.LookupKey(), address}, clock_.Now() + limits_.lame_ttl);
  if (put.evicted) ++stats_.lame_evicted;
}

bool DelegationCache::IsLame(const dns::Name& zone, const IpAddress& address) {
  LameKey key{zone.LookupKey(), address};
  const MonoTime* expires = lame_.Find(key);
  if (expires == nullptr) return false;
  if (*expires > clock_.Now()) return true;
  lame_.Erase(key);  // The server may have been fixed: give it another chance.
  ++stats_.lame_expired;
  return false;
}

}  // namespace redoubt::resolver
