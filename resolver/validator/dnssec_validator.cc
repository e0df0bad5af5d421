#include "resolver/validator/dnssec_validator.h"

#include <algorithm>

#include "resolver/query/reply_classifier.h"
#include "resolver/validator/aggressive_nsec.h"
#include "resolver/validator/legacy_proofs.h"
#include "resolver/validator/proof_check.h"
#include "resolver/validator/validation_turns.h"
#include "resolver/validator/validator_fetch.h"

namespace redoubt::resolver {
namespace {

using dns::EdeCode;
using dns::Name;
using dns::RrType;
using dns::Security;

std::string BogusKey(const dns::Question& q) {
  return q.qname.ToLower().ToText() + "/" + std::to_string(static_cast<uint16_t>(q.qtype));
}

// The signer of the first RRSIG that covers `set` and may sign it: an ancestor of the owner (or
// the owner itself, except for DS, which the parent signs: RFC 4035 section 5.2).
std::optional<Name> SignerOf(const dns::RRset& set) {
  for (const auto& sig : set.sigs) {
    if (sig.type_covered != set.type || !set.owner.IsSubdomainOf(sig.signer)) continue;
    if (set.type == RrType::DS && sig.signer == set.owner) continue;
    return sig.signer;
  }
  return std::nullopt;
}

// The signer of the first legacy SIG that covers `set` and may sign it (RFC 2535 section 6.3.1: a
// signer signs only at or below itself).
std::optional<Name> LegacySignerOf(const dns::RRset& set) {
  for (const auto& sig : set.legacy_sigs) {
    if (sig.type_covered == set.type && set.owner.IsSubdomainOf(sig.signer)) return sig.signer;
  }
  return std::nullopt;
}

// The name a CNAME or DNAME chain from `qname` ends at (RFC 1034 section 3.6.2, RFC 6672).
Name FinalName(const Resolution& r, const dns::Question& q) {
  Name name = q.qname;
  for (const dns::RRset& set : r.answer) {
    if (set.type != RrType::CNAME || !(set.owner == name) || q.qtype == RrType::CNAME) continue;
    if (set.rdatas.empty()) continue;
    if (auto target = Name::FromWire(set.rdatas[0])) name = *target;
  }
  return name;
}

// True when `cname` is what `dname` synthesises for its owner (RFC 6672 section 3.2).
bool SynthesisedFrom(const dns::RRset& dname, const dns::RRset& cname) {
  if (dname.type != RrType::DNAME || cname.type != RrType::CNAME || dname.rdatas.empty() ||
      cname.rdatas.empty() || !cname.owner.IsSubdomainOf(dname.owner) || cname.owner == dname.owner) {
    return false;
  }
  auto target = Name::FromWire(dname.rdatas[0]);
  auto cname_target = Name::FromWire(cname.rdatas[0]);
  if (!target || !cname_target) return false;
  auto expected = SubstituteDname(cname.owner, dname.owner, *target);
  return expected && *expected == *cname_target;
}

// The verdict on an RRset without a usable signature in `zone`: what the zone is when it is
// insecure or bogus; bogus with EDE 10 "RRSIGs Missing" when it is secure.
RRsetVerdict UnsignedVerdict(const dns::RRset& set, const ZoneTrust& zone) {
  RRsetVerdict verdict;
  bool secure = zone.security == Security::kSecure;
  verdict.security = secure ? Security::kBogus : zone.security;
  verdict.ede = secure ? EdeCode::kRrsigsMissing : zone.ede;
  verdict.why = secure ? std::string("no ") + (zone.family == TrustFamily::kLegacy ? "SIG" : "RRSIG") + " for " +
                             set.owner.ToLower().ToText() + " " + dns::RrTypeToText(set.type) + " in signed zone " +
                             zone.zone.ToText()
                       : zone.why;
  return verdict;
}

}  // namespace

struct DnssecValidator::Judgement {
  Security security = Security::kSecure;
  std::optional<EdeCode> ede;
  std::string why;
  bool budget_exhausted = false;

