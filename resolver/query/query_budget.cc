#include "resolver/query/query_budget.h"

namespace redoubt::resolver {

std::string_view LimitHitName(LimitHit hit) noexcept {
  switch (hit) {
    case LimitHit::kNone: return "none";
    case LimitHit::kUpstreamQueries: return "upstream-queries";
    case LimitHit::kQueriesPerName: return "queries-per-name";
    case LimitHit::kCnameHops: return "cname-hops";
    case LimitHit::kDependencyDepth: return "dependency-depth";
    case LimitHit::kReferrals: return "referrals";
    case LimitHit::kNsAddressLookups: return "ns-address-lookups";
    case LimitHit::kNsAddressFailures: return "ns-address-failures";
  }
  return "?";
}

bool QueryBudget::Count(uint32_t& counter, uint32_t limit, LimitHit kind) noexcept {
  if (counter >= limit) {
    hit_ = kind;
    return false;
  }
  ++counter;
  return true;
}

bool QueryBudget::TryUpstreamQuery() noexcept {
  if (queries_this_name_ >= limits_.queries_per_name) {
    hit_ = LimitHit::kQueriesPerName;
    return false;
  }
  if (!Count(upstream_queries_, limits_.upstream_queries, LimitHit::kUpstreamQueries)) return false;
  ++queries_this_name_;
  return true;
}

bool QueryBudget::TryCnameHop() noexcept {
  if (!Count(cname_hops_, limits_.cname_hops, LimitHit::kCnameHops)) return false;
  queries_this_name_ = 0;
  return true;
}

bool QueryBudget::TryReferral() noexcept {
  return Count(referrals_, limits_.referrals, LimitHit::kReferrals);
}

bool QueryBudget::TryNsAddressLookup() noexcept {
  if (NsAddressLookupsExhausted()) {
    hit_ = LimitHit::kNsAddressFailures;
    return false;
  }
  return Count(ns_address_lookups_, limits_.ns_address_lookups, LimitHit::kNsAddressLookups);
}

bool QueryBudget::TryEnterDependency() noexcept {
  return Count(depth_, limits_.dependency_depth, LimitHit::kDependencyDepth);
}

}  // namespace redoubt::resolver
