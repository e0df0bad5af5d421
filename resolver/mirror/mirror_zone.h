// MirrorZone: the in-memory authoritative copy of a mirrored zone (a local root, RFC 8806, or an
// internal zone transferred by AXFR, RFC 5936), answering as the zone's primary would.
//
// The copy is built once from every record of the zone and is immutable afterwards; share it
// through std::shared_ptr<const MirrorZone> across threads (no locks: nothing changes). To apply
// an IXFR, take Records(), apply the diffs and build a new copy.
//
// Answers follow RFC 1034 section 4.3.2 (referrals at zone cuts, CNAME, wildcards after RFC
// 4592), RFC 6672 (DNAME with a synthesised CNAME), RFC 2308 (negative answers with the SOA) and
// RFC 4035 section 3.1 (the DNSSEC records a DO query gets: RRSIGs, NSEC proofs, DS at cuts), so
// they can go through the same reply classifier and validator as network replies.
//
// Supported: unsigned zones, NSEC-signed zones and NSEC3-signed zones (NSEC3PARAM at the apex)
// with the RFC 5155 section 7.2 proofs: closest encloser, NXDOMAIN, NODATA (7.2.3, 7.2.4),
// wildcard answers and wildcard NODATA (7.2.5, 7.2.6), referrals without DS (7.2.7, opt-out
// included). Answer() gives nullopt (the caller then asks the network) when an NSEC3 proof
// cannot be built from the zone's chain (a missing or non-covering NSEC3), when the
// NSEC3PARAM's iterations exceed kMaxNsec3Iterations or its hash is not SHA-1, for questions
// outside the zone, of a class other than IN, or of a meta type (AXFR, IXFR, OPT, ...).
// Not supported: a wildcard owner that is only an empty non-terminal (it never matches here),
// and a wildcard owner that carries NS (Answer() gives nullopt).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "net/base/result.h"
#include "net/dns/message_view.h"
#include "net/dns/name.h"
#include "net/dns/rdata.h"
#include "net/dns/record.h"

namespace redoubt::resolver {

// The timer fields of the zone's SOA (RFC 1035 section 3.3.13).
struct SoaTimers {
  uint32_t serial = 0;
  uint32_t refresh = 0;
  uint32_t retry = 0;
  uint32_t expire = 0;
  uint32_t minimum = 0;
};

namespace mirror_detail {

using Bytes = std::vector<uint8_t>;

// RFC 4034 section 6.1 order, for the owner index.
struct CanonicalLess {
  bool operator()(const dns::Name& a, const dns::Name& b) const noexcept {
    return a.CanonicalCompare(b) < 0;
  }
};

// One RRset of an owner and the RRSIGs covering it. Either list may be empty (signatures over a
// type the owner lacks are kept too, for Records() and QTYPE RRSIG).
struct StoredSet {
  uint32_t ttl = UINT32_MAX;      // Minimum over the data records (RFC 2181 section 5.2).
  uint32_t sig_ttl = UINT32_MAX;  // Minimum over the RRSIG records.
  std::vector<Bytes> rdatas;      // Uncompressed storage form, canonical order, no duplicates.
  std::vector<Bytes> sigs;        // RRSIG RDATA covering this type, no duplicates.
};

struct Node {
  dns::Name owner;  // As first written in the zone (case kept).
  std::map<dns::RrType, StoredSet> sets;
  const StoredSet* Find(dns::RrType type) const noexcept;
  bool Has(dns::RrType type) const noexcept;  // Data of `type` (not only signatures).
};

using Tree = std::map<dns::Name, Node, CanonicalLess>;

}  // namespace mirror_detail

class MirrorZone {
 public:
  // NSEC3 iterations above this make Answer() give nullopt for answers that need NSEC3 proofs
  // (each proof hashes up to one name per label; RFC 9276 section 3.1 recommends 0).
  static constexpr uint16_t kMaxNsec3Iterations = 150;

