#include "resolver/iterator/delegation_cache.h"

#include <algorithm>
#include <array>
#include <chrono>

namespace redoubt::resolver {
namespace {
constexpr uint32_t kMaxDelegationTtl = 86400;
constexpr std::chrono::seconds kLameTime{900};  // Unbound's infra-lame-ttl.
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

void DelegationCache::SetRoot(Delegation root) {
  dns::Name zone = root.zone;
  zones_[zone] = Entry{std::move(root), MonoTime::max(), true};
}

void DelegationCache::Store(Delegation delegation, uint32_t ttl) {
  dns::Name zone = delegation.zone;
  auto it = zones_.find(zone);
  if (it != zones_.end() && it->second.permanent) return;
  auto expires = clock_.Now() + std::chrono::seconds(std::min(ttl, kMaxDelegationTtl));
  zones_[zone] = Entry{std::move(delegation), expires, false};
}

std::optional<Delegation> DelegationCache::Closest(const dns::Name& name) const {
  dns::Name current = name;
  for (;;) {
    auto it = zones_.find(current);
    if (it != zones_.end() && (it->second.permanent || it->second.expires > clock_.Now())) {
      return it->second.delegation;
    }
    if (current.IsRoot()) return std::nullopt;
    current = current.Parent();
  }
}

void DelegationCache::SetAddresses(const dns::Name& zone, const dns::Name& server,
                                   std::vector<IpAddress> addresses) {
  auto it = zones_.find(zone);
  if (it == zones_.end()) return;
  for (NameServer& ns : it->second.delegation.servers) {
    if (ns.name == server) {
      ns.addresses = addresses;
      ns.lookup_done = true;
    }
  }
}

RttEstimate& DelegationCache::Rtt(const IpAddress& address) { return rtt_[address]; }

void DelegationCache::MarkLame(const dns::Name& zone, const IpAddress& address) {
  lame_[{zone.LookupKey(), address}] = clock_.Now() + kLameTime;
}

bool DelegationCache::IsLame(const dns::Name& zone, const IpAddress& address) const {
  auto it = lame_.find({zone.LookupKey(), address});
  return it != lame_.end() && it->second > clock_.Now();
}

}  // namespace redoubt::resolver
