// Hard limits on the work one client query may cause, and the budget that enforces them.
// Defaults from ../shared/docs/research/security.md section 5 (Unbound max-global-quota, BIND
// max-query-count and max-recursion-depth, PowerDNS). Exhausting any limit ends resolution with
// SERVFAIL and an Extended DNS Error (RFC 8914), never an exception.
#pragma once

#include <cstdint>
#include <string_view>

namespace redoubt::resolver {

struct QueryLimits {
  uint32_t upstream_queries = 200;     // Every query sent for one client query, all restarts.
  uint32_t queries_per_name = 50;      // Reset at each CNAME/DNAME hop.
  uint32_t cname_hops = 11;            // CNAME/DNAME restarts.
  uint32_t dependency_depth = 7;       // Nested sub-resolutions (NS addresses, DS, DNSKEY).
  uint32_t referrals = 130;
  uint32_t ns_per_delegation = 13;     // NS names considered per zone cut.
  uint32_t ns_address_lookups = 10;    // Sub-queries for NS addresses.
  uint32_t ns_address_failures = 5;    // Stop looking up NS addresses after this many fail.
  uint32_t deadline_ms = 10000;        // The whole client query.
};

// Which limit ran out.
enum class LimitHit : uint8_t {
  kNone, kUpstreamQueries, kQueriesPerName, kCnameHops, kDependencyDepth, kReferrals,
  kNsAddressLookups, kNsAddressFailures,
};
std::string_view LimitHitName(LimitHit hit) noexcept;

// The work one client query has done so far. Each Try* call counts one unit and returns false
// (recording which limit) once the limit is reached; the caller then fails the query.
class QueryBudget {
 public:
  explicit QueryBudget(const QueryLimits& limits = {}) : limits_(limits) {}

  bool TryUpstreamQuery() noexcept;
  bool TryCnameHop() noexcept;  // Also resets the per-name query count.
  bool TryReferral() noexcept;
  bool TryNsAddressLookup() noexcept;
  void NsAddressFailed() noexcept { ++ns_address_failures_; }
  bool NsAddressLookupsExhausted() const noexcept {
    return ns_address_failures_ >= limits_.ns_address_failures;
  }
  // Entering / leaving a dependent sub-resolution; Enter fails beyond dependency_depth.
  bool TryEnterDependency() noexcept;
  void LeaveDependency() noexcept { if (depth_ > 0) --depth_; }

  LimitHit hit() const noexcept { return hit_; }
  uint32_t upstream_queries() const noexcept { return upstream_queries_; }
  const QueryLimits& limits() const noexcept { return limits_; }

 private:
  bool Count(uint32_t& counter, uint32_t limit, LimitHit kind) noexcept;

  QueryLimits limits_;
  uint32_t upstream_queries_ = 0, queries_this_name_ = 0, cname_hops_ = 0, referrals_ = 0;
  uint32_t ns_address_lookups_ = 0, ns_address_failures_ = 0, depth_ = 0;
  LimitHit hit_ = LimitHit::kNone;
};

}  // namespace redoubt::resolver
