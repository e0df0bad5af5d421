// The interfaces between the pipeline's stages. The pipeline (resolver/pipeline) composes them;
// the iterator, forwarder and validator implement them and know nothing of each other or of the
// pipeline (design guide section 1): a stage that needs a sub-resolution asks the Resolver in
// its context (RequestContext::work().sub_resolver), which is the pipeline.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "net/base/task.h"
#include "resolver/query/reply_classifier.h"
#include "resolver/query/request_context.h"
#include "resolver/query/resolution.h"

namespace redoubt::resolver {

// Resolves a whole question: CNAME/DNAME chains followed, statuses set, results stored. The
// pipeline is the one implementation; stages use it for sub-resolutions with a
// RequestContext::Nested() context. Never fails otherwise than with a SERVFAIL Resolution.
class Resolver {
 public:
  virtual ~Resolver() = default;
  virtual Task<Resolution> Resolve(RequestContext context) = 0;
};

// The outcome of resolving one name of a chain at its authoritative servers (or forwarders).
struct NameStep {
  bool ok = false;
  // ok: kAnswer, kNxDomain, kNoData, or kCname (a chain to follow at reply.next_name).
  ClassifiedReply reply;
  std::vector<CutProof> cuts;  // The referrals followed to reach the answer, top down.
  // The final reply came from reassembled UDP fragments nobody verified (UpstreamReply): the
  // result may be used only if it validates as Secure.
  bool unverified_fragments = false;
  // The server whose reply this is, when the source knows it.
  std::optional<IpAddress> server;
  dns::EdeCode ede = dns::EdeCode::kOther;
  std::string why;
};

// A failed NameStep with its Extended DNS Error and reason.
inline NameStep FailedStep(dns::EdeCode ede, std::string why) {
  NameStep step;
  step.ede = ede;
  step.why = std::move(why);
  return step;
}

// A source of answers for one name: the iterator (RFC 1034 section 5.3.3) or the forwarder.
// `question` is the current link of the chain (the client's question at first). It spends
// `context`'s budget, stops at its deadline, and never throws. `context` is read, not kept:
// the caller awaits the task while the context lives (a reference, so a cold query does not
// copy the context at every level of the chain).
class NameSource {
 public:
  virtual ~NameSource() = default;
  virtual Task<NameStep> ResolveName(const RequestContext& context, dns::Question question) = 0;
};

// Zones held as whole local copies (mirror-zones: a local root, RFC 8806, or an internal zone
// transferred by signed AXFR, RFC 5936 and RFC 8945): a name inside one is answered from the
// copy as the zone's primary would answer it, without upstream queries, and the step then goes
// through the same chain, validate and store stages as a network answer (a copy is a transport,
// not a trust anchor). Synchronous: a lookup in memory.
class LocalZones {
 public:
  virtual ~LocalZones() = default;
  // The copy's answer to `question`, classified as an authoritative reply for the copy's zone
  // (an answer, a CNAME/DNAME step, NXDOMAIN or NODATA). Nullopt when no live copy covers the
  // name, when the copy cannot prove the answer (the caller then asks the network), or when
  // the name lies below a delegation in the copy: the implementation then hands the referral
  // to the iterator's delegation cache, so that iteration starts at the cut instead of at the
  // copy's zone (RFC 8806 section 3).
  virtual std::optional<NameStep> Answer(const RequestContext& context,
                                         const dns::Question& question) = 0;
};

// Sets the security status of every RRset of a resolution (RFC 4035 section 5) and turns a
// bogus one into SERVFAIL with an Extended DNS Error (RFC 8914 section 4.7). With CD set in the
// context, statuses are still computed but nothing is withheld (RFC 4035 section 3.2.2).
// `context` is read, not kept: the caller awaits Validate while the context lives.
class Validator {
 public:
  virtual ~Validator() = default;
  virtual Task<Resolution> Validate(const RequestContext& context, Resolution resolution) = 0;
  // A failure this validator still remembers for the context's question (a bogus answer within
  // its bogus TTL, RFC 9520 section 3.2): the pipeline serves it instead of resolving again.
  // Never for a client that set CD. None by default.
  virtual std::optional<Resolution> KnownFailure(const RequestContext&) { return std::nullopt; }
  // True when this validator judges answers (so an unverified reassembled reply may be let
  // through to it, RequestContext::accepts_unverified_fragments). False by default.
  virtual bool Judges() const { return false; }
  // Called by the pipeline with the final result of a question after any retries: a bogus one
  // is remembered for KnownFailure (unless CD was set or it rested on unverified fragments).
  virtual void Remember(const RequestContext&, const Resolution&) {}
  // A negative answer to the context's question that this validator can prove from validated
  // data it already has, without resolving (RFC 8198 aggressive use of cached NSEC/NSEC3):
  // the pipeline serves it instead of resolving. Its status is Secure and it carries its proof
  // in the authority section. None by default.
  virtual std::optional<Resolution> Synthesise(const RequestContext&) { return std::nullopt; }
  // Forgets every remembered bogus answer (RFC 9520 section 3.2) and every zone's remembered
  // chain-of-trust verdict, so the next query validates afresh: the control channel's
  // flush-bogus, flush-zone and flush-all. Returns how many entries went. Nothing by default.
  virtual size_t Forget() { return 0; }
};

}  // namespace redoubt::resolver
