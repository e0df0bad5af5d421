// Aggressive use of DNSSEC-validated cache (RFC 8198): an NXDOMAIN or NODATA answer made from the
// secure NSEC or NSEC3 records already cached for a zone, without asking the zone's servers.
//
// The records come from the store's range index (AnswerStore::NsecAtOrBefore, Nsec3AtOrBefore)
// and are checked by the same pure proofs a received answer gets (proof_check.h over
// nsec_denial.h and nsec3_denial.h), as if they were a reply's authority section. Only a proof
// that comes out kProven answers: an NSEC3 Opt-Out span (RFC 5155 section 9.2) or iterations
// above the limit (RFC 9276 section 3.2) give an insecure answer at best, which RFC 8198 section
// 4 does not allow to be synthesised. Every record used must be Secure, signed by `zone`, and
// alive; so must the SOA cached with the first of them (RFC 8198 section 5.1), which goes in
// the answer (RFC 2308 section 3).
//
// What is looked up (one range seek each):
//   NSEC   the record at or before qname (it matches qname, covers it, or is of no use), and,
//          when qname is not matched nor an empty non-terminal, the record at or before the
//          wildcard at the closest encloser it shows (RFC 4035 section 5.4, RFC 4592): 2 seeks.
//   NSEC3  the zone's last record (its parameters, and the cover of hashes below the first),
//          then from the apex down the record at or before each ancestor's hash until qname
//          matches (NODATA, RFC 5155 section 8.5) or one covers (the next closer name, section
//          8.3), then the wildcard's: one seek and one hash per level, each hash charged to the
//          request's ValidationBudget (CVE-2023-50868) before it is computed. Only the records
//          the proof needs are kept: the match, or the encloser's match, the next closer cover
//          and the wildcard's cover (NXDOMAIN, 8.4) or match (wildcard NODATA, 8.7).
//
// The result: rcode NXDOMAIN or NOERROR (NODATA, RFC 2308 section 2.2), no answer, authority =
// the SOA and the NSEC/NSEC3 RRsets with their RRSIGs (for DO=1 clients, RFC 4035 section
// 3.1.3), every RRset with the smallest remaining TTL of the entries used (RFC 8198 section 5.4,
// RFC 9077 section 3), status Secure, EDE 29 "Synthesized" (RFC 8914 registry). Nothing here
// throws or does I/O beyond the store's lookups.
#pragma once

#include <optional>

#include "net/dns/message_view.h"
#include "resolver/query/answer_store.h"
#include "resolver/query/resolution.h"
#include "resolver/query/validation_budget.h"

namespace redoubt::resolver {

// The negative answer to `question` that the cached secure denial records of `zone` prove, or
// nothing. `zone` must be the zone holding the question's name (for DS, its parent's zone) and
// known to be secure; the caller (DnssecValidator::Synthesise) finds it. Meta-types and ANY
// are never answered (a NODATA for ANY would deny types the name has).
std::optional<Resolution> SynthesiseDenial(AnswerStore& store, const dns::Name& zone,
                                           const dns::Question& question, ValidationBudget& budget);

}  // namespace redoubt::resolver
