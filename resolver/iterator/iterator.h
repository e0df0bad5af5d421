// Iterative resolution from the root (RFC 1034 section 5.3.3, RFC 9156): the coroutine that
// drives the pure decisions of this directory. For each name it starts at the deepest known
// zone cut, asks that zone's servers (chosen by RTT, lame and dead ones skipped), follows
// referrals down with QNAME minimisation, looks up name-server addresses when a referral has no
// usable glue, chases CNAME and DNAME across zones, and stops with an answer, NXDOMAIN, NODATA
// or SERVFAIL (with an Extended DNS Error, RFC 8914) within the per-query limits.
// Forward zones are asked of their configured servers with RD set instead.
#pragma once

#include <cstdint>
#include <memory>
#include <stop_token>
#include <unordered_map>
#include <optional>
#include <string>
#include <vector>

#include "net/base/clock.h"
#include "net/base/task.h"
#include "net/dns/rrset.h"
#include "resolver/config/config.h"
#include "resolver/iterator/answer_store.h"
#include "resolver/iterator/delegation_cache.h"
#include "resolver/iterator/query_budget.h"
#include "resolver/iterator/reply_classifier.h"
#include "resolver/upstream/upstream.h"

namespace redoubt::resolver {

struct IteratorOptions {
  QueryLimits limits;
  QnameMinimisation qname_minimisation = QnameMinimisation::kRelaxed;
  bool allow_loopback_upstreams = false;
  std::vector<ForwardZone> forward_zones;
  uint32_t max_server_attempts = 8;   // Questions sent for one question before giving up.
  uint32_t tries_per_server = 3;      // Times one address is asked after timeouts.
  uint32_t max_coalesced = 100;       // Clients waiting on one in-flight question (BIND: 100).
};

// Counters of the iterator, exported by the metrics layer.
struct IteratorStats {
  uint64_t resolutions = 0;  // Questions resolved (not answered from the store or coalesced).
  uint64_t coalesced = 0;    // Client questions that waited on an identical one in flight.
  uint64_t from_store = 0;
};

// The work one client question may still do: the counters of its budget and its deadline.
struct IterationWork {
  QueryBudget budget;
  MonoTime deadline;
  std::stop_token stop;
};

class Iterator {
 public:
  // The cache holds the root hints; the first resolution on it primes them (RFC 8109).
  // `store` may be null (nothing kept); `stats` may be null.
  Iterator(Upstream& upstream, DelegationCache& cache, const Clock& clock,
           IteratorOptions options, AnswerStore* store = nullptr, IteratorStats* stats = nullptr);

  // Resolves a client's question. Identical questions (name case aside) already in flight on
  // this iterator are not asked again: the later callers wait for the first one's result
  // (security.md section 5: coalescing, at most max_coalesced waiters).
  // `stop` cancels the resolution (SERVFAIL at once, exchanges in flight ended): shutdown.
  Task<Resolution> Resolve(dns::Question question, std::stop_token stop = {});

  struct Attempt;   // One question asked of a zone's servers (internal).
  struct InFlight;  // A question in flight and its waiters (internal).
  struct NameStep;  // The outcome of resolving one name (internal).

 private:
  Task<Resolution> ResolveFresh(dns::Question question, std::stop_token stop);
  Task<Resolution> ResolveChain(dns::Question question, IterationWork& work, uint32_t depth);
  Task<NameStep> ResolveName(dns::Question question, IterationWork& work, uint32_t depth);
  Task<NameStep> ResolveForwarded(const ForwardZone& zone, dns::Question question,
                                  IterationWork& work);
  Task<Attempt> AskZone(Delegation& cut, dns::Question question, IterationWork& work,
                        uint32_t depth);
  Task<bool> LookUpOneServerAddress(Delegation& cut, IterationWork& work, uint32_t depth);
  Task<void> Prime(IterationWork& work);
  NameStep Failure(uint16_t ede, std::string why) const;
  bool Usable(const IpAddress& address) const;

  Upstream& upstream_;
  DelegationCache& cache_;
  const Clock& clock_;
  IteratorOptions options_;
  AnswerStore* store_;
  IteratorStats* stats_;
  IteratorStats own_stats_;
  std::unordered_map<std::string, std::shared_ptr<InFlight>> in_flight_;
};

// Builds a Delegation from a referral's NS set and glue.
Delegation DelegationFromReferral(const ClassifiedReply& referral);

}  // namespace redoubt::resolver
