// Iterative resolution from the root (RFC 1034 section 5.3.3, RFC 9156): the coroutine that
// drives the pure decisions of this directory for one name of a chain. It starts at the deepest
// known zone cut, asks that zone's servers (chosen by RTT; lame, dead and unusable addresses
// skipped), follows referrals down with QNAME minimisation, looks up name-server addresses
// through the request's sub-resolver when a referral has no usable glue (falling back on the
// parent's glue when every address the child gave fails), and stops with an answer, a
// CNAME/DNAME step, NXDOMAIN, NODATA, or a failure with an Extended DNS Error (RFC 8914), within
// the request's budget and deadline. Chains, caching, coalescing and forwarding are the
// pipeline's (resolver/pipeline); the iterator knows none of them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "net/base/clock.h"
#include "net/base/task.h"
#include "resolver/config/config.h"
#include "resolver/iterator/delegation_cache.h"
#include "resolver/iterator/address_filter.h"
#include "resolver/query/reply_classifier.h"
#include "resolver/query/stages.h"
#include "resolver/query/upstream.h"

namespace redoubt::resolver {

struct IteratorOptions {
  QnameMinimisation qname_minimisation = QnameMinimisation::kRelaxed;
  bool allow_loopback_upstreams = false;
  bool do_ip4 = true;                 // Ask authorities over IPv4 (Unbound's do-ip4).
  bool do_ip6 = true;                 // Ask authorities over IPv6 (Unbound's do-ip6).
  uint32_t max_server_attempts = 8;   // Questions sent for one question before giving up.
  uint32_t tries_per_server = 3;      // Times one address is asked after timeouts.
};

class Iterator final : public NameSource {
 public:
  // The cache holds the root hints; the first resolution on it primes them (RFC 8109).
  Iterator(Upstream& upstream, DelegationCache& cache, const Clock& clock, IteratorOptions options);

  // Resolves `question` (one link of the context's chain) from the closest known zone cut.
  // Sub-resolutions (NS addresses) go to context.work().sub_resolver with a nested context;
  // without one, glueless delegations cannot be followed. The stop token ends it at once.
  Task<NameStep> ResolveName(const RequestContext& context, dns::Question question) override;

  struct Attempt;  // One question asked of a zone's servers (internal).

 private:
  Task<Attempt> AskZone(Delegation& cut, dns::Question question, const RequestContext& context);
  Task<Attempt> AskServers(Delegation& cut, dns::Question question, const RequestContext& context);
  // What AskServers does with a server's reply (TakeReply).
  enum class ReplyUse : uint8_t { kSkip, kAskStrictly, kTaken };
  // Classifies `reply` from `address` for `question` at `zone` (RFC 1034 section 5.3.3 step
  // 4), from the upstream's parse when the reply carries one; a lame server is marked. kTaken fills `attempt` (the reply's bytes moved
  // there); kAskStrictly: an unverified reassembled reply that does not end the name. A plain
  // function, so the parse and the classification live on the stack, not in AskServers's frame.
  ReplyUse TakeReply(UpstreamReply& reply, const dns::Question& question, const dns::Name& zone,
                     const IpAddress& address, Attempt& attempt);
  Task<bool> LookUpOneServerAddress(Delegation& cut, const RequestContext& context);
  Task<void> Prime(const RequestContext& context);
  void AdoptChildSide(const Delegation& cut, const ClassifiedReply& reply);
  bool Usable(const IpAddress& address) const;

  Upstream& upstream_;
  DelegationCache& cache_;
  const Clock& clock_;
  IteratorOptions options_;
};

// Builds a Delegation from a referral's NS set and glue.
Delegation DelegationFromReferral(const ClassifiedReply& referral);

}  // namespace redoubt::resolver
