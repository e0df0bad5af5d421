#include "resolver/validator/chain_of_trust.h"

#include <algorithm>

#include "crypto/dnssec_algorithms.h"
#include "crypto/ds_digest.h"
#include "resolver/validator/proof_check.h"
#include "resolver/validator/validation_turns.h"
#include "resolver/validator/validator_fetch.h"

namespace redoubt::resolver {
namespace {

using dns::EdeCode;
using dns::Name;
using dns::RrType;
using dns::Security;

const dns::RRset* FindSet(const std::vector<dns::RRset>& sets, const Name& owner, RrType type) {
  for (const dns::RRset& s : sets) {
    if (s.type == type && s.owner == owner) return &s;
  }
  return nullptr;
}

// Why a DS set gives the child no usable chain (RFC 4035 section 5.2, RFC 8624): EDE 1 when no
// record has an algorithm redoubt can verify, EDE 2 when the algorithms are fine but no digest
// type is; nullopt when at least one record is usable.
std::optional<EdeCode> UnusableDs(const std::vector<dns::rdata::DS>& ds) {
  bool any_algorithm = false;
  for (const auto& d : ds) {
    bool algorithm = crypto::CanValidate(d.algorithm);
    any_algorithm = any_algorithm || algorithm;
    if (algorithm && crypto::CanDigestDs(d.digest_type)) return std::nullopt;
  }
  return any_algorithm ? EdeCode::kUnsupportedDsDigestType : EdeCode::kUnsupportedDnskeyAlgorithm;
}

std::vector<dns::rdata::DS> DecodeDs(const dns::RRset& set) {
  std::vector<dns::rdata::DS> out;
  for (const auto& rdata : set.rdatas) {
    if (auto ds = dns::Decode<dns::rdata::DS>(rdata)) out.push_back(std::move(*ds));
  }
  return out;
}

bool Vouches(const std::vector<dns::rdata::DS>& ds, const Name& zone, std::span<const uint8_t> key) {
  return std::any_of(ds.begin(), ds.end(), [&](const dns::rdata::DS& d) {
    return crypto::CanValidate(d.algorithm) && crypto::CanDigestDs(d.digest_type) &&
           crypto::DsMatchesKey(d, zone, key);
  });
}

uint32_t MinTtl(const std::vector<dns::RRset>& sets) {
  uint32_t ttl = UINT32_MAX;
  for (const auto& s : sets) ttl = std::min(ttl, s.ttl);
  return ttl == UINT32_MAX ? 0 : ttl;
}

}  // namespace

ChainOfTrust::ChainOfTrust(const TrustAnchorStore& anchors, const Clock& clock,
                           ChainOptions options, AnswerStore* store)
    : anchors_(anchors), clock_(clock), options_(options), store_(store), zones_(options.max_zones) {}

Task<ZoneTrust> ChainOfTrust::TrustAt(const RequestContext& context, Name name) {
  ZoneTrust trust = co_await Walk(context, name, false);
  co_return trust;
}

Task<ZoneTrust> ChainOfTrust::KeysOf(const RequestContext& context, Name zone) {
  ZoneTrust trust = co_await Walk(context, zone, true);
  co_return trust;
}

std::optional<ZoneTrust> ChainOfTrust::Remembered(const Name& zone, int64_t now) {
  ZoneTrust* found = zones_.Find(zone);
  if (found == nullptr) return std::nullopt;
  if (found->expires <= now) {
    zones_.Erase(zone);
    return std::nullopt;
  }
  return *found;
}

std::optional<Name> ChainOfTrust::RememberedSecureZone(const Name& name) {
  if (anchors_.UnderNegativeAnchor(name)) return std::nullopt;
  const TrustAnchor* anchor = anchors_.Closest(name);
  if (anchor == nullptr) return std::nullopt;
  int64_t now = clock_.WallSeconds();
  for (Name n = name; n.IsSubdomainOf(anchor->zone); n = n.Parent()) {
    if (ZoneTrust* found = zones_.Find(n); found != nullptr && found->expires > now) {
      if (found->security != Security::kSecure) return std::nullopt;
      return found->zone;
    }
    if (n == anchor->zone) break;
  }
  return std::nullopt;
}

void ChainOfTrust::Remember(const ZoneTrust& trust) {
  switch (trust.security) {
    case Security::kSecure: ++stats_.zones_secure; break;
    case Security::kInsecure: ++stats_.zones_insecure; break;
    default: ++stats_.zones_bogus; break;
  }
  if (trust.expires > clock_.WallSeconds()) zones_.Put(trust.zone, trust);
}

std::optional<ZoneTrust> ChainOfTrust::DeepestRemembered(const Name& target, const Name& top, int64_t now) {
  for (Name n = target; n.IsSubdomainOf(top); n = n.Parent()) {
    if (std::optional<ZoneTrust> trust = Remembered(n, now)) return trust;
    if (n == top) break;
  }
  return std::nullopt;
}

Task<ZoneTrust> ChainOfTrust::Walk(const RequestContext& context, const Name& target, bool must_be_apex) {
  int64_t now = clock_.WallSeconds();
  if (anchors_.UnderNegativeAnchor(target)) {
    co_return InsecureZone(target, now + 60, std::nullopt, "negative trust anchor");
  }
  const TrustAnchor* anchor = anchors_.Closest(target);
  const LegacyAnchor* legacy = anchors_.ClosestLegacy(target);
  if (anchor == nullptr && legacy == nullptr) {
    co_return InsecureZone(Name::Root(), now + 60, std::nullopt, "no trust anchor");
  }
  // Start from the deepest zone already known on the path, else from the anchor.
  std::optional<ZoneTrust> trust = DeepestRemembered(target, anchor ? anchor->zone : legacy->zone, now);
  if (!trust && anchor != nullptr) {
    ++stats_.walks;
    trust = co_await AnchorTrust(context, *anchor);
    Remember(*trust);
  }
  if (trust) trust = co_await Descend(context, target, std::move(*trust));
  // The modern chain ends insecure at or above a legacy trust point: the RFC 2065 chain decides.
  bool legacy_applies = legacy != nullptr && (!trust || (trust->security == Security::kInsecure &&
                                                         trust->family == TrustFamily::kDnssec &&
                                                         legacy->zone.IsSubdomainOf(trust->zone)));
  if (legacy_applies) {
    ++stats_.walks;
    ZoneTrust start = co_await LegacyAnchorTrust(context, *legacy);
    Remember(start);
    trust = co_await Descend(context, target, std::move(start));
  }
  if (must_be_apex && trust->security == Security::kSecure && !(trust->zone == target)) {
    co_return BogusZone(target, EdeCode::kDnssecBogus,
                        "signer " + target.ToText() + " is not a zone apex under " + trust->zone.ToText(),
                        now + options_.bogus_ttl);
  }
  co_return std::move(*trust);
}

Task<ZoneTrust> ChainOfTrust::Descend(const RequestContext& context, const Name& target, ZoneTrust trust) {
  Name position = trust.zone;
  while (trust.security == Security::kSecure && !(position == target)) {
    Name child = target.Suffix(position.LabelCount() + 1);
    Step step;
    if (trust.family == TrustFamily::kLegacy) {
      step = co_await LegacyStepDown(context, trust, child);
    } else {
      step = co_await StepDown(context, child);
    }
    if (step.kind == StepKind::kNoSuchName) break;
    position = child;
    if (step.kind == StepKind::kNotACut) continue;
    trust = std::move(step.trust);
    Remember(trust);
  }
  co_return trust;
}

Task<ZoneTrust> ChainOfTrust::AnchorTrust(const RequestContext& context, const TrustAnchor& anchor) {
  if (anchor.dnskey_rdatas.empty()) {
    if (std::optional<EdeCode> unusable = UnusableDs(anchor.ds)) {
      co_return InsecureZone(anchor.zone, clock_.WallSeconds() + options_.max_trust_ttl, unusable,
                             "no usable trust anchor for " + anchor.zone.ToText());
    }
  }
  const TrustAnchor* a = &anchor;
  std::function<bool(std::span<const uint8_t>)> vouched = [a](std::span<const uint8_t> key) {
    bool listed = std::any_of(a->dnskey_rdatas.begin(), a->dnskey_rdatas.end(), [&](const auto& k) {
      return std::equal(k.begin(), k.end(), key.begin(), key.end());
    });
    return listed || Vouches(a->ds, a->zone, key);
  };
  ZoneTrust trust = co_await KeysVouchedFor(context, anchor.zone, std::move(vouched));
  co_return trust;
}

Task<ChainOfTrust::Step> ChainOfTrust::StepDown(const RequestContext& context, const Name& child) {
  int64_t now = clock_.WallSeconds();
  dns::Question question{child, RrType::DS, dns::RrClass::IN};
  Resolution ds = co_await FetchForValidation(context, question, false);
  Step step;
  if (ds.rcode == dns::Rcode::SERVFAIL) {
    step.trust = BogusZone(child, ds.ede.value_or(EdeCode::kDnssecBogus),
                           "no DS answer for " + child.ToText() + (ds.ede_text.empty() ? "" : ": " + ds.ede_text),
                           now + 5);
    co_return step;
  }
  if (const dns::RRset* set = FindSet(ds.answer, child, RrType::DS)) {
    if (set->security == Security::kInsecure) {
      step.trust = InsecureZone(child, now + set->ttl);
    } else if (set->security != Security::kSecure) {
      step.trust = BogusZone(child, EdeCode::kDnssecBogus, "DS of " + child.ToText() + " not validated",
                             now + options_.bogus_ttl);
    } else {
      step.trust = co_await ChildKeys(context, child, *set);
    }
    co_return step;
  }
  // A negative answer: what does its proof say about a cut at `child`?
  DsDenial denial = ClassifyDsAnswer(child, ds.authority, context.validation());
  uint32_t ttl = std::min(MinTtl(ds.authority), options_.max_trust_ttl);
  switch (denial) {
    case DsDenial::kNotADelegation: step.kind = StepKind::kNotACut; break;
    case DsDenial::kNoSuchName: step.kind = StepKind::kNoSuchName; break;
    case DsDenial::kInsecureDelegation:
      step.trust = InsecureZone(child, now + ttl, std::nullopt, "no DS: insecure delegation");
      break;
    case DsDenial::kIterationsTooHigh:
      step.trust = InsecureZone(child, now + ttl, EdeCode::kUnsupportedNsec3Iterations,
                                "NSEC3 iterations above the limit");
      break;
    case DsDenial::kBudgetExhausted:
      step.trust = BogusZone(child, EdeCode::kDnssecBogus, "validation budget exhausted", now + 5);
      break;
    case DsDenial::kNotProven:
      step.trust = BogusZone(child, EdeCode::kNsecMissing,
                             "no proof that " + child.ToText() + " has no DS", now + options_.bogus_ttl);
      break;
  }
  co_return step;
}

Task<ZoneTrust> ChainOfTrust::ChildKeys(const RequestContext& context, const Name& child, const dns::RRset& ds_set) {
  std::vector<dns::rdata::DS> ds = DecodeDs(ds_set);
  if (std::optional<EdeCode> unusable = UnusableDs(ds)) {
    co_return InsecureZone(child, clock_.WallSeconds() + std::min(ds_set.ttl, options_.max_trust_ttl),
                           unusable, "DS of " + child.ToText() + " uses only unsupported algorithms or digests");
  }
  std::function<bool(std::span<const uint8_t>)> vouched = [ds = std::move(ds), child](std::span<const uint8_t> key) {
    return Vouches(ds, child, key);
  };
  ZoneTrust trust = co_await KeysVouchedFor(context, child, std::move(vouched));
  co_return trust;
}

Task<ZoneTrust> ChainOfTrust::KeysVouchedFor(const RequestContext& context, const Name& zone,
                                             std::function<bool(std::span<const uint8_t>)> vouched) {
  int64_t now = clock_.WallSeconds();
  dns::Question question{zone, RrType::DNSKEY, dns::RrClass::IN};
  Resolution fetched = co_await FetchForValidation(context, question, true);
  dns::RRset empty;
  empty.owner = zone;
  empty.type = RrType::DNSKEY;
  const dns::RRset* found = FindSet(fetched.answer, zone, RrType::DNSKEY);
  const dns::RRset& keys = found ? *found : empty;
  co_await YieldIfDue(context);
  ZoneTrust trust = VerifyKeySet(keys, zone, vouched, now, options_.verify, context.validation());
  if (trust.security != Security::kSecure && fetched.unverified_fragments) {
    // Reassembled fragments nobody verified (docs/fragment-defence.md): only a Secure key set
    // is good enough; anything else is fetched again with the defence strict.
    RequestContext strict = context.WithoutUnverifiedFragments();
    ZoneTrust again = co_await KeysVouchedFor(strict, zone, std::move(vouched));
    co_return again;
  }
  trust.expires = std::min<int64_t>(trust.expires, now + options_.max_trust_ttl);
  if (trust.security == Security::kBogus && !found && fetched.rcode == dns::Rcode::SERVFAIL) {
    trust.why = "no DNSKEY answer for " + zone.ToText();
    trust.expires = now + 5;
  }
  if (trust.security == Security::kSecure && store_ != nullptr && found) {
    Resolution keep = fetched;
    keep.answer = {*found};
    keep.answer[0].security = Security::kSecure;
    keep.answer[0].ttl = static_cast<uint32_t>(trust.expires - now);
    keep.security = Security::kSecure;
    store_->Store({zone, RrType::DNSKEY, dns::RrClass::IN}, keep);
  }
  co_return trust;
}

// --- The RFC 2065 family ---------------------------------------------------------------------

namespace {

ZoneTrust Legacy(ZoneTrust trust) {
  trust.family = TrustFamily::kLegacy;
  return trust;
}

}  // namespace

Task<ZoneTrust> ChainOfTrust::LegacyAnchorTrust(const RequestContext& context, const LegacyAnchor& anchor) {
  int64_t now = clock_.WallSeconds();
  dns::RRset configured;
  configured.owner = anchor.zone;
  configured.type = RrType::KEY;
  configured.rdatas = anchor.key_rdatas;
  ZoneTrust signer = Legacy(InsecureZone(anchor.zone, now + options_.max_trust_ttl));
  signer.security = Security::kSecure;
  signer.keys = ParseLegacyZoneKeys(configured).keys;
  if (signer.keys.empty()) {
    co_return Legacy(BogusZone(anchor.zone, EdeCode::kDnskeyMissing,
                               "no usable legacy trust anchor KEY for " + anchor.zone.ToText(), now + 60));
  }
  // The zone's KEY set as served must carry a SIG by a configured key (RFC 2535 section 6.3.1).
  Resolution fetched = co_await FetchForValidation(context, {anchor.zone, RrType::KEY, dns::RrClass::IN}, true);
  const dns::RRset* found = FindSet(fetched.answer, anchor.zone, RrType::KEY);
  if (found == nullptr) {
    co_return Legacy(BogusZone(anchor.zone, EdeCode::kDnskeyMissing, "no KEY RRset at " + anchor.zone.ToText(),
                               now + (fetched.rcode == dns::Rcode::SERVFAIL ? 5 : options_.bogus_ttl)));
  }
  LegacyKeySet parsed = ParseLegacyZoneKeys(*found);
  ZoneTrust trust = co_await LegacyKeysSignedBy(context, *found, std::move(parsed), signer);
  co_return trust;
}

Task<ChainOfTrust::Step> ChainOfTrust::LegacyStepDown(const RequestContext& context, const ZoneTrust& parent,
                                                      const Name& child) {
  int64_t now = clock_.WallSeconds();
  Resolution fetched = co_await FetchForValidation(context, {child, RrType::KEY, dns::RrClass::IN}, true);
  Step step;
  const dns::RRset* keys = FindSet(fetched.answer, child, RrType::KEY);
  if (keys != nullptr) {
    LegacyKeySet parsed = ParseLegacyZoneKeys(*keys);
    if (parsed.keys.empty() && !parsed.no_key && !parsed.unsupported) {
      step.kind = StepKind::kNotACut;  // Host or user keys only (RFC 2535 section 3.1.2).
    } else {
      step.trust = co_await LegacyKeysSignedBy(context, *keys, std::move(parsed), parent);
    }
  } else if (fetched.rcode == dns::Rcode::SERVFAIL) {
    step.trust = Legacy(BogusZone(child, fetched.ede.value_or(EdeCode::kDnssecBogus),
                                  "no KEY answer for " + child.ToText(), now + 5));
  } else {
    // No KEY: not a zone of this chain. Data below is then judged by the parent's keys, so
    // hiding a child's KEY set can only make its data bogus, never secure.
    step.kind = fetched.rcode == dns::Rcode::NXDOMAIN ? StepKind::kNoSuchName : StepKind::kNotACut;
  }
  co_return step;
}

Task<ZoneTrust> ChainOfTrust::LegacyKeysSignedBy(const RequestContext& context, dns::RRset keys, LegacyKeySet parsed,
                                                 const ZoneTrust& signer) {
  int64_t now = clock_.WallSeconds();
  co_await FetchLegacySigs(context, keys);
  co_await YieldIfDue(context);
  RRsetVerdict verdict = VerifyRRset(keys, signer, now, options_.verify, context.validation());
  if (verdict.security != Security::kSecure) {
    co_return Legacy(BogusZone(keys.owner, verdict.ede.value_or(EdeCode::kDnssecBogus),
                               "KEY of " + keys.owner.ToText() + " not signed by " + signer.zone.ToText() + ": " + verdict.why,
                               now + (verdict.budget_exhausted ? 5 : options_.bogus_ttl)));
  }
  int64_t expires = now + std::min({keys.ttl, verdict.ttl_bound, options_.max_trust_ttl});
  if (!parsed.keys.empty()) {
    ZoneTrust trust = Legacy(InsecureZone(keys.owner, expires));
    trust.security = Security::kSecure;
    trust.keys = std::move(parsed.keys);
    co_return trust;
  }
  if (parsed.no_key) {
    co_return Legacy(InsecureZone(keys.owner, expires, std::nullopt,
                                  "no-key KEY signed by " + signer.zone.ToText() + ": an unsigned zone"));
  }
  co_return Legacy(InsecureZone(keys.owner, expires, EdeCode::kUnsupportedDnskeyAlgorithm,
                                "no KEY of " + keys.owner.ToText() + " with an algorithm redoubt can verify"));
}

}  // namespace redoubt::resolver
