#include "resolver/validator/anchor_acceptance.h"

#include <algorithm>

#include "crypto/dnssec_algorithms.h"
#include "crypto/ds_digest.h"
#include "net/dns/canonical.h"

namespace redoubt::resolver {
namespace {

// The DNSKEY RRSIGs whose key tag is a trusted key's (the tag alone: candidates to verify).
std::vector<const dns::rdata::RRSIG*> TrustedSignatures(const TrustPointState& state,
                                                        const dns::RRset& dnskeys) {
  std::vector<uint16_t> tags;
  for (const ManagedKey& key : state.keys) {
    if (IsTrusted(key.state)) tags.push_back(key.Tag());
  }
  std::vector<const dns::rdata::RRSIG*> out;
  for (const auto& sig : dnskeys.sigs) {
    if (sig.type_covered == dns::RrType::DNSKEY &&
        std::find(tags.begin(), tags.end(), sig.key_tag) != tags.end()) {
      out.push_back(&sig);
    }
  }
  return out;
}

// RFC 5011 section 2.2 through VerifyKeySet (RFC 4035 section 5.2), one trusted key's RRSIG at a
// time, newest inception first: the inception of the signature that verified is what the replay
// rule keeps, so a forged RRSIG with a later inception cannot move it.
const dns::rdata::RRSIG* ValidatingSignature(const TrustPointState& state,
                                             const dns::RRset& dnskeys, int64_t now,
                                             const VerifyLimits& limits, ValidationBudget& budget,
                                             std::string& why) {
  std::vector<std::vector<uint8_t>> trusted = TrustedKeys(state);
  auto vouched = [&](std::span<const uint8_t> rdata) {
    return std::any_of(trusted.begin(), trusted.end(), [&](const std::vector<uint8_t>& t) {
      return std::equal(t.begin(), t.end(), rdata.begin(), rdata.end());
    });
  };
  auto sigs = TrustedSignatures(state, dnskeys);
  std::stable_sort(sigs.begin(), sigs.end(),
                   [](const dns::rdata::RRSIG* x, const dns::rdata::RRSIG* y) {
                     return static_cast<int32_t>(x->inception.value - y->inception.value) > 0;
                   });
  why = "no RRSIG by a trusted key of " + state.zone.ToText();
  dns::RRset one = dnskeys;
  uint32_t tried = 0;
  for (const dns::rdata::RRSIG* sig : sigs) {
    if (tried++ >= budget.limits().signatures_per_rrset) break;  // KeyTrap: forged RRSIGs.
    one.sigs = {*sig};
    ZoneTrust verdict = VerifyKeySet(one, state.zone, vouched, now, limits, budget);
    if (verdict.security == dns::Security::kSecure) return sig;
    why = verdict.why;
    if (budget.exhausted()) break;
  }
  return nullptr;
}

}  // namespace

Acceptance CheckDnskeyObservation(const TrustPointState& state, const dns::RRset& dnskeys,
                                  int64_t now, const VerifyLimits& limits,
                                  ValidationBudget& budget) {
  Acceptance out;
  if (dnskeys.type != dns::RrType::DNSKEY || !(dnskeys.owner == state.zone)) {
    out.why = "not the DNSKEY RRset of " + state.zone.ToText();
    return out;
  }
  const dns::rdata::RRSIG* sig = ValidatingSignature(state, dnskeys, now, limits, budget, out.why);
  out.validated = sig != nullptr;
  if (sig != nullptr) {
    out.inception = sig->inception.value;
    out.original_ttl = sig->original_ttl;
    out.expiry_interval = SecondsUntilExpiry(sig->expiration.value, now);
  }
  if (out.validated && state.last_inception != 0 &&
      static_cast<int32_t>(out.inception - state.last_inception) < 0) {
    out.validated = false;
    out.why = "signatures older than the last accepted DNSKEY RRset (a replay)";
  }
  if (out.validated) out.why.clear();
  for (const auto& rdata : dnskeys.rdatas) {
    if (rdata.size() < 2 || (rdata[1] & kDnskeyRevokeFlag) == 0) continue;
    dns::RRset alone;
    alone.owner = dnskeys.owner;
    alone.type = dns::RrType::DNSKEY;
    alone.rdatas = {rdata};
    ZoneTrust only{state.zone, dns::Security::kSecure, ParseZoneKeys(alone), {}, {}, 0};
    if (only.keys.empty()) continue;
    if (VerifyRRset(dnskeys, only, now, limits, budget).security == dns::Security::kSecure) {
      out.self_signed_revoked.push_back(rdata);
    }
  }
  return out;
}

RefreshOutcome RefreshTrustPoint(const TrustPointState& state, const dns::RRset& dnskeys,
                                 int64_t now, const VerifyLimits& limits,
                                 ValidationBudget& budget) {
  Acceptance a = CheckDnskeyObservation(state, dnskeys, now, limits, budget);
  RefreshOutcome out{ApplyObservation(state, dnskeys, a, now, a.original_ttl), a.validated, 0};
  // Nothing verified gives no signature to time from: the set's TTL and no expiry interval,
  // which is RetryTime's one-hour floor.
  out.next_refresh = now + (a.validated ? QueryInterval(a.original_ttl, a.expiry_interval)
                                        : RetryTime(dnskeys.ttl, 0));
  return out;
}

std::optional<TrustPointState> TrustPointFromDs(const dns::Name& zone,
                                                std::span<const dns::rdata::DS> ds,
                                                const dns::RRset& dnskeys, int64_t now,
                                                const VerifyLimits& limits,
                                                ValidationBudget& budget) {
  auto named = [&](std::span<const uint8_t> rdata) {
    return std::any_of(ds.begin(), ds.end(), [&](const dns::rdata::DS& d) {
      return crypto::CanValidate(d.algorithm) && crypto::CanDigestDs(d.digest_type) &&
             crypto::DsMatchesKey(d, zone, rdata);
    });
  };
  if (!(dnskeys.owner == zone) || dnskeys.type != dns::RrType::DNSKEY) return std::nullopt;
  if (VerifyKeySet(dnskeys, zone, named, now, limits, budget).security != dns::Security::kSecure)
    return std::nullopt;
  std::vector<std::vector<uint8_t>> anchors;
  for (const auto& rdata : dnskeys.rdatas) {
    if (named(rdata)) anchors.push_back(rdata);
  }
  TrustPointState state = InitialTrustPoint(zone, anchors, now);
  if (state.keys.empty()) return std::nullopt;
  return state;
}

}  // namespace redoubt::resolver
