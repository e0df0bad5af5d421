#include "resolver/validator/anchor_acceptance.h"

#include <algorithm>

#include "crypto/dnssec_algorithms.h"
#include "crypto/ds_digest.h"
#include "net/dns/canonical.h"

namespace redoubt::resolver {
namespace {

// The DNSKEY RRSIGs whose key tag is a trusted key's (the tag alone: these feed timers, the
// signature checks are CheckDnskeyObservation's).
std::vector<const dns::rdata::RRSIG*> TrustedSignatures(const TrustPointState& state, const dns::RRset& dnskeys) {
  std::vector<uint16_t> tags;
  for (const ManagedKey& key : state.keys) {
    if (IsTrusted(key.state)) tags.push_back(key.Tag());
  }
  std::vector<const dns::rdata::RRSIG*> out;
  for (const auto& sig : dnskeys.sigs) {
    if (sig.type_covered == dns::RrType::DNSKEY && std::find(tags.begin(), tags.end(), sig.key_tag) != tags.end()) {
      out.push_back(&sig);
    }
  }
  return out;
}

}  // namespace

Acceptance CheckDnskeyObservation(const TrustPointState& state, const dns::RRset& dnskeys, int64_t now,
                                  const VerifyLimits& limits, ValidationBudget& budget) {
  Acceptance out;
  if (dnskeys.type != dns::RrType::DNSKEY || !(dnskeys.owner == state.zone)) {
    out.why = "not the DNSKEY RRset of " + state.zone.ToText();
    return out;
  }
  std::vector<std::vector<uint8_t>> trusted = TrustedKeys(state);
  auto vouched = [&](std::span<const uint8_t> rdata) {
    return std::any_of(trusted.begin(), trusted.end(),
                       [&](const std::vector<uint8_t>& t) { return std::equal(t.begin(), t.end(), rdata.begin(), rdata.end()); });
  };
  ZoneTrust verdict = VerifyKeySet(dnskeys, state.zone, vouched, now, limits, budget);
  out.validated = verdict.security == dns::Security::kSecure;
  if (!out.validated) out.why = verdict.why;
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

int64_t SignatureExpiryInterval(const TrustPointState& state, const dns::RRset& dnskeys, int64_t now) {
  int64_t longest = 0;
  for (const auto* sig : TrustedSignatures(state, dnskeys)) {
    longest = std::max<int64_t>(longest, SecondsUntilExpiry(sig->expiration.value, now));
  }
  return longest;
}

uint32_t SignedOriginalTtl(const TrustPointState& state, const dns::RRset& dnskeys) {
  auto sigs = TrustedSignatures(state, dnskeys);
  if (sigs.empty()) return dnskeys.ttl;
  uint32_t ttl = 0;
  for (const auto* sig : sigs) ttl = std::max(ttl, sig->original_ttl);
  return ttl;
}

RefreshOutcome RefreshTrustPoint(const TrustPointState& state, const dns::RRset& dnskeys, int64_t now,
                                 const VerifyLimits& limits, ValidationBudget& budget) {
  Acceptance acceptance = CheckDnskeyObservation(state, dnskeys, now, limits, budget);
  uint32_t original_ttl = SignedOriginalTtl(state, dnskeys);
  int64_t expiry = SignatureExpiryInterval(state, dnskeys, now);
  RefreshOutcome out{ApplyObservation(state, dnskeys, acceptance, now, original_ttl), acceptance.validated, 0};
  out.next_refresh = now + (out.validated ? QueryInterval(original_ttl, expiry) : RetryTime(original_ttl, expiry));
  return out;
}

std::optional<TrustPointState> TrustPointFromDs(const dns::Name& zone, std::span<const dns::rdata::DS> ds,
                                                const dns::RRset& dnskeys, int64_t now, const VerifyLimits& limits,
                                                ValidationBudget& budget) {
  auto named = [&](std::span<const uint8_t> rdata) {
    return std::any_of(ds.begin(), ds.end(), [&](const dns::rdata::DS& d) {
      return crypto::CanValidate(d.algorithm) && crypto::CanDigestDs(d.digest_type) && crypto::DsMatchesKey(d, zone, rdata);
    });
  };
  if (!(dnskeys.owner == zone) || dnskeys.type != dns::RrType::DNSKEY) return std::nullopt;
  if (VerifyKeySet(dnskeys, zone, named, now, limits, budget).security != dns::Security::kSecure) return std::nullopt;
  std::vector<std::vector<uint8_t>> anchors;
  for (const auto& rdata : dnskeys.rdatas) {
    if (named(rdata)) anchors.push_back(rdata);
  }
  TrustPointState state = InitialTrustPoint(zone, anchors, now);
  if (state.keys.empty()) return std::nullopt;
  return state;
}

}  // namespace redoubt::resolver
