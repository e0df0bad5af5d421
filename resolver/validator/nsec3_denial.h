// Denial of existence with NSEC3 (RFC 5155 section 8, RFC 9276 section 3.2, RFC 6840).
//
// `zone` is the signer name of the NSEC3 RRsets and `proofs` the (already signature-verified)
// RRsets of the authority section; sets of other types are skipped. An NSEC3 is used only when
// its owner is "<base32hex hash>.<zone>" (exactly one label below the zone, 20 octets after
// decoding), its RRset holds exactly one record that decodes, its hash algorithm is SHA-1
// (RFC 5155 section 8.1: others are ignored), its flags have no bit but Opt-Out (section 8.2),
// and its next hashed owner is 20 octets. One proof uses one parameter set (hash algorithm,
// iterations, salt): that of the first usable NSEC3; records with other parameters are ignored.
//
// Cost (CVE-2023-50868): before any hashing, iterations above budget.limits().nsec3_iterations
// give kIterationsTooHigh. Every hash is charged to budget.TryNsec3Hash() first (running out
// gives kBudgetExhausted) and each name is hashed at most once per call. The closest encloser is
// searched from the apex downwards, stopping at the first name without a matching NSEC3, so a
// deep query name under a shallow encloser costs a few hashes, not one per label.
#pragma once

#include <span>

#include "net/dns/name.h"
#include "net/dns/rrset.h"
#include "resolver/query/validation_budget.h"
#include "resolver/validator/denial.h"

namespace redoubt::resolver::nsec3 {

// RFC 5155 section 8.4 (NXDOMAIN): a closest encloser proof for `qname` (section 8.3: an NSEC3
// matching the closest encloser, which is not the parent side of a cut nor a DNAME, and one
// covering the next closer name), no NSEC3 matching qname, and an NSEC3 covering the wildcard
// "*.<closest encloser>". kOptOut when the next closer name's cover has Opt-Out (section 9.2).
DenialResult ProveNxDomain(const dns::Name& qname, const dns::Name& zone,
                           std::span<const dns::RRset> proofs, ValidationBudget& budget);

// RFC 5155 sections 8.5-8.7 (NODATA): an NSEC3 matching `qname` whose bitmap denies qtype
// (BitmapDeniesType: neither qtype nor CNAME; for DS not the child apex; otherwise not the
// parent side of a cut); for DS without a match, a closest encloser proof whose next closer
// cover has Opt-Out (section 8.6, kOptOut); otherwise wildcard NODATA (section 8.7): a closest
// encloser proof and an NSEC3 matching "*.<closest encloser>" that denies qtype (kOptOut when
// the next closer cover has Opt-Out).
DenialResult ProveNoData(const dns::Name& qname, dns::RrType qtype, const dns::Name& zone,
                         std::span<const dns::RRset> proofs, ValidationBudget& budget);

// RFC 5155 section 8.8: a positive answer synthesised from "*.<wildcard_closest_encloser>"
// needs an NSEC3 covering (and none matching) the next closer name, the ancestor of `qname` one
// label below wildcard_closest_encloser. kOptOut when that cover has Opt-Out.
DenialResult ProveNoCloserMatch(const dns::Name& qname, const dns::Name& wildcard_closest_encloser,
                                const dns::Name& zone, std::span<const dns::RRset> proofs,
                                ValidationBudget& budget);

// RFC 5155 sections 8.6 and 8.9 with RFC 4035 section 5.2 (an answer to "name DS"): an NSEC3
// matching `name` with DS and SOA clear is kInsecureDelegation when NS is set, else
// kNotADelegation; without a match, a closest encloser proof whose next closer cover has Opt-Out
// is kInsecureDelegation, one with a covered wildcard is kNoSuchName, and one with a matching
// wildcard that denies DS is kNotADelegation. `name` == `zone` is kNotProven.
DsDenial ClassifyDsDenial(const dns::Name& name, const dns::Name& zone,
                          std::span<const dns::RRset> proofs, ValidationBudget& budget);

}  // namespace redoubt::resolver::nsec3
