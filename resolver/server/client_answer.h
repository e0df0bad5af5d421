// What of a Resolution a client gets to see: a pure function of the resolution, the question
// and the client's DO bit, tested by a truth table (client_answer_test.cc).
//
// RFC 4035 section 3.2.1: without DO, no RRSIG, NSEC or NSEC3 record goes to the client unless
// its question asked for that very type (the RFC 2535 forms SIG and NXT are treated alike).
// With DO, signatures travel with their RRsets and the authority section carries the SOA and
// the NSEC/NSEC3 records (with their RRSIGs) that prove a negative answer or a wildcard
// expansion (RFC 4035 sections 3.1.1 to 3.1.3).
#pragma once

#include <functional>
#include <vector>

#include "net/dns/message_view.h"
#include "resolver/query/resolution.h"

namespace redoubt::resolver {

// The RRsets of each section as the client gets them (copies; for tests and tools: the
// responder writes them straight from VisitClientRRsets).
struct ClientSections {
  std::vector<dns::RRset> answer;
  std::vector<dns::RRset> authority;
};

// Calls `visit(section, rrset)` for each RRset the client gets, answer section first, in order,
// until it returns false; returns false when `visit` stopped it. A signed RRset a DO=0 client
// gets without signatures is passed as a temporary copy; everything else is passed in place,
// so the common paths allocate nothing. The rules are those of ShapeForClient.
bool VisitClientRRsets(const Resolution& resolution, const dns::Question& question,
                       bool dnssec_ok, bool zone_ns,
                       const std::function<bool(dns::Section, const dns::RRset&)>& visit);

// The answer and authority sections for a client with DO `dnssec_ok` asking `question`. With
// `zone_ns` (minimal-responses: false), a positive answer's authority section also carries
// resolution.zone_ns when there is one (RFC 1034 section 6.2).
ClientSections ShapeForClient(const Resolution& resolution, const dns::Question& question,
                              bool dnssec_ok, bool zone_ns = false);

// True for the DNSSEC record types that a DO=0 client never sees unless it asked for them
// (RFC 4035 section 3.2.1; RFC 2535 SIG and NXT).
bool IsDnssecOnlyType(dns::RrType type) noexcept;

}  // namespace redoubt::resolver
