// The pipeline's resolve stage: follows a question's CNAME/DNAME chain (RFC 1034 section 3.6.2,
// RFC 6672) link by link, asking for each name the source that serves it (the forwarder for
// names in a forward zone, a mirrored zone's local copy, the iterator for the rest), and assembles the Resolution: the chain
// and data with their RRSIGs, the SOA and NSEC/NSEC3 proofs of a negative or wildcard answer,
// and the proofs at every zone cut followed.
#pragma once

#include "resolver/forwarder/forwarder.h"
#include "resolver/query/stages.h"

namespace redoubt::resolver {

class ChainResolver {
 public:
  // `forwarder` may be null (no forward zones), `local_zones` too (no mirrored zones).
  ChainResolver(NameSource& iterator, Forwarder* forwarder, LocalZones* local_zones = nullptr)
      : iterator_(iterator), forwarder_(forwarder), local_zones_(local_zones) {}

  // Resolves context.question() to its end: an answer, NXDOMAIN or NODATA at the chain's last
  // name (RFC 6604: the RCODE is the last link's), or SERVFAIL with an Extended DNS Error when a
  // link fails or the chain is longer than the budget's cname_hops. A failure carries no
  // partial chain.
  // `context` is read, not kept: the caller awaits the result while it lives.
  Task<Resolution> Resolve(const RequestContext& context);

  // Where a name is resolved: the forwarder when a forward zone covers it.
  NameSource& SourceFor(const dns::Name& name) const;

 private:
  Task<NameStep> ResolveLink(const RequestContext& context, dns::Question question);

  NameSource& iterator_;
  Forwarder* forwarder_;
  LocalZones* local_zones_;
};

}  // namespace redoubt::resolver
