#include "resolver/validator/name_chain.h"

#include <algorithm>

namespace redoubt::resolver::name_chain {
namespace {

using dns::Name;
using dns::RrType;

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

// The records of `zone` that may be used at all (see the header).
std::vector<Link> UsableLinks(const Name& zone, std::span<const dns::RRset> proofs,
                              const Format& format) {
  std::vector<Link> out;
  for (const dns::RRset& set : proofs) {
    if (set.type != format.type || set.rdatas.size() != 1) continue;
    if (!set.owner.IsSubdomainOf(zone)) continue;
    Link link;
    link.owner = &set.owner;
    if (!format.decode(set.rdatas.front(), link) || !link.next.IsSubdomainOf(zone)) continue;
    if (link.Has(RrType::SOA) && !(set.owner == zone)) continue;  // SOA only at the apex.
    out.push_back(std::move(link));
  }
  return out;
}

Name ClosestEncloser(const Name& qname, const Link& cover) {
  return name_chain::ClosestEncloser(qname, *cover.owner, cover.next);
}

}  // namespace

Name ClosestEncloser(const Name& qname, const Name& owner, const Name& next) {
  return qname.Suffix(std::max(SharedLabels(qname, owner), SharedLabels(qname, next)));
}

Chain::Chain(const Name& zone, std::span<const dns::RRset> proofs, const Format& format)
    : zone_(zone), proofs_(proofs), format_(format), links_(UsableLinks(zone, proofs, format)) {}

const Link* Chain::Match(const Name& name) const {
  for (const Link& l : links_) {
    if (*l.owner == name) return &l;
  }
  return nullptr;
}

// RFC 4034 section 6.1 order: owner < name < next, or owner < name for the last record of the
// zone (next is the apex). Never across a cut or DNAME at the owner (RFC 6840 section 4.1).
bool Chain::Covers(const Link& l, const Name& name) const {
  if (name.IsSubdomainOf(*l.owner) && BlocksNamesBelow(l.types)) return false;
  if (l.owner->CanonicalCompare(name) != std::weak_ordering::less) return false;
  if (l.next == zone_) return true;
  return name.CanonicalCompare(l.next) == std::weak_ordering::less;
}

const Link* Chain::FindCover(const Name& name) const {
  for (const Link& l : links_) {
    if (Covers(l, name)) return &l;
  }
  return nullptr;
}

// True when some record shows that `name` exists: it owns one, is one's next name, or has one
// (owner or next) below it, which makes it at least an empty non-terminal.
bool Chain::ShowsExistence(const Name& name) const {
  return std::any_of(links_.begin(), links_.end(), [&](const Link& l) {
    return l.owner->IsSubdomainOf(name) || l.next.IsSubdomainOf(name);
  });
}

// The record covering `name` when no record shows that the name exists after all.
const Link* Chain::FindAbsenceCover(const Name& name) const {
  if (ShowsExistence(name)) return nullptr;
  return FindCover(name);
}

// Shared preconditions: qname inside the zone's namespace and not below a cut or DNAME (a record
// showing a strict ancestor of qname to be either: qname belongs to another zone or is
// redirected, and `zone` cannot deny it).
bool Chain::Applies(const Name& qname) const {
  if (links_.empty() || !qname.IsSubdomainOf(zone_)) return false;
  return std::none_of(links_.begin(), links_.end(), [&](const Link& l) {
    return !(*l.owner == qname) && qname.IsSubdomainOf(*l.owner) && BlocksNamesBelow(l.types);
  });
}

DenialResult Chain::ProveNxDomain(const Name& qname) const {
  if (!Applies(qname) || qname == zone_) return DenialResult::kNotProven;
  // A signed set at qname shows that qname exists, even one unusable as a proof.
  if (std::any_of(proofs_.begin(), proofs_.end(), [&](const dns::RRset& set) {
        return set.type == format_.type && set.owner == qname;
      })) {
    return DenialResult::kNotProven;
  }
  const Link* cover = FindAbsenceCover(qname);
  if (cover == nullptr) return DenialResult::kNotProven;
  auto wildcard = ClosestEncloser(qname, *cover).Wildcard();
  if (!wildcard || FindAbsenceCover(*wildcard) == nullptr) return DenialResult::kNotProven;
  return DenialResult::kProven;
}

DenialResult Chain::ProveNoData(const Name& qname, RrType qtype) const {
  if (!Applies(qname)) return DenialResult::kNotProven;
  if (const Link* match = Match(qname)) {
    return BitmapDeniesType(match->types, qtype, qname, format_.parent_type)
               ? DenialResult::kProven
               : DenialResult::kNotProven;
  }
  const Link* cover = FindCover(qname);
  if (cover == nullptr) return DenialResult::kNotProven;
  if (cover->next.IsSubdomainOf(qname)) return DenialResult::kProven;  // Empty non-terminal.
  if (ShowsExistence(qname)) return DenialResult::kNotProven;
  auto wildcard = ClosestEncloser(qname, *cover).Wildcard();
  const Link* source = wildcard ? Match(*wildcard) : nullptr;
  if (source == nullptr ||
      !BitmapDeniesType(source->types, qtype, *wildcard, format_.parent_type)) {
    return DenialResult::kNotProven;
  }
  return DenialResult::kProven;
}

DenialResult Chain::ProveNoCloserMatch(const Name& qname, const Name& encloser) const {
  if (!Applies(qname) || !encloser.IsSubdomainOf(zone_) || !qname.IsSubdomainOf(encloser) ||
      qname == encloser) {
    return DenialResult::kNotProven;
  }
  const Link* cover = FindAbsenceCover(qname);
  if (cover == nullptr || !(ClosestEncloser(qname, *cover) == encloser)) {
    return DenialResult::kNotProven;
  }
  return DenialResult::kProven;
}

}  // namespace redoubt::resolver::name_chain
