// The request context: what travels with one client question through every stage of the
// pipeline and into every sub-resolution it causes (NS addresses now; DS, DNSKEY and TKEY
// later). Unbound's module_qstate and Knot Resolver's kr_request play the same part.
//
// A context has two halves. The per-question half (the question, the client's DO/CD bits and
// EDNS size, the nesting depth and the chain of questions above it) is copied into each
// sub-resolution with its own question. The per-request half (`RequestWork`: the query budget,
// the validation budget, the one deadline, the stop token) is shared: a nested resolution
// spends its parent's budget and ends at its parent's deadline instead of making fresh ones.
// Contexts are cheap to copy. A stage that keeps one past its caller's await (a detached
// task, a stored coroutine) takes it by value (design guide section 4); the stages on the
// cold path that are always awaited at once (the chain, the name sources, the validator and
// their helpers) take `const RequestContext&` to save the copy at every level.
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <stop_token>
#include <vector>

#include "net/base/clock.h"
#include "net/base/endpoint.h"
#include "net/base/yielder.h"
#include "net/dns/message_view.h"
#include "resolver/query/query_budget.h"
#include "resolver/query/validation_budget.h"

namespace redoubt::resolver {

class Resolver;

// What the client asked for beyond the question (RFC 3225 DO, RFC 4035 section 3.2.2 CD,
// RFC 6891 section 6.2.3 UDP payload size; 0 when the query had no OPT record).
struct ClientFlags {
  bool dnssec_ok = false;
  bool checking_disabled = false;
  uint16_t edns_size = 0;
  friend bool operator==(const ClientFlags&, const ClientFlags&) = default;
};

// The per-request half, shared by a client question and all its sub-resolutions.
struct RequestWork {
  QueryBudget budget;
  ValidationBudget validation;
  MonoTime deadline;
  std::stop_token stop;
  // Who answers this request's sub-questions (the pipeline); set by the pipeline on entry.
  Resolver* sub_resolver = nullptr;
  // Lets the worker's loop run other work between bursts of validation (null: never yield).
  Yielder* yielder = nullptr;
};

class RequestContext {
 public:
  // A client's question: a fresh budget from `limits` and a deadline limits.deadline_ms from
  // `now`. `stop` ends the request early (worker shutdown).
  static RequestContext ForClient(dns::Question question, ClientFlags client,
                                  const QueryLimits& limits, const ValidationLimits& validation,
                                  MonoTime now, std::stop_token stop = {});

  // A sub-resolution of `question` on behalf of this one: the same RequestWork, depth + 1,
  // this question added to the ancestors. Sub-resolutions ask with DO set and CD clear (the
  // validator needs signatures whatever the client asked).
  RequestContext Nested(dns::Question question) const;
  // A sub-resolution whose answer the asking stage validates itself (the validator's DNSKEY
  // fetches while it walks a chain of trust, RFC 4035 section 5.2): as Nested, with CD set so
  // the validate stage passes it through and the store stage does not keep unvalidated data.
  RequestContext NestedUnvalidated(dns::Question question) const;
  // True for a context made by NestedUnvalidated.
  bool unvalidated() const noexcept { return depth_ > 0 && client_.checking_disabled; }

  // The fragment defence's second arm (docs/fragment-defence.md): whether stages may take a
  // reassembled UDP reply that has no CHECKSUM to verify it, leaving it to the validator, which
  // accepts it only when Secure. Off by default; the pipeline turns it on when it validates, and
  // turns it off (WithoutUnverifiedFragments) to fetch again when the result was not Secure.
  // Sub-resolutions inherit it.
  bool accepts_unverified_fragments() const noexcept { return accept_fragments_; }
  void set_accepts_unverified_fragments(bool accept) noexcept { accept_fragments_ = accept; }
  // Servers not to ask again for this resolution (their answer was bogus); a stage asks them
  // only when no other server of the zone is left. Sub-resolutions inherit the list.
  const std::vector<IpAddress>& avoided() const noexcept { return avoid_; }
  bool Avoids(const IpAddress& address) const noexcept {
    return std::find(avoid_.begin(), avoid_.end(), address) != avoid_.end();
  }
  RequestContext Avoiding(const std::vector<IpAddress>& servers) const {
    RequestContext other = *this;
    other.avoid_.insert(other.avoid_.end(), servers.begin(), servers.end());
    return other;
  }
  RequestContext WithoutUnverifiedFragments() const {
    RequestContext strict = *this;
    strict.accept_fragments_ = false;
    return strict;
  }

  // True when `question` (name case aside) is being resolved by this context or one of its
  // ancestors: asking it again would wait on itself (an NS cycle without glue).
  bool InProgress(const dns::Question& question) const;

  const dns::Question& question() const noexcept { return question_; }
  const ClientFlags& client() const noexcept { return client_; }
  uint32_t depth() const noexcept { return depth_; }
  RequestWork& work() const noexcept { return *work_; }
  QueryBudget& budget() const noexcept { return work_->budget; }
  ValidationBudget& validation() const noexcept { return work_->validation; }
  MonoTime deadline() const noexcept { return work_->deadline; }
  const std::stop_token& stop() const noexcept { return work_->stop; }

  // Milliseconds left before the deadline at `now` (0 once reached): the cap on any one
  // exchange's timeout, so no wait runs past the request's deadline.
  uint32_t RemainingMs(MonoTime now) const noexcept;
  // True once the deadline has passed or a stop was requested.
  bool Over(MonoTime now) const noexcept;

 private:
  RequestContext(dns::Question question, ClientFlags client, std::shared_ptr<RequestWork> work)
      : question_(std::move(question)), client_(client), work_(std::move(work)) {}

  dns::Question question_;
  ClientFlags client_;
  std::shared_ptr<RequestWork> work_;
  uint32_t depth_ = 0;
  std::vector<dns::Question> ancestors_;
  bool accept_fragments_ = false;
  std::vector<IpAddress> avoid_;
};


}  // namespace redoubt::resolver
