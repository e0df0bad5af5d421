// Gathers and checks the NXT records that prove a negative or wildcard answer from an RFC 2065
// zone (RFC 2535 section 5.3; specs/dnssec-legacy.md section 3.4). The decisions are the pure
// functions of nxt_denial.h; this class finds their input.
//
// Servers of today (NSD, BIND 9, Knot) neither add NXT records to negative answers nor SIGs to
// any answer, so the records the authority section lacks are asked for, unvalidated, and each
// NXT RRset is used only once a SIG by the zone's own key verifies it (charged to the request's
// validation budget):
//   - NODATA: the NXT at the name itself;
//   - NXDOMAIN and wildcard answers: the NXT covering a name is found by following the chain
//     (each NXT names the next owner) from the closest known name at or before it: the apex,
//     the SOA's MNAME when it lies in the zone, the wildcard's owner. At most kMaxNxtSteps
//     NXT RRsets per name. The walk stops where a name's NXT is not the zone's own (a
//     delegation, whose NXT the servers take from the child): the proof is then missing.
#pragma once

#include <cstddef>
#include <optional>
#include <vector>

#include "net/base/clock.h"
#include "net/base/task.h"
#include "net/dns/rrset.h"
#include "resolver/query/request_context.h"
#include "resolver/validator/denial.h"
#include "resolver/validator/rrset_verifier.h"

namespace redoubt::resolver {

class LegacyProofs {
 public:
  static constexpr size_t kMaxNxtSteps = 8;

  // `zone` is the legacy zone (TrustFamily::kLegacy, Secure) whose NXT chain proves the answer;
  // `context`, `zone` and `clock` must outlive this object.
  LegacyProofs(const RequestContext& context, const ZoneTrust& zone, const Clock& clock, VerifyLimits limits);

  // NXDOMAIN (`nxdomain`) or NODATA for `qname`/`qtype` (RFC 2535 section 5.3, 5.4), from the
  // NXT RRsets of `authority` and those fetched.
  Task<DenialResult> Negative(bool nxdomain, dns::Name qname, dns::RrType qtype,
                              const std::vector<dns::RRset>& authority);
  // A positive answer at `qname` expanded from a wildcard whose SIG Labels field is `labels`
  // (RFC 2535 section 5.3): an NXT covering `qname` with the wildcard's parent as the closest
  // encloser.
  Task<DenialResult> WildcardExpansion(dns::Name qname, uint8_t labels, const std::vector<dns::RRset>& authority);

  // Moves the verified NXT RRsets (with their SIGs) not already there into `authority`, so that
  // DO clients get the proof as they get NSEC records (RFC 2535 section 5.3) and the cache keeps
  // it with the answer.
  void AddProofsTo(std::vector<dns::RRset>& authority);

 private:
  Task<void> AddAuthority(const std::vector<dns::RRset>& authority);
  Task<std::optional<dns::RRset>> NxtAt(const dns::Name& name);
  Task<std::optional<dns::Name>> FindCovering(const dns::Name& name);
  bool Verified(dns::RRset& set);
  void AddStart(const dns::Name& name);

  const RequestContext& context_;
  const ZoneTrust& zone_;
  const Clock& clock_;
  VerifyLimits limits_;
  std::vector<dns::RRset> proofs_;  // Verified NXT RRsets of the zone.
  std::vector<dns::Name> starts_;   // Names known to exist in the zone.
};

}  // namespace redoubt::resolver