  // Builds the copy of zone `apex` from every record of the zone (an AXFR's content; the SOA
  // may appear once or, as the AXFR framing has it, twice identically). Duplicate records
  // (RFC 4034 section 6.3, canonical form) are merged; an RRset's TTL is the minimum of its
  // records. Fails, with a reason naming the offending record ("<owner> <TYPE>: ..."), when:
  // there is no SOA at the apex, or more than one, or an SOA elsewhere; a record lies outside
  // the zone; the apex has no NS; a CNAME shares its owner with other data (RRSIG, NSEC and
  // NSEC3 aside: RFC 2181 section 10.1, RFC 4035 section 2.5); a record's class is not IN; an
  // owner has more than one DNAME (RFC 6672 section 2.4); an SOA, NSEC3PARAM or RRSIG does not
  // decode. Records of type NSEC3 and the RRSIGs over them form the hashed chain and are not
  // names of the zone for lookups (RFC 5155 section 7.2.8).
  static Result<std::shared_ptr<const MirrorZone>, std::string> Build(
      dns::Name apex, std::vector<dns::Record> records);

  MirrorZone(const MirrorZone&) = delete;
  MirrorZone& operator=(const MirrorZone&) = delete;

  const dns::Name& apex() const noexcept { return apex_; }
  const SoaTimers& soa() const noexcept { return soa_; }
  // Distinct records held (after merging duplicates), signatures included.
  size_t record_count() const noexcept { return record_count_; }
  // True when the apex has an NSEC (RFC 4035) or an NSEC3PARAM (RFC 5155) record.
  bool nsec_signed() const noexcept { return nsec_; }
  bool nsec3_signed() const noexcept { return nsec3_.has_value(); }

  // Every record, in canonical order (RFC 4034 section 6.1 by owner, then by type code, and
  // RFC 4034 section 6.3 within a type; RRSIGs under their own type code 46). TTLs are the
  // RRset's (and for RRSIGs, the minimum over those covering one type). For IXFR or saving.
  std::vector<dns::Record> Records() const;

  // The reply the zone's primary would give to `question`, as wire bytes: QR and (except for
  // referrals) AA set, ID 0, RD clear, the question echoed as asked (case kept), an OPT record
  // with DO set (RFC 3225), and the DNSSEC records of a DO query (RFC 4035 section 3.1). The
  // rules: a zone cut at or above QNAME gives a referral (AA clear; NS, DS or the proof of no
  // DS in authority; glue below the cut in additional), except QTYPE DS at the cut itself,
  // answered from this side (RFC 4035 section 3.1.4.1); an exact match gives the RRset, the
  // CNAME, or, for QTYPE RRSIG, every signature at the name (QTYPE ANY gives every RRset); a
  // DNAME above QNAME gives the DNAME and a CNAME synthesised with the DNAME's TTL (RFC 6672
  // section 3.1; YXDOMAIN when the result is too long); else a wildcard expansion (RFC 4592,
  // owner QNAME, signatures unchanged) with the proof of no closer match; else NODATA or
  // NXDOMAIN with the SOA at TTL min(SOA TTL, MINIMUM) (RFC 2308 section 3) and NSEC or NSEC3
  // proofs (RFC 4035 section 3.1.3, RFC 5155 section 7.2). The reply is at most 65535 octets
  // and never truncated. nullopt: see the file comment.
  std::optional<std::vector<uint8_t>> Answer(const dns::Question& question) const;

 private:
  friend class MirrorZoneBuilder;
  friend class MirrorReply;
  explicit MirrorZone(dns::Name apex) : apex_(std::move(apex)) {}

  dns::Name apex_;
  SoaTimers soa_;
  size_t record_count_ = 0;
  bool nsec_ = false;
  std::optional<dns::rdata::NSEC3PARAM> nsec3_;
  mirror_detail::Tree nodes_;        // Every owner but the NSEC3 ones.
  mirror_detail::Tree nsec3_nodes_;  // Owners of NSEC3 records and their RRSIGs.
  // Owners with an NSEC record, for the predecessor search of RFC 4035 section 3.1.3.
  std::map<dns::Name, const mirror_detail::Node*, mirror_detail::CanonicalLess> nsec_chain_;
  // Hash -> NSEC3 owner node, for NSEC3 records matching the NSEC3PARAM (RFC 5155 section 7.2).
  std::map<mirror_detail::Bytes, const mirror_detail::Node*> nsec3_chain_;
};

}  // namespace redoubt::resolver
