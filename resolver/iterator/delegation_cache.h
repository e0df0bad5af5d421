// The iterator's infrastructure cache, one per worker: known zone cuts with their name servers
// and addresses (from root hints, priming and referrals), per-server RTT estimates, and servers
// found lame for a zone. It is the seam the LMDB cache will sit behind for delegations; the
// iterator only calls these methods.
#pragma once

#include <map>
#include <optional>
#include <span>
#include <unordered_map>
#include <vector>

#include "net/base/clock.h"
#include "net/base/endpoint.h"
#include "net/dns/name.h"
#include "net/dns/types.h"
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

class DelegationCache {
 public:
  explicit DelegationCache(const Clock& clock) : clock_(clock) {}

  // The root's servers from hints or priming; never expires.
  void SetRoot(Delegation root);
  // A zone cut learnt from a referral, kept for `ttl` seconds (capped at one day).
  void Store(Delegation delegation, uint32_t ttl);
  // The deepest unexpired cut at or above `name` (the root at least, once set).
  std::optional<Delegation> Closest(const dns::Name& name) const;
  // Records the addresses found for a name server of `zone` (RFC 1034 section 5.3.3 step 4).
  void SetAddresses(const dns::Name& zone, const dns::Name& server, std::vector<IpAddress> addresses);

  // Whether the root has been primed (RFC 8109) since the hints were set.
  bool primed() const noexcept { return primed_; }
  void MarkPrimed() noexcept { primed_ = true; }

  RttEstimate& Rtt(const IpAddress& address);
  void MarkLame(const dns::Name& zone, const IpAddress& address);
  bool IsLame(const dns::Name& zone, const IpAddress& address) const;

 private:
  struct Entry {
    Delegation delegation;
    MonoTime expires;
    bool permanent = false;
  };
  const Clock& clock_;
  bool primed_ = false;
  std::unordered_map<dns::Name, Entry, dns::NameHash> zones_;
  std::map<IpAddress, RttEstimate> rtt_;
  std::map<std::pair<std::string, IpAddress>, MonoTime> lame_;
};

}  // namespace redoubt::resolver
