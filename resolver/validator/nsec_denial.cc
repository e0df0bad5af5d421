#include "resolver/validator/nsec_denial.h"

#include "resolver/validator/name_chain.h"

namespace redoubt::resolver::nsec {
namespace {

using dns::Name;
using dns::RrType;

// RFC 4035 section 5.4: the parent side of a cut speaks for DS (and NSEC) only.
constexpr name_chain::Format kNsec{RrType::NSEC, RrType::DS,
                                   &name_chain::DecodeLink<dns::rdata::NSEC>};

}  // namespace

Name ClosestEncloser(const Name& qname, const Name& owner, const Name& next) {
  return name_chain::ClosestEncloser(qname, owner, next);
}

DenialResult ProveNxDomain(const Name& qname, const Name& zone, std::span<const dns::RRset> proofs,
                           ValidationBudget& /*budget*/) {
  return name_chain::Chain(zone, proofs, kNsec).ProveNxDomain(qname);
}

DenialResult ProveNoData(const Name& qname, RrType qtype, const Name& zone,
                         std::span<const dns::RRset> proofs, ValidationBudget& /*budget*/) {
  return name_chain::Chain(zone, proofs, kNsec).ProveNoData(qname, qtype);
}

DenialResult ProveNoCloserMatch(const Name& qname, const Name& wildcard_closest_encloser,
                                const Name& zone, std::span<const dns::RRset> proofs,
                                ValidationBudget& /*budget*/) {
  return name_chain::Chain(zone, proofs, kNsec)
      .ProveNoCloserMatch(qname, wildcard_closest_encloser);
}

DsDenial ClassifyDsDenial(const Name& name, const Name& zone, std::span<const dns::RRset> proofs,
                          ValidationBudget& /*budget*/) {
  const name_chain::Chain chain(zone, proofs, kNsec);
  if (!chain.Applies(name) || name == zone) return DsDenial::kNotProven;
  if (const name_chain::Link* match = chain.Match(name)) {
    if (match->Has(RrType::DS) || match->Has(RrType::SOA)) return DsDenial::kNotProven;
    return match->Has(RrType::NS) ? DsDenial::kInsecureDelegation : DsDenial::kNotADelegation;
  }
  if (chain.ProveNoData(name, RrType::DS) == DenialResult::kProven) {
    return DsDenial::kNotADelegation;  // An empty non-terminal or a wildcard: no cut here.
  }
  if (chain.ProveNxDomain(name) == DenialResult::kProven) return DsDenial::kNoSuchName;
  return DsDenial::kNotProven;
}

}  // namespace redoubt::resolver::nsec
