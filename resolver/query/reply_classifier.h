// What an authoritative server's reply means for the question the iterator asked it.
//
// The iterator asks a server of zone Z (the current zone cut) a question and gets a reply; this
// decides, as a pure function, whether the reply is an answer, a CNAME/DNAME step, a referral,
// a negative answer, or a lame or failing server, and keeps only what Z's server may speak for
// (bailiwick, RFC 2181 section 5.4.1; Unbound's iterator/iter_scrub.c and iter_resptype.c are
// the model). Everything outside Z is scrubbed and counted; glue is kept only for names in the
// referral's NS set and only inside Z. The caller has already matched the reply to its query
// (address, port, ID, question with 0x20 case) and handled TC.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "net/base/result.h"
#include "net/dns/message_view.h"
#include "net/dns/rrset.h"

namespace redoubt::resolver {

enum class ReplyKind : uint8_t {
  kAnswer,       // Data for the question (after any CNAME/DNAME steps within the reply).
  kCname,        // A CNAME/DNAME chain whose end is not answered here: go on at next_name.
  kReferral,     // A delegation to a zone strictly below the current cut (RFC 1034 4.3.2).
  kNxDomain,     // The (final) name does not exist (RFC 2308 section 2.1).
  kNoData,       // The name exists without the type (RFC 2308 section 2.2).
  kLame,         // Not authoritative for the zone: REFUSED, upward or sideways referral, or
                 // an empty non-authoritative reply (RFC 1034 4.3.4, RFC 4697 section 2.3).
  kServerError,  // SERVFAIL, NOTIMP, FORMERR and other failures: try another server.
};

std::string_view ReplyKindName(ReplyKind kind) noexcept;

struct ClassifiedReply {
  ReplyKind kind = ReplyKind::kServerError;
  dns::Rcode rcode = dns::Rcode::NOERROR;
  // CNAME and DNAME RRsets followed from the question name, in order (RFC 1034 3.6.2,
  // RFC 6672 section 3), and the answer RRsets at the end of that chain.
  std::vector<dns::RRset> chain;
  std::vector<dns::RRset> answer;
  dns::Name next_name;  // kCname: the name to resolve next. Otherwise the chain's end.
  // kReferral: the child zone, its NS set, the in-bailiwick addresses of those NS names, and
  // DS or NSEC/NSEC3 RRsets the parent sent for the cut (for the validator).
  dns::Name delegation;
  std::optional<dns::RRset> ns;
  std::vector<dns::RRset> glue;
  std::vector<dns::RRset> delegation_proofs;
  // kNxDomain / kNoData: the SOA (when given inside the zone) and NSEC/NSEC3 proofs of the
  // denial (RFC 4035 section 3.1.3). kAnswer: NSEC/NSEC3 of the authority section, which
  // prove a wildcard expansion (RFC 4035 section 3.1.3.3). Always inside the zone asked.
  std::optional<dns::RRset> soa;
  std::vector<dns::RRset> negative_proofs;
  // An authoritative reply's own NS RRset for the zone asked (owner == zone, in the authority
  // section, as non-minimal servers send it) and the in-zone addresses of those names: the
  // child side of the delegation (draft-ietf-dnsop-ns-revalidation), capped like a referral.
  std::optional<dns::RRset> zone_ns;
  std::vector<dns::RRset> zone_ns_glue;
  // RRsets scrubbed: outside the zone, unrelated to the question, or beyond the limits.
  uint32_t scrubbed = 0;
};

struct ClassifyLimits {
  uint32_t max_chain = 11;  // CNAME/DNAME steps followed inside one reply (Unbound, BIND).
  uint32_t max_ns = 20;     // NS records kept from one referral (scrub cap; security.md 5).
};

// Classifies `reply` to `question`, asked of a server for `zone`. Fails (kInvalidArgument)
// only when the reply is not a response to a standard query; a well-formed but useless reply is
// a ReplyKind, never an error.
Result<ClassifiedReply> ClassifyReply(const dns::MessageView& reply,
                                      const dns::Question& question, const dns::Name& zone,
                                      const ClassifyLimits& limits = {});

// `name` with its suffix `owner` replaced by `target`: the DNAME substitution of RFC 6672
// section 2.2. Fails with kNameTooLong when the result exceeds 255 octets (RFC 6672 YXDOMAIN).
Result<dns::Name> SubstituteDname(const dns::Name& name, const dns::Name& owner, const dns::Name& target);

}  // namespace redoubt::resolver