  void Add(Security s, std::optional<EdeCode> e = std::nullopt, const std::string& text = {}) {
    if (dns::Weaker(security, s) != security) {
      security = s;
      if (s == Security::kBogus || !ede) {
        ede = e;
        why = text;
      }
    } else if (!ede && e) {  // Informational codes on insecure answers (EDE 1, 2, 27).
      ede = e;
      why = text;
    }
  }
};

DnssecValidator::DnssecValidator(const TrustAnchorStore& anchors, const Clock& clock,
                                 ValidatorOptions options, AnswerStore* store, ValidatorStats* stats)
    : clock_(clock), options_(options), store_(store), chain_(anchors, clock, options.chain, store),
      stats_(stats ? stats : &own_stats_), bogus_(options.max_bogus) {}

size_t DnssecValidator::Forget() {
  size_t forgotten = bogus_.size() + chain_.zone_count();
  bogus_.Clear();
  chain_.Clear();
  return forgotten;
}

std::optional<Resolution> DnssecValidator::KnownFailure(const RequestContext& context) {
  if (!options_.enabled || context.client().checking_disabled) return std::nullopt;
  if (bogus_.size() == 0) return std::nullopt;  // The common case: no key to build.
  std::string key = BogusKey(context.question());
  Remembered* found = bogus_.Find(key);
  if (found == nullptr) return std::nullopt;
  if (found->expires <= clock_.WallSeconds()) {
    bogus_.Erase(key);
    return std::nullopt;
  }
  ++stats_->bogus_remembered;
  Resolution failed = FailedResolution(found->ede, found->why);
  failed.security = Security::kBogus;
  return failed;
}

void DnssecValidator::Remember(const RequestContext& context, const Resolution& resolution) {
  // A result that rested on unverified fragments was fetched again: not the zone's fault.
  if (!options_.enabled || resolution.security != Security::kBogus || !resolution.ede ||
      context.client().checking_disabled || resolution.unverified_fragments) {
    return;
  }
  bogus_.Put(BogusKey(context.question()),
             Remembered{*resolution.ede, resolution.ede_text, clock_.WallSeconds() + options_.chain.bogus_ttl});
}

std::optional<Resolution> DnssecValidator::Synthesise(const RequestContext& context) {
  if (!options_.enabled || !options_.aggressive_nsec || store_ == nullptr ||
      context.client().checking_disabled) {
    return std::nullopt;
  }
  const dns::Question& q = context.question();
  // RFC 4035 section 5.2: the parent's zone answers DS.
  Name holder = q.qtype == RrType::DS && !q.qname.IsRoot() ? q.qname.Parent() : q.qname;
  std::optional<Name> zone = chain_.RememberedSecureZone(holder);
  if (!zone) return std::nullopt;
  std::optional<Resolution> made = SynthesiseDenial(*store_, *zone, q, context.validation());
  if (made) ++stats_->synthesised;
  return made;
}

Task<RRsetVerdict> DnssecValidator::JudgeRRset(const RequestContext& context, dns::RRset& set) {
  RRsetVerdict verdict;
  std::optional<Name> signer = SignerOf(set);
  bool legacy_signed = false;
  if (!signer) {
    signer = LegacySignerOf(set);
    legacy_signed = signer.has_value();
  }
  if (!signer) {
    Name holder = set.type == RrType::DS && !set.owner.IsRoot() ? set.owner.Parent() : set.owner;
    ZoneTrust zone = co_await chain_.TrustAt(context, holder);
    if (zone.security == Security::kSecure && zone.family == TrustFamily::kLegacy) {
      co_await FetchLegacySigs(context, set);  // RFC 2065 section 2.3.1: servers may not send them.
      signer = LegacySignerOf(set);
      legacy_signed = signer.has_value();
    }
    if (!signer) {
      verdict = UnsignedVerdict(set, zone);
      set.security = verdict.security;
      co_return verdict;
    }
  }
  ZoneTrust zone = co_await chain_.KeysOf(context, *signer);
  co_await YieldIfDue(context);
  if (zone.security == Security::kSecure && (zone.family == TrustFamily::kLegacy) != legacy_signed) {
    verdict = UnsignedVerdict(set, zone);  // RRSIGs in a legacy zone, or SIGs in a modern one.
  } else if (zone.security == Security::kSecure) {
    verdict = VerifyRRset(set, zone, clock_.WallSeconds(), options_.chain.verify, context.validation());
    co_await YieldIfDue(context);  // After a burst, too: at most 15 checks between turns.
    if (verdict.security == Security::kSecure) set.ttl = std::min(set.ttl, verdict.ttl_bound);
  } else {
    verdict.security = zone.security;
    verdict.ede = zone.ede;
    verdict.why = zone.why;
  }
  set.security = verdict.security;
  co_return verdict;
}

Task<void> DnssecValidator::JudgeAnswer(const RequestContext& context, Resolution& resolution,
                                        Judgement& judgement) {
  for (size_t i = 0; i < resolution.answer.size(); ++i) {
    dns::RRset& set = resolution.answer[i];
    if (i > 0 && set.sigs.empty() && SynthesisedFrom(resolution.answer[i - 1], set)) {
      set.security = resolution.answer[i - 1].security;
      set.ttl = std::min(set.ttl, resolution.answer[i - 1].ttl);
      judgement.Add(set.security);
      continue;
    }
    RRsetVerdict verdict = co_await JudgeRRset(context, set);
    judgement.budget_exhausted = judgement.budget_exhausted || verdict.budget_exhausted;
    judgement.Add(verdict.security, verdict.ede, verdict.why);
    if (verdict.security != Security::kSecure || verdict.wildcard_labels == 0) continue;
    // RFC 4035 section 5.3.4: an expanded wildcard needs the proof that no closer name exists.
    DenialResult proof = DenialResult::kNotProven;
    if (verdict.family == TrustFamily::kLegacy) {
      ZoneTrust zone = co_await chain_.KeysOf(context, verdict.signer);
      LegacyProofs legacy(context, zone, clock_, options_.chain.verify);
      proof = co_await legacy.WildcardExpansion(set.owner, verdict.wildcard_labels, resolution.authority);
      if (proof == DenialResult::kProven) legacy.AddProofsTo(resolution.authority);
    } else {
      proof = ProveWildcardExpansion(set.owner, verdict.wildcard_labels, verdict.signer, resolution.authority,
                                     context.validation());
    }
    Security proved = DenialSecurity(proof);
    set.security = dns::Weaker(set.security, proved);
    judgement.Add(proved, DenialEde(proof),
                  DenialWhy(proof, set.owner, "wildcard expansion", verdict.family == TrustFamily::kLegacy ? "NXT" : "NSEC/NSEC3"));
  }
}

Task<void> DnssecValidator::JudgeNegative(const RequestContext& context, Resolution& resolution,
                                          const Name& final_name, Judgement& judgement) {
  const dns::RRset* soa = nullptr;
  for (const dns::RRset& set : resolution.authority) {
    if (set.type == RrType::SOA) soa = &set;
  }
  Security zone = soa ? soa->security : Security::kIndeterminate;
  Name zone_name = soa ? soa->owner : Name::Root();
  if (!soa) {  // No SOA to tell the zone: the name's own zone decides.
    ZoneTrust trust = co_await chain_.TrustAt(context, final_name);
    zone = trust.security;
    zone_name = trust.zone;
    if (zone != Security::kSecure) {
      judgement.Add(zone, trust.ede, trust.why);
      co_return;
    }
  }
  if (zone != Security::kSecure) co_return;  // The SOA's own verdict is already counted.
  bool nxdomain = resolution.rcode == dns::Rcode::NXDOMAIN;
  ZoneTrust keys = co_await chain_.KeysOf(context, zone_name);  // Remembered: no fetch.
  DenialResult proof = DenialResult::kNotProven;
  bool legacy = keys.security == Security::kSecure && keys.family == TrustFamily::kLegacy;
  if (legacy) {
    LegacyProofs legacy(context, keys, clock_, options_.chain.verify);
    proof = co_await legacy.Negative(nxdomain, final_name, context.question().qtype, resolution.authority);
    if (proof == DenialResult::kProven) legacy.AddProofsTo(resolution.authority);
  } else {
    proof = ProveNegativeAnswer(nxdomain, final_name, context.question().qtype, zone_name, resolution.authority,
                                context.validation());
  }
  judgement.Add(DenialSecurity(proof), DenialEde(proof),
                DenialWhy(proof, final_name, nxdomain ? "NXDOMAIN" : "NODATA", legacy ? "NXT" : "NSEC/NSEC3"));
}

Task<Resolution> DnssecValidator::Validate(const RequestContext& context, Resolution resolution) {
  // Signatures asked for as data (QTYPE=RRSIG) are passed on, never validated (RFC 4035 3.2.1).
  if (!options_.enabled || context.unvalidated() || context.question().qtype == RrType::RRSIG) {
    co_return resolution;
  }
  if (resolution.rcode != dns::Rcode::NOERROR && resolution.rcode != dns::Rcode::NXDOMAIN) {
    co_return resolution;
  }
  Judgement judgement;
  for (dns::RRset& set : resolution.authority) {
    RRsetVerdict verdict = co_await JudgeRRset(context, set);
    judgement.budget_exhausted = judgement.budget_exhausted || verdict.budget_exhausted;
    // A bogus proof record only matters through the proof check (it is not used); a bogus SOA
    // of a negative answer makes the answer bogus.
    if (set.type == RrType::SOA) judgement.Add(verdict.security, verdict.ede, verdict.why);
  }
  co_await JudgeAnswer(context, resolution, judgement);
  Name final_name = FinalName(resolution, context.question());
  bool has_data = std::any_of(resolution.answer.begin(), resolution.answer.end(), [&](const dns::RRset& s) {
    return s.owner == final_name && (s.type == context.question().qtype || context.question().qtype == RrType::ANY);
  });
  if (!has_data) co_await JudgeNegative(context, resolution, final_name, judgement);
  co_return Conclude(context, std::move(resolution), judgement);
}

Resolution DnssecValidator::Conclude(const RequestContext& context, Resolution resolution,
                                     const Judgement& judgement) {
  resolution.security = judgement.security;
  switch (judgement.security) {
    case Security::kSecure: ++stats_->secure; break;
    case Security::kInsecure: ++stats_->insecure; break;
    case Security::kIndeterminate: ++stats_->indeterminate; break;
    case Security::kBogus: ++stats_->bogus; break;
  }
  if (judgement.budget_exhausted) ++stats_->budget_exhausted;
  if (context.depth() == 0) {  // The request is over: count what its whole budget spent.
    uint32_t spent = context.validation().signature_checks();
    stats_->signature_checks += spent;
    uint64_t most = stats_->most_checks.load();
    if (spent > most) stats_->most_checks += spent - most;
  }
  if (judgement.security != Security::kBogus) {
    if (judgement.ede && !resolution.ede) {
      resolution.ede = judgement.ede;
      resolution.ede_text = judgement.why;
    }
    return resolution;
  }
  EdeCode ede = judgement.ede.value_or(EdeCode::kDnssecBogus);
  if (!context.client().checking_disabled) {
    Resolution failed = FailedResolution(ede, judgement.why);
    failed.security = Security::kBogus;
    failed.upstream_queries = resolution.upstream_queries;
    failed.unverified_fragments = resolution.unverified_fragments;
    failed.answered_by = std::move(resolution.answered_by);
    return failed;
  }
  resolution.ede = ede;  // CD: the data goes out, with the reason it would have been withheld.
  resolution.ede_text = judgement.why;
  return resolution;
}

}  // namespace redoubt::resolver
