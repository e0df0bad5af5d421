#include "resolver/validator/legacy_proofs.h"

#include <algorithm>

#include "net/dns/rdata.h"
#include "resolver/validator/nsec_denial.h"
#include "resolver/validator/nxt_denial.h"
#include "resolver/validator/validation_turns.h"
#include "resolver/validator/validator_fetch.h"

namespace redoubt::resolver {
namespace {

using dns::Name;
using dns::RrType;

std::optional<Name> WildcardAt(const Name& encloser) {
  static constexpr uint8_t kStar[] = {'*'};
  auto name = encloser.Prepend(kStar);
  return name ? std::optional<Name>(*name) : std::nullopt;
}

}  // namespace

LegacyProofs::LegacyProofs(const RequestContext& context, const ZoneTrust& zone, const Clock& clock, VerifyLimits limits)
    : context_(context), zone_(zone), clock_(clock), limits_(limits) {
  starts_.push_back(zone.zone);
}

void LegacyProofs::AddStart(const Name& name) {
  if (name.IsSubdomainOf(zone_.zone)) starts_.push_back(name);
}

bool LegacyProofs::Verified(dns::RRset& set) {
  RRsetVerdict verdict = VerifyRRset(set, zone_, clock_.WallSeconds(), limits_, context_.validation());
  if (verdict.security != dns::Security::kSecure) return false;
  set.security = dns::Security::kSecure;
  proofs_.push_back(set);
  return true;
}

Task<void> LegacyProofs::AddAuthority(const std::vector<dns::RRset>& authority) {
  for (const dns::RRset& set : authority) {
    if (set.type == RrType::SOA && !set.rdatas.empty()) {
      if (auto soa = dns::Decode<dns::rdata::SOA>(set.rdatas[0])) AddStart(soa->mname);
    }
    if (set.type != RrType::NXT || !set.owner.IsSubdomainOf(zone_.zone)) continue;
    dns::RRset nxt = set;  // A server that sends NXT records (RFC 2535 section 5.3) may send SIGs.
    co_await FetchLegacySigs(context_, nxt);
    Verified(nxt);
    co_await YieldIfDue(context_);
  }
}

void LegacyProofs::AddProofsTo(std::vector<dns::RRset>& authority) {
  for (dns::RRset& proof : proofs_) {
    bool present = std::any_of(authority.begin(), authority.end(), [&](const dns::RRset& s) {
      return s.type == RrType::NXT && s.owner == proof.owner;
    });
    if (!present) authority.push_back(std::move(proof));
  }
  proofs_.clear();
}

Task<std::optional<dns::RRset>> LegacyProofs::NxtAt(const Name& name) {
  for (const dns::RRset& known : proofs_) {
    if (known.owner == name) co_return known;
  }
  Resolution fetched = co_await FetchForValidation(context_, {name, RrType::NXT, dns::RrClass::IN}, true);
  for (dns::RRset& set : fetched.answer) {
    if (set.type != RrType::NXT || !(set.owner == name)) continue;
    co_await FetchLegacySigs(context_, set);
    co_await YieldIfDue(context_);
    // Not the zone's own (the child's NXT at a delegation, RFC 2535 section 5.1) or forged.
    if (!Verified(set)) co_return std::nullopt;
    co_return set;
  }
  co_return std::nullopt;
}

Task<std::optional<Name>> LegacyProofs::FindCovering(const Name& name) {
  Name current = zone_.zone;
  for (const Name& start : starts_) {
    if (start.CanonicalCompare(name) <= 0 && start.CanonicalCompare(current) > 0) current = start;
  }
  for (size_t step = 0; step < kMaxNxtSteps; ++step) {
    std::optional<dns::RRset> set = co_await NxtAt(current);
    if (!set || set->rdatas.size() != 1) co_return std::nullopt;
    auto nxt = dns::Decode<dns::rdata::NXT>(set->rdatas[0]);
    if (!nxt) co_return std::nullopt;
    if (current == name) co_return name;  // The name exists: its own NXT.
    bool wraps = nxt->next.CanonicalCompare(current) <= 0;  // The last NXT points at the apex.
    if (wraps || name.CanonicalCompare(nxt->next) < 0) co_return nsec::ClosestEncloser(name, current, nxt->next);
    current = nxt->next;
  }
  co_return std::nullopt;
}

Task<DenialResult> LegacyProofs::Negative(bool nxdomain, Name qname, RrType qtype,
                                          const std::vector<dns::RRset>& authority) {
  co_await AddAuthority(authority);
  ValidationBudget& budget = context_.validation();
  auto prove = [&] {
    return nxdomain ? nxt::ProveNxDomain(qname, zone_.zone, proofs_, budget)
                    : nxt::ProveNoData(qname, qtype, zone_.zone, proofs_, budget);
  };
  if (DenialResult first = prove(); first == DenialResult::kProven) co_return first;
  if (!nxdomain) {
    std::optional<dns::RRset> own = co_await NxtAt(qname);
    if (own) co_return prove();
  }
  std::optional<Name> encloser = co_await FindCovering(qname);
  if (encloser && !(*encloser == qname)) {
    if (std::optional<Name> wildcard = WildcardAt(*encloser)) {
      std::optional<Name> found = co_await FindCovering(*wildcard);
      (void)found;  // Covered (NXDOMAIN) or matched (wildcard NODATA): nxt:: decides which.
    }
  }
  co_return prove();
}

Task<DenialResult> LegacyProofs::WildcardExpansion(Name qname, uint8_t labels,
                                                   const std::vector<dns::RRset>& authority) {
  co_await AddAuthority(authority);
  Name encloser = qname.Suffix(labels);
  if (std::optional<Name> wildcard = WildcardAt(encloser)) AddStart(*wildcard);
  std::optional<Name> found = co_await FindCovering(qname);
  (void)found;
  co_return nxt::ProveNoCloserMatch(qname, encloser, zone_.zone, proofs_, context_.validation());
}

}  // namespace redoubt::resolver
