#include "resolver/pipeline/pipeline.h"

namespace redoubt::resolver {

Pipeline::Pipeline(NameSource& iterator, Forwarder* forwarder, AnswerStore& store,
                   Validator& validator, const Clock& clock, PipelineOptions options,
                   PipelineStats* stats)
    : chain_(iterator, forwarder, options.local_zones), store_(store), validator_(validator), clock_(clock),
      options_(options), stats_(stats ? stats : &own_stats_), coalescer_(options.max_coalesced) {}

RequestContext Pipeline::NewRequest(dns::Question question, ClientFlags client,
                                    std::stop_token stop) const {
  RequestContext context = RequestContext::ForClient(std::move(question), client, options_.limits,
                                                     options_.validation_limits, clock_.Now(),
                                                     std::move(stop));
  context.set_accepts_unverified_fragments(validator_.Judges());
  context.work().yielder = options_.yielder;
  return context;
}

Task<Resolution> Pipeline::Resolve(RequestContext context) {
  if (context.work().sub_resolver == nullptr) context.work().sub_resolver = this;
  // Stage 1: the cache.
  if (std::optional<Resolution> stored = store_.Lookup(context.question())) {
    ++stats_->from_store;
    stored->upstream_queries = 0;  // None sent for this query (the responder's packet cache admits on this).
    co_return std::move(*stored);
  }
  // A question whose answer was just found bogus is not resolved again (RFC 9520 section 3).
  if (std::optional<Resolution> failed = validator_.KnownFailure(context)) {
    ++stats_->known_failures;
    co_return std::move(*failed);
  }
  // RFC 8198: a name the cached, validated NSEC/NSEC3 records already deny is not resolved.
  if (std::optional<Resolution> denied = validator_.Synthesise(context)) {
    ++stats_->synthesised;
    co_return std::move(*denied);
  }
  if (context.depth() > 0) {
    ++stats_->sub_resolutions;
    co_return co_await ResolveAndKeep(std::move(context));
  }
  ++stats_->requests;
  co_return co_await ResolveClient(std::move(context));
}

// Stages 2 and 6 around the rest, for a client's question.
Task<Resolution> Pipeline::ResolveClient(RequestContext context) {
  std::string key = Coalescer::KeyFor(context);
  if (std::shared_ptr<Coalescer::Entry> entry = coalescer_.Joinable(key)) {
    ++stats_->coalesced;
    bool answered = co_await Coalescer::Wait(entry, context.stop());
    if (!answered) co_return FailedResolution(dns::EdeCode::kOther, "shutting down");
    co_return *entry->result;
  }
  std::shared_ptr<Coalescer::Entry> entry = coalescer_.Begin(key);
  dns::Question question = context.question();
  Resolution result = co_await ResolveAndKeep(std::move(context));
  if (result.rcode == dns::Rcode::SERVFAIL) {
    // RFC 8767: every upstream failed; an expired answer is better than none.
    if (std::optional<Resolution> stale = store_.LookupStale(question)) {
      ++stats_->stale_served;
      result = std::move(*stale);
    }
  }
  coalescer_.Finish(key, entry, result);
  co_return result;
}

// Stages 3 to 5, with the retries a bogus answer earns: other servers of the zone, a bounded
// number of times, unless the validation budget is spent (then no retry anywhere: Knot's rule).
Task<Resolution> Pipeline::ResolveAndKeep(RequestContext context) {
  ++stats_->resolutions;
  Resolution validated = co_await ResolveAndValidate(context);
  for (uint32_t retry = 0; retry < options_.bogus_retries; ++retry) {
    bool bogus = validated.security == dns::Security::kBogus;
    if (!bogus || validated.answered_by.empty() || context.validation().exhausted()) break;
    ++stats_->bogus_retries;
    context = context.Avoiding(validated.answered_by);
    Resolution again = co_await ResolveAndValidate(context);
    if (again.rcode == dns::Rcode::SERVFAIL && again.security != dns::Security::kBogus) break;  // No one left.
    validated = std::move(again);
  }
  validator_.Remember(context, validated);
  // Unvalidated fetches are kept by the stage that validates them; bogus data (served only to
  // CD clients) is never kept.
  if (!context.unvalidated() && validated.security != dns::Security::kBogus) {
    store_.Store(context.question(), validated);
  }
  co_return validated;
}

// Stages 3 and 4, and the fragment defence's refetch.
Task<Resolution> Pipeline::ResolveAndValidate(const RequestContext& context) {
  Resolution resolved = co_await chain_.Resolve(context);
  bool unverified = resolved.unverified_fragments;
  Resolution validated = co_await validator_.Validate(context, std::move(resolved));
  // (An unvalidated fetch is judged, and fetched again if need be, by the stage that asked.)
  if (unverified && !context.unvalidated() && validated.security != dns::Security::kSecure) {
    // An unverified reassembled reply is good enough only when it validates as Secure
    // (docs/fragment-defence.md): anything else is fetched again with the defence strict.
    ++stats_->fragment_refetches;
    RequestContext strict = context.WithoutUnverifiedFragments();
    Resolution again = co_await chain_.Resolve(strict);
    validated = co_await validator_.Validate(strict, std::move(again));
  }
  co_return validated;
}

}  // namespace redoubt::resolver
