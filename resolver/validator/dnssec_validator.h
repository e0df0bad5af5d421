// The validate stage of the pipeline (RFC 4033-4035, RFC 5155, RFC 6840): gives every RRset of a
// resolution a status (Secure, Insecure, Bogus, Indeterminate), checks the proofs of negative and
// wildcard answers, caps validated TTLs (RFC 4035 section 5.3.3), and turns a bogus answer into
// SERVFAIL with an Extended DNS Error (RFC 8914) unless the client set CD (RFC 4035 section
// 3.2.2). docs/dnssec.md describes it for operators; docs/architecture.md places it in the query's
// path.
//
// How one resolution is judged:
//   1. every authority RRset (SOA, NSEC, NSEC3) and every answer RRset, in order: its RRSIGs'
//      signer gives the zone, ChainOfTrust::KeysOf gives the zone's keys, VerifyRRset the verdict;
//      an unsigned RRset takes the trust of the zone holding it (ChainOfTrust::TrustAt): insecure
//      there, bogus (EDE 10) in a secure zone. A CNAME synthesised from a DNAME (RFC 6672 section
//      5.3.1) takes the DNAME's status. Each link of a CNAME chain is judged in its own zone.
//   2. an answer expanded from a wildcard must come with the proof that no closer name exists
//      (RFC 4035 section 5.3.4, RFC 5155 section 8.8); a NXDOMAIN or NODATA answer from a secure
//      zone with its NSEC or NSEC3 proof (RFC 4035 section 5.4, RFC 5155 section 8). An opt-out
//      proof makes the answer insecure; NSEC3 iterations above the limit make it insecure with
//      EDE 27 (RFC 9276 section 3.2).
//   3. the answer's status is the weakest of all; bogus answers are remembered for `bogus_ttl`
//      (KnownFailure) so a broken zone costs one resolution per minute, not one per query.
// Before a question is resolved at all, Synthesise may answer it NXDOMAIN or NODATA from the
// secure NSEC/NSEC3 records already cached for its zone (RFC 8198, aggressive_nsec.h).
// Work is bounded by the request's ValidationBudget (KeyTrap, security.md B3).
#pragma once

#include <cstdint>
#include <string>

#include "net/base/clock.h"
#include "net/base/counter.h"
#include "net/base/lru_map.h"
#include "resolver/query/answer_store.h"
#include "resolver/query/stages.h"
#include "resolver/validator/chain_of_trust.h"

namespace redoubt::resolver {

struct ValidatorOptions {
  bool enabled = true;      // `validation:`; false leaves every status Indeterminate.
  ChainOptions chain;       // Verification limits, skew, bogus TTL, zone table size.
  size_t max_bogus = 10000; // Remembered bogus questions per worker.
  bool aggressive_nsec = true;  // `aggressive-nsec:` RFC 8198 synthesis (Synthesise).
};

// Counters of the validate stage, read by the metrics layer.
struct ValidatorStats {
  Counter secure;            // Answers judged Secure.
  Counter insecure;
  Counter bogus;             // Answers judged Bogus (SERVFAIL unless CD).
  Counter indeterminate;
  Counter bogus_remembered;  // Questions answered SERVFAIL from the bogus memory.
  Counter budget_exhausted;  // Answers whose validation budget ran out (KeyTrap).
  Counter signature_checks;  // Signature verifications, all requests (client requests only
                             // are summed: a request's sub-resolutions share its budget).
  Counter most_checks;       // The most verifications one client request needed (a high-water
                             // mark; never above limits.signature-checks).
  Counter synthesised;       // NXDOMAIN/NODATA answers made from cached NSEC/NSEC3 (RFC 8198).
};

class DnssecValidator final : public Validator {
 public:
  // `anchors` and `clock` must outlive the validator; `store` (nullable) keeps the DNSKEY sets
  // the chain walker validates; `stats` may be null.
  DnssecValidator(const TrustAnchorStore& anchors, const Clock& clock, ValidatorOptions options,
                  AnswerStore* store, ValidatorStats* stats = nullptr);

  Task<Resolution> Validate(const RequestContext& context, Resolution resolution) override;
  std::optional<Resolution> KnownFailure(const RequestContext& context) override;
  // Without a single trust anchor nothing can be Secure, so nothing unverified is let through.
  void Remember(const RequestContext& context, const Resolution& resolution) override;
  bool Judges() const override { return options_.enabled && chain_.has_anchors(); }
  // RFC 8198: NXDOMAIN or NODATA from the secure NSEC/NSEC3 records the store holds for the
  // zone of the question's name (for DS, of its parent), when `aggressive_nsec` and validation
  // are on, the store has the index, and the zone is known Secure in the chain's zone table
  // (ChainOfTrust::RememberedSecureZone: nothing is fetched here). Never for a context with CD
  // set (a client's CD, or the chain walker's unvalidated fetches): a CD client asked for what
  // the servers say, not for the validator's conclusions. NSEC3 hashes are charged to the
  // request's validation budget.
  std::optional<Resolution> Synthesise(const RequestContext& context) override;

  const ChainStats& chain_stats() const noexcept { return chain_.stats(); }
  size_t Forget() override;

 private:
  struct Judgement;
  struct Remembered {
    dns::EdeCode ede;
    std::string why;
    int64_t expires;
  };

  Task<RRsetVerdict> JudgeRRset(const RequestContext& context, dns::RRset& set);
  Task<void> JudgeAnswer(const RequestContext& context, Resolution& resolution, Judgement& judgement);
  Task<void> JudgeNegative(const RequestContext& context, Resolution& resolution, const dns::Name& final_name,
                           Judgement& judgement);
  Resolution Conclude(const RequestContext& context, Resolution resolution, const Judgement& judgement);

  const Clock& clock_;
  ValidatorOptions options_;
  AnswerStore* store_;
  ChainOfTrust chain_;
  ValidatorStats own_stats_;
  ValidatorStats* stats_;
  LruMap<std::string, Remembered> bogus_;
};

}  // namespace redoubt::resolver
