// The outcome of resolving one question, as every stage of the pipeline passes it on: the
// iterator or forwarder fills it, the validator sets its statuses, the store keeps it, the
// server shapes it for the client (DO, minimal responses). It carries what a validator and a
// DO=1 client need: RRsets with their RRSIGs attached, the authority records that prove a
// negative or wildcard answer, and the proof at every zone cut the resolution went through.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "net/base/endpoint.h"
#include "net/dns/edns.h"
#include "net/dns/rrset.h"
#include "net/dns/types.h"

namespace redoubt::resolver {

// What the parent said about one zone cut followed by a referral (RFC 4035 section 3.1.4):
// the child's DS RRset, or the NSEC/NSEC3 records proving it has none, with their RRSIGs.
// Empty `proofs` means the parent sent neither (an unsigned parent, or a lame one).
struct CutProof {
  dns::Name zone;
  std::vector<dns::RRset> proofs;
};

struct Resolution {
  dns::Rcode rcode = dns::Rcode::SERVFAIL;  // SERVFAIL until proven otherwise.
  // The CNAME/DNAME chain from the question name, then the data (RFC 1034 section 3.6.2,
  // RFC 6672 section 3). Each RRset carries its RRSIGs and its own security status.
  std::vector<dns::RRset> answer;
  // The SOA of a negative answer (RFC 2308 section 3) and the NSEC/NSEC3 RRsets that prove
  // the name or type absent (RFC 4035 section 3.1.3), or, for an answer synthesised from a
  // wildcard, that no closer match exists (RFC 4035 section 3.1.3.3).
  std::vector<dns::RRset> authority;
  // The answering zone's own NS RRset, when its server sent it (ClassifiedReply::zone_ns): what
  // `minimal-responses: false` adds to the authority section of positive answers. Not cached.
  std::optional<dns::RRset> zone_ns;
  // The DS or denial proof at each referral followed, top down (for the validator).
  std::vector<CutProof> cuts;
  // The security of the whole answer (RFC 4035 section 4.3): the weakest status of the RRsets
  // the client gets and of the proof of a negative or wildcard answer. kSecure is what sets
  // the AD bit (RFC 4035 section 3.2.3); kIndeterminate when nothing was validated.
  dns::Security security = dns::Security::kIndeterminate;
  std::optional<dns::EdeCode> ede;  // Extended DNS Error (RFC 8914 section 4).
  std::string ede_text;
  uint32_t upstream_queries = 0;
  // Some reply used came from reassembled UDP fragments without a verified CHECKSUM
  // (NameStep::unverified_fragments): unless the result is Secure, the pipeline fetches it
  // again with the defence strict (docs/fragment-defence.md).
  bool unverified_fragments = false;
  // The servers whose replies made the answer, one per link of the chain, when known: a bogus
  // answer is asked again of other servers of the zone (security.md C, "bogus caching").
  std::vector<IpAddress> answered_by;
};

// A SERVFAIL with an Extended DNS Error: how every stage reports a failure (design guide 3).
inline Resolution FailedResolution(dns::EdeCode ede, std::string why) {
  Resolution failed;
  failed.ede = ede;
  failed.ede_text = std::move(why);
  return failed;
}

}  // namespace redoubt::resolver
