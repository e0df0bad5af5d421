// The query pipeline: the stages one question passes through, in order, each a small unit with
// its own contract (docs/architecture.md tells the story in the manner of Unbound's
// util/module.h):
//
//   1. cache lookup   AnswerStore::Lookup: a stored answer ends the request here; so does a
//                     failure the validator remembers (Validator::KnownFailure), and a
//                     negative answer it proves from cached NSEC/NSEC3 records
//                     (Validator::Synthesise, RFC 8198).
//   2. coalesce       Coalescer: an identical client question in flight is waited for.
//   3. resolve        ChainResolver: link by link, the forwarder or the iterator.
//   4. validate       Validator: statuses per RRset, bogus to SERVFAIL (DnssecValidator,
//                     resolver/validator; PassThroughValidator when validation is off).
//   5. store          AnswerStore::Store: the store decides what to keep.
//   6. serve-stale    AnswerStore::LookupStale: an expired answer when resolution failed
//                     (RFC 8767).
//
// The pipeline is also the Resolver that stages ask for sub-resolutions (NS addresses, later DS
// and DNSKEY): they come back in with a nested RequestContext, go through the cache, resolve,
// validate and store stages with the parent's budget and deadline, and are neither coalesced
// (see coalescer.h) nor served stale.
#pragma once

#include <cstdint>
#include <stop_token>

#include "net/base/clock.h"
#include "net/base/counter.h"
#include "resolver/forwarder/forwarder.h"
#include "resolver/pipeline/chain_resolver.h"
#include "resolver/pipeline/coalescer.h"
#include "resolver/query/answer_store.h"
#include "resolver/query/stages.h"

namespace redoubt::resolver {

struct PipelineOptions {
  QueryLimits limits;
  ValidationLimits validation_limits;
  uint32_t max_coalesced = 100;  // Clients waiting on one in-flight question (BIND: 100).
  // A bogus answer is asked again of the zone's other servers this many times (security.md
  // C "bogus caching": a server with bad signatures must not poison the whole zone; Unbound
  // val-max-restart 5, BIND one failure per server).
  uint32_t bogus_retries = 2;
  Yielder* yielder = nullptr;  // The worker loop's (RequestWork::yielder); may be null.
  // Mirrored zones' local copies, asked before the network (may be null: none configured).
  LocalZones* local_zones = nullptr;
};

// Counters of the pipeline, read by the metrics layer.
struct PipelineStats {
  Counter requests;         // Client questions entering the pipeline.
  Counter from_store;       // Answered by the cache lookup stage.
  Counter coalesced;        // Waited on an identical question in flight.
  Counter resolutions;      // Went through the resolve stage (client and sub-questions).
  Counter sub_resolutions;  // Of those, asked by a stage for another question.
  Counter stale_served;     // Failed resolutions answered from stale data.
  Counter known_failures;   // Answered from the validator's memory of bogus answers.
  Counter fragment_refetches;  // Resolved again because an unverified reassembled reply
                               // did not validate as Secure.
  Counter bogus_retries;       // Asked again of other servers after a bogus answer.
  Counter synthesised;      // Answered NXDOMAIN/NODATA from cached NSEC/NSEC3 (RFC 8198).
};

class Pipeline final : public Resolver {
 public:
  // `forwarder` may be null (no forward zones); `stats` may be null. All references must
  // outlive the pipeline.
  Pipeline(NameSource& iterator, Forwarder* forwarder, AnswerStore& store, Validator& validator,
           const Clock& clock, PipelineOptions options, PipelineStats* stats = nullptr);

  // A context for a client's question: fresh budgets from the options, the deadline from now.
  RequestContext NewRequest(dns::Question question, ClientFlags client,
                            std::stop_token stop = {}) const;

  // Runs `context` through the stages. Never throws; failures are SERVFAIL Resolutions.
  Task<Resolution> Resolve(RequestContext context) override;

 private:
  Task<Resolution> ResolveClient(RequestContext context);
  Task<Resolution> ResolveAndKeep(RequestContext context);
  Task<Resolution> ResolveAndValidate(const RequestContext& context);

  ChainResolver chain_;
  AnswerStore& store_;
  Validator& validator_;
  const Clock& clock_;
  PipelineOptions options_;
  PipelineStats own_stats_;
  PipelineStats* stats_;
  Coalescer coalescer_;
};

// A Validator that leaves every status as it is (Indeterminate): the validate stage with
// `validation: false`, and in tests of the other stages.
class PassThroughValidator final : public Validator {
 public:
  Task<Resolution> Validate(const RequestContext&, Resolution resolution) override {
    co_return resolution;
  }
};

}  // namespace redoubt::resolver
