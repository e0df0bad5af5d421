// Denial of existence with the legacy NXT record (type 30; RFC 2535 sections 5.1-5.3,
// dnssec-legacy.md section 3), the same proofs as nsec_denial.h over NXT RRsets.
//
// `zone` is the signer name of the NXT RRsets and `proofs` the (already signature-verified,
// dnssec-legacy.md section 3.4 step 1) RRsets of the authority section; sets of other types are
// skipped. An NXT is used only when its owner and next name lie in `zone`, its RRset holds
// exactly one record that decodes with a well-formed RFC 2535 section 5.2 bitmap (bit 0 clear,
// at most 16 octets, no trailing zero octet: checked by the decoder; the NXT bit set: checked
// here), and it has no SOA bit unless its owner is the apex. "Covers" is RFC 4034 section 6.1
// canonical order (dnssec-legacy.md section 3.3), owner < name < next, and the last NXT (next ==
// the apex) covers everything after its owner (RFC 2535 section 5.1: the chain is circular). An
// NXT at the parent side of a cut (NS, no SOA) or at a DNAME never covers names below its owner,
// and a name below such an owner is never proven absent (RFC 2535 section 5.2: the parent's NXT
// at a delegation point speaks only for the parent's own data there). The budget is not spent
// (NXT needs no hashing); it is taken for symmetry with nsec_denial.h. Only kProven and
// kNotProven are returned. The chain logic is shared with NSEC (name_chain.h).
#pragma once

#include <span>

#include "net/dns/name.h"
#include "net/dns/rrset.h"
#include "resolver/query/validation_budget.h"
#include "resolver/validator/denial.h"

namespace redoubt::resolver::nxt {

// RFC 2535 section 5.3, dnssec-legacy.md section 3.4 step 2 (NXDOMAIN): an NXT covers `qname`
// (and no NXT matches it, or shows it as an empty non-terminal with a name below it), and an NXT
// covers the wildcard "*.<closest encloser>", the closest encloser being the longest ancestor of
// qname shared with the covering NXT's owner or next name. An NXT set owned by qname, even one
// unusable as a proof, shows that qname exists.
DenialResult ProveNxDomain(const dns::Name& qname, const dns::Name& zone,
                           std::span<const dns::RRset> proofs, ValidationBudget& budget);

// RFC 2535 sections 5.2 and 5.3, dnssec-legacy.md section 3.4 step 3 (NODATA): an NXT matching
// `qname` whose bitmap has neither qtype nor CNAME, where an NXT at the parent side of a cut (NS
// without SOA) can deny only KEY (and NXT, whose bit is always set): the parent is authoritative
// there for KEY, NXT and their SIGs, not for the child's data; an apex NXT (SOA set) follows the
// plain rule, except that it never denies DS (BitmapDeniesType with parent type KEY). Or an NXT
// covering qname whose next name lies below qname (qname is an empty non-terminal); or wildcard
// NODATA: an NXT covering qname and an NXT matching "*.<closest encloser>" that denies qtype.
DenialResult ProveNoData(const dns::Name& qname, dns::RrType qtype, const dns::Name& zone,
                         std::span<const dns::RRset> proofs, ValidationBudget& budget);

// RFC 2535 section 5.3, dnssec-legacy.md section 3.4 step 4: a positive answer synthesised from
// the wildcard "*.<wildcard_closest_encloser>" (its SIG labels field smaller than the owner's
// label count) needs an NXT covering `qname` whose closest encloser is exactly
// wildcard_closest_encloser (a deeper one means a closer match exists).
DenialResult ProveNoCloserMatch(const dns::Name& qname, const dns::Name& wildcard_closest_encloser,
                                const dns::Name& zone, std::span<const dns::RRset> proofs,
                                ValidationBudget& budget);

}  // namespace redoubt::resolver::nxt
