// Denial of existence with NSEC (RFC 4035 sections 5.4 and 5.3.4, RFC 4592, RFC 6840 section 4).
//
// `zone` is the signer name of the NSEC RRsets and `proofs` the (already signature-verified)
// RRsets of the authority section; sets of other types are skipped. An NSEC is used only when
// its owner and next name lie in `zone`, its RRset holds exactly one record that decodes, and
// it has no SOA bit unless its owner is the apex. "Covers" is RFC 4034 section 6.1 canonical
// order, owner < name < next, and the last NSEC (next == the apex) covers everything after its
// owner. An NSEC whose owner is the parent side of a cut (NS, no SOA) or a DNAME never covers
// names below its owner (RFC 6840 section 4.1), and a name below such an owner is never proven
// absent. The budget is not spent (NSEC needs no hashing); it is taken for symmetry with
// nsec3_denial.h. kOptOut, kIterationsTooHigh and kBudgetExhausted are never returned here.
#pragma once

#include <span>

#include "net/dns/name.h"
#include "net/dns/rrset.h"
#include "resolver/query/validation_budget.h"
#include "resolver/validator/denial.h"

namespace redoubt::resolver::nsec {

// RFC 4035 section 5.4 with RFC 4592 section 4.1 (NXDOMAIN): an NSEC covers `qname` (and no
// NSEC matches it or shows it as an empty non-terminal), and an NSEC covers the wildcard
// "*.<closest encloser>", the closest encloser being the longest ancestor of qname shared with
// the covering NSEC's owner or next name.
DenialResult ProveNxDomain(const dns::Name& qname, const dns::Name& zone,
                           std::span<const dns::RRset> proofs, ValidationBudget& budget);

// RFC 4035 section 5.4 (NODATA): an NSEC matching `qname` whose bitmap has neither qtype nor
// CNAME (BitmapDeniesType: for DS, the parent side of the cut proves it, the child apex does
// not); or an NSEC covering qname whose next name lies below qname (qname is an empty
// non-terminal, RFC 4592 section 2.2.2); or wildcard NODATA: an NSEC covering qname and an NSEC
// matching "*.<closest encloser>" that denies qtype.
DenialResult ProveNoData(const dns::Name& qname, dns::RrType qtype, const dns::Name& zone,
                         std::span<const dns::RRset> proofs, ValidationBudget& budget);

// RFC 4035 section 5.3.4: a positive answer synthesised from the wildcard
// "*.<wildcard_closest_encloser>" needs an NSEC covering `qname` whose closest encloser is
// exactly wildcard_closest_encloser (a deeper one means a closer match exists).
DenialResult ProveNoCloserMatch(const dns::Name& qname, const dns::Name& wildcard_closest_encloser,
                                const dns::Name& zone, std::span<const dns::RRset> proofs,
                                ValidationBudget& budget);

// RFC 4035 section 5.2 (a NODATA or NXDOMAIN answer to "name DS"): an NSEC matching `name`
// with DS and SOA clear is kInsecureDelegation when NS is set, else kNotADelegation; an empty
// non-terminal or wildcard NODATA proof for DS is kNotADelegation; a full NXDOMAIN proof is
// kNoSuchName. `name` == `zone` (the child apex answering for its parent) is kNotProven.
DsDenial ClassifyDsDenial(const dns::Name& name, const dns::Name& zone,
                          std::span<const dns::RRset> proofs, ValidationBudget& budget);

// RFC 4035 section 5.4, RFC 4592 section 3.3.1: the closest encloser that an NSEC with `owner`
// and `next` covering `qname` shows, the longest ancestor of qname shared with either name.
dns::Name ClosestEncloser(const dns::Name& qname, const dns::Name& owner, const dns::Name& next);

}  // namespace redoubt::resolver::nsec
