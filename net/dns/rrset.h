// RRsets (RFC 2181 section 5) built from a parsed message, with their signatures attached.
#pragma once

#include <cstdint>
#include <vector>

#include "net/base/result.h"
#include "net/dns/message_view.h"
#include "net/dns/rdata.h"
#include "net/dns/security.h"

namespace redoubt::dns {

struct RRset {
  Name owner;
  RrType type = RrType::A;
  RrClass klass = RrClass::IN;
  uint32_t ttl = 0;                          // The minimum over the set (RFC 2181 section 5.2).
  std::vector<std::vector<uint8_t>> rdatas;  // Uncompressed storage form, no duplicates.
  std::vector<rdata::RRSIG> sigs;            // RRSIGs covering this set (RFC 4034 section 3).
  std::vector<rdata::SIG> legacy_sigs;       // RFC 2535 SIGs covering it (never SIG(0)).
  Section section = Section::kAnswer;
  Trust trust = Trust::kNone;
  Security security = Security::kIndeterminate;
};

// The trust rank of data from `section` of a reply with the AA bit `authoritative`
// (RFC 2181 section 5.4.1). `referral_glue` marks addresses in the additional section of a
// referral.
Trust RankFor(Section section, bool authoritative, bool referral_glue = false) noexcept;

// Groups the records of one section into RRsets, in order of first appearance, following the
// rules of Unbound's msgparse.h: records with the same owner (case-insensitive), type and class
// form one set whatever lies between them; duplicates are dropped; the TTL is the minimum; an
// RRSIG (or non-transaction SIG) is attached to the set of its owner, class and covered type in
// the same section whether it comes before or after the data; a signature with no such set
// forms its own set of type RRSIG (or SIG). With `signatures_as_data` (a query for RRSIG or
// SIG) signatures are kept as data. OPT, TSIG and SIG(0) records are skipped. Trust is set with
// RankFor(); glue is recognised as A/AAAA in the additional section of a non-authoritative
// reply whose authority section holds NS records. Fails only on RDATA that does not decode.
Result<std::vector<RRset>> GroupRRsets(const MessageView& message, Section section,
                                       bool signatures_as_data = false);

}  // namespace redoubt::dns
