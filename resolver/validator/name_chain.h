// Denial of existence over a chain of "owner -> next name" records in RFC 4034 section 6.1
// canonical order: NSEC (RFC 4035 section 5.4) and its predecessor NXT (RFC 2535 section 5,
// dnssec-legacy.md section 3). nsec_denial.h and nxt_denial.h state the proofs; this is the logic
// they share, parametrised by the record format: which RRset type is read, how its RDATA decodes
// and which type the parent side of a zone cut is authoritative for.
//
// A record is used only when its RRset holds exactly one record that decodes, its owner and next
// name lie in `zone`, and it has no SOA bit unless its owner is the apex. "Covers" is owner <
// name < next, or owner < name for the last record of the zone (next == the apex). A record
// whose owner is the parent side of a cut (NS, no SOA) or a DNAME never covers names below its
// owner (BlocksNamesBelow, RFC 6840 section 4.1), and a name below such an owner is never proven
// absent. Pure functions over RRsets whose signatures the caller has already verified.
#pragma once

#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "net/dns/name.h"
#include "net/dns/rdata.h"
#include "net/dns/rrset.h"
#include "resolver/validator/denial.h"

namespace redoubt::resolver::name_chain {

// One usable record of the chain.
struct Link {
  const dns::Name* owner = nullptr;  // Points into the caller's proofs.
  dns::Name next;
  dns::TypeBitmap types;  // Sorted ascending (TypeBitmap::Contains needs it).
  bool Has(dns::RrType t) const noexcept { return types.Contains(t); }
};

// Reads one record's RDATA into link.next and link.types; false when it is malformed.
using DecodeFn = bool (*)(std::span<const uint8_t> rdata, Link& link);

// What differs between the chain formats.
struct Format {
  dns::RrType type;         // NSEC or NXT: RRsets of other types are skipped.
  dns::RrType parent_type;  // As in BitmapDeniesType: DS for NSEC, KEY for NXT.
  DecodeFn decode;
};

// DecodeFn for a record type with fields `next` (a Name) and `types` (a TypeBitmap or an
// NxtBitmap, both sorted ascending by their decoders).
template <typename Rdata>
bool DecodeLink(std::span<const uint8_t> rdata, Link& link) {
  auto decoded = dns::Decode<Rdata>(rdata);
  if (!decoded) return false;
  link.next = std::move(decoded->next);
  link.types = dns::TypeBitmap{std::move(decoded->types.types)};
  return true;
}

// The usable records of `zone` among `proofs`, and the proofs over them. `zone` and `proofs`
// must outlive the chain.
class Chain {
 public:
  Chain(const dns::Name& zone, std::span<const dns::RRset> proofs, const Format& format);

  // The record owned by `name`, or null.
  const Link* Match(const dns::Name& name) const;
  // `qname` is in the zone's namespace, not below a cut or DNAME, and there are records at all.
  bool Applies(const dns::Name& qname) const;

  // A record covers qname (none matches it or shows it as an empty non-terminal), and a record
  // covers "*.<closest encloser>". A set of the format's type owned by qname, even one unusable
  // as a proof, shows that qname exists.
  DenialResult ProveNxDomain(const dns::Name& qname) const;
  // A record matching qname that denies qtype (BitmapDeniesType with the format's parent type);
  // or a record covering qname whose next name is below qname (an empty non-terminal); or a
  // record covering qname and a record matching "*.<closest encloser>" that denies qtype.
  DenialResult ProveNoData(const dns::Name& qname, dns::RrType qtype) const;
  // A record covering qname whose closest encloser is exactly `encloser`.
  DenialResult ProveNoCloserMatch(const dns::Name& qname, const dns::Name& encloser) const;

 private:
  bool Covers(const Link& link, const dns::Name& name) const;
  const Link* FindCover(const dns::Name& name) const;
  bool ShowsExistence(const dns::Name& name) const;
  const Link* FindAbsenceCover(const dns::Name& name) const;

  const dns::Name& zone_;
  std::span<const dns::RRset> proofs_;
  Format format_;
  std::vector<Link> links_;
};

// RFC 4035 section 5.4, RFC 4592 section 3.3.1, RFC 2535 section 5.3: the closest encloser that
// a record with `owner` and `next` covering `qname` shows, the longest ancestor of qname shared
// with either name.
dns::Name ClosestEncloser(const dns::Name& qname, const dns::Name& owner, const dns::Name& next);

}  // namespace redoubt::resolver::name_chain
