#include "resolver/validator/nsec_denial.h"

#include <algorithm>
#include <vector>

#include "net/dns/rdata.h"

namespace redoubt::resolver::nsec {
namespace {

using dns::Name;
using dns::RrType;

struct Nsec {
  const Name* owner;
  dns::rdata::NSEC rdata;
  bool Has(RrType t) const noexcept { return rdata.types.Contains(t); }
};

// The NSEC records of `zone` that may be used at all (see the header).
std::vector<Nsec> UsableNsecs(const Name& zone, std::span<const dns::RRset> proofs) {
  std::vector<Nsec> out;
  for (const dns::RRset& set : proofs) {
    if (set.type != RrType::NSEC || set.rdatas.size() != 1) continue;
    if (!set.owner.IsSubdomainOf(zone)) continue;
    auto decoded = dns::Decode<dns::rdata::NSEC>(set.rdatas.front());
    if (!decoded || !decoded->next.IsSubdomainOf(zone)) continue;
    Nsec nsec{&set.owner, std::move(*decoded)};
    if (nsec.Has(RrType::SOA) && !(set.owner == zone)) continue;  // SOA only at the apex.
    out.push_back(std::move(nsec));
  }
  return out;
}

const Nsec* FindMatch(const std::vector<Nsec>& nsecs, const Name& name) {
  for (const Nsec& n : nsecs) {
    if (*n.owner == name) return &n;
  }
  return nullptr;
}

// RFC 4034 section 6.1 order: owner < name < next, or owner < name for the last NSEC of the
// zone (next is the apex). Never across a cut or DNAME at the owner (RFC 6840 section 4.1).
bool Covers(const Nsec& n, const Name& name, const Name& zone) {
  if (name.IsSubdomainOf(*n.owner) && BlocksNamesBelow(n.rdata.types)) return false;
  if (n.owner->CanonicalCompare(name) != std::weak_ordering::less) return false;
  if (n.rdata.next == zone) return true;
  return name.CanonicalCompare(n.rdata.next) == std::weak_ordering::less;
}

const Nsec* FindCover(const std::vector<Nsec>& nsecs, const Name& name, const Name& zone) {
  for (const Nsec& n : nsecs) {
    if (Covers(n, name, zone)) return &n;
  }
  return nullptr;
}

// True when an NSEC shows a strict ancestor of `name` to be a cut's parent side or a DNAME:
// then `name` belongs to another zone (or is redirected) and `zone` cannot deny it.
bool BelowCutOrDname(const std::vector<Nsec>& nsecs, const Name& name) {
  return std::any_of(nsecs.begin(), nsecs.end(), [&](const Nsec& n) {
    return !(*n.owner == name) && name.IsSubdomainOf(*n.owner) && BlocksNamesBelow(n.rdata.types);
  });
}

bool SameLabel(std::span<const uint8_t> a, std::span<const uint8_t> b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                    [](uint8_t x, uint8_t y) { return dns::AsciiLower(x) == dns::AsciiLower(y); });
}

// The number of rightmost labels `a` and `b` share.
size_t SharedLabels(const Name& a, const Name& b) {
  size_t la = a.LabelCount(), lb = b.LabelCount(), n = 0;
  while (n < la && n < lb && SameLabel(a.Label(la - 1 - n), b.Label(lb - 1 - n))) ++n;
  return n;
}

Name ClosestEncloser(const Name& qname, const Nsec& cover) {
  return nsec::ClosestEncloser(qname, *cover.owner, cover.rdata.next);
}

// True when some NSEC shows that `name` exists: it owns one, is one's next name, or has one
// (owner or next) below it, which makes it at least an empty non-terminal.
bool ShowsExistence(const std::vector<Nsec>& nsecs, const Name& name) {
  return std::any_of(nsecs.begin(), nsecs.end(), [&](const Nsec& n) {
    return n.owner->IsSubdomainOf(name) || n.rdata.next.IsSubdomainOf(name);
  });
}

// The NSEC covering `name` when no NSEC shows that the name exists after all.
const Nsec* FindAbsenceCover(const std::vector<Nsec>& nsecs, const Name& name, const Name& zone) {
  if (ShowsExistence(nsecs, name)) return nullptr;
  return FindCover(nsecs, name, zone);
}

// Shared preconditions: qname strictly inside the zone's namespace and not below a cut.
bool Applies(const std::vector<Nsec>& nsecs, const Name& qname, const Name& zone) {
  return !nsecs.empty() && qname.IsSubdomainOf(zone) && !BelowCutOrDname(nsecs, qname);
}

}  // namespace

