// The validator's view of denial proofs: picks the NSEC or NSEC3 records out of a resolution's
// authority section (only those already judged Secure, so a forged or unsigned record never
// proves anything), finds the zone that signed them, and asks nsec_denial / nsec3_denial what
// they prove. Also maps a DenialResult onto a status and an Extended DNS Error.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "net/dns/edns.h"
#include "net/dns/rrset.h"
#include "resolver/query/validation_budget.h"
#include "resolver/validator/denial.h"

namespace redoubt::resolver {

// NXDOMAIN (RFC 4035 section 5.4, RFC 5155 section 8.4) or NODATA (RFC 4035 section 5.4,
// RFC 5155 sections 8.5-8.7) for `qname`/`qtype` from the secure proofs in `authority`.
// Only records signed by `zone` (the SOA's owner) count: the authority section of a CNAME
// chain holds other zones' proofs too.
DenialResult ProveNegativeAnswer(bool nxdomain, const dns::Name& qname, dns::RrType qtype,
                                 const dns::Name& zone, const std::vector<dns::RRset>& authority,
                                 ValidationBudget& budget);

// For an answer at `qname` expanded from a wildcard whose RRSIG Labels field is `labels`: the
// proof that no closer name exists (RFC 4035 section 5.3.4, RFC 5155 section 8.8).
// `zone` is the signer of the expanded RRset.
DenialResult ProveWildcardExpansion(const dns::Name& qname, uint8_t labels, const dns::Name& zone,
                                    const std::vector<dns::RRset>& authority, ValidationBudget& budget);

// What a negative answer to "`child` DS" says about a zone cut at `child` (RFC 4035 section
// 5.2, RFC 5155 section 8.9), from the secure proofs in `authority`.
DsDenial ClassifyDsAnswer(const dns::Name& child, const std::vector<dns::RRset>& authority,
                          ValidationBudget& budget);

// The status a proof gives an answer: kProven Secure; kOptOut and kIterationsTooHigh Insecure;
// the rest Bogus.
dns::Security DenialSecurity(DenialResult result) noexcept;
// The Extended DNS Error that goes with it: 12 NSEC Missing, 27 Unsupported NSEC3 Iterations,
// 6 DNSSEC Bogus for an exhausted budget; none when proven or opt-out.
std::optional<dns::EdeCode> DenialEde(DenialResult result) noexcept;
// Text for EXTRA-TEXT: "<what> for <name>: <reason>".
std::string DenialWhy(DenialResult result, const dns::Name& name, const std::string& what,
                      std::string_view records = "NSEC/NSEC3");

}  // namespace redoubt::resolver
