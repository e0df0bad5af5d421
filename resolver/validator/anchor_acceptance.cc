#include "resolver/validator/anchor_acceptance.h"

#include <algorithm>

#include "net/dns/canonical.h"

namespace redoubt::resolver {

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
  std::vector<uint16_t> tags;
  for (const ManagedKey& key : state.keys) {
    if (IsTrusted(key.state)) tags.push_back(key.Tag());
  }
  int64_t longest = 0;
  for (const auto& sig : dnskeys.sigs) {
    if (sig.type_covered != dns::RrType::DNSKEY || std::find(tags.begin(), tags.end(), sig.key_tag) == tags.end()) continue;
    longest = std::max<int64_t>(longest, SecondsUntilExpiry(sig.expiration.value, now));
  }
  return longest;
}

}  // namespace redoubt::resolver