Name ClosestEncloser(const Name& qname, const Name& owner, const Name& next) {
  return qname.Suffix(std::max(SharedLabels(qname, owner), SharedLabels(qname, next)));
}

DenialResult ProveNxDomain(const Name& qname, const Name& zone, std::span<const dns::RRset> proofs,
                           ValidationBudget& /*budget*/) {
  const std::vector<Nsec> nsecs = UsableNsecs(zone, proofs);
  if (!Applies(nsecs, qname, zone) || qname == zone) return DenialResult::kNotProven;
  // A signed NSEC set at qname shows that qname exists, even one unusable as a proof.
  if (std::any_of(proofs.begin(), proofs.end(), [&](const dns::RRset& set) {
        return set.type == RrType::NSEC && set.owner == qname;
      })) {
    return DenialResult::kNotProven;
  }
  const Nsec* cover = FindAbsenceCover(nsecs, qname, zone);
  if (cover == nullptr) return DenialResult::kNotProven;
  auto wildcard = ClosestEncloser(qname, *cover).Wildcard();
  if (!wildcard || FindAbsenceCover(nsecs, *wildcard, zone) == nullptr) {
    return DenialResult::kNotProven;
  }
  return DenialResult::kProven;
}

DenialResult ProveNoData(const Name& qname, RrType qtype, const Name& zone,
                         std::span<const dns::RRset> proofs, ValidationBudget& /*budget*/) {
  const std::vector<Nsec> nsecs = UsableNsecs(zone, proofs);
  if (!Applies(nsecs, qname, zone)) return DenialResult::kNotProven;
  if (const Nsec* match = FindMatch(nsecs, qname)) {
    return BitmapDeniesType(match->rdata.types, qtype, qname) ? DenialResult::kProven
                                                              : DenialResult::kNotProven;
  }
  const Nsec* cover = FindCover(nsecs, qname, zone);
  if (cover == nullptr) return DenialResult::kNotProven;
  if (cover->rdata.next.IsSubdomainOf(qname)) return DenialResult::kProven;  // Empty non-terminal.
  if (ShowsExistence(nsecs, qname)) return DenialResult::kNotProven;
  auto wildcard = ClosestEncloser(qname, *cover).Wildcard();
  const Nsec* source = wildcard ? FindMatch(nsecs, *wildcard) : nullptr;
  if (source == nullptr || !BitmapDeniesType(source->rdata.types, qtype, *wildcard)) {
    return DenialResult::kNotProven;
  }
  return DenialResult::kProven;
}

DenialResult ProveNoCloserMatch(const Name& qname, const Name& wildcard_closest_encloser,
                                const Name& zone, std::span<const dns::RRset> proofs,
                                ValidationBudget& /*budget*/) {
  const std::vector<Nsec> nsecs = UsableNsecs(zone, proofs);
  if (!Applies(nsecs, qname, zone) || !wildcard_closest_encloser.IsSubdomainOf(zone) ||
      !qname.IsSubdomainOf(wildcard_closest_encloser) || qname == wildcard_closest_encloser) {
    return DenialResult::kNotProven;
  }
  const Nsec* cover = FindAbsenceCover(nsecs, qname, zone);
  if (cover == nullptr || !(ClosestEncloser(qname, *cover) == wildcard_closest_encloser)) {
    return DenialResult::kNotProven;
  }
  return DenialResult::kProven;
}

DsDenial ClassifyDsDenial(const Name& name, const Name& zone, std::span<const dns::RRset> proofs,
                          ValidationBudget& budget) {
  const std::vector<Nsec> nsecs = UsableNsecs(zone, proofs);
  if (!Applies(nsecs, name, zone) || name == zone) return DsDenial::kNotProven;
  if (const Nsec* match = FindMatch(nsecs, name)) {
    if (match->Has(RrType::DS) || match->Has(RrType::SOA)) return DsDenial::kNotProven;
    return match->Has(RrType::NS) ? DsDenial::kInsecureDelegation : DsDenial::kNotADelegation;
  }
  if (ProveNoData(name, RrType::DS, zone, proofs, budget) == DenialResult::kProven) {
    return DsDenial::kNotADelegation;  // An empty non-terminal or a wildcard: no cut here.
  }
  if (ProveNxDomain(name, zone, proofs, budget) == DenialResult::kProven) {
    return DsDenial::kNoSuchName;
  }
  return DsDenial::kNotProven;
}

}  // namespace redoubt::resolver::nsec
