#include "resolver/validator/rrset_verifier.h"

#include <algorithm>

#include "crypto/dnssec_algorithms.h"
#include "net/dns/canonical.h"

namespace redoubt::resolver {
namespace {

using dns::EdeCode;
using dns::Security;

constexpr uint16_t kZoneKeyFlag = 0x0100;  // RFC 4034 section 2.1.1.
constexpr uint16_t kRevokeFlag = 0x0080;   // RFC 5011 section 2.1.

// Why the signatures failed so far; the most telling reason is reported (order of the enum).
enum class Failure : uint8_t { kNone, kNoSignature, kNoKey, kTimeWindow, kBadLabels, kBadSignature };

struct Tally {
  Failure worst = Failure::kNone;
  EdeCode time_ede = EdeCode::kSignatureExpired;
  std::string why;
  void Note(Failure f, std::string text, EdeCode ede = EdeCode::kDnssecBogus) {
    if (f < worst) return;
    worst = f;
    why = std::move(text);
    if (f == Failure::kTimeWindow) time_ede = ede;
  }
};

EdeCode TimeEde(SignatureTime t) {
  switch (t) {
    case SignatureTime::kExpired: return EdeCode::kSignatureExpired;
    case SignatureTime::kNotYetValid: return EdeCode::kSignatureNotYetValid;
    case SignatureTime::kExpiredBeforeValid: return EdeCode::kSignatureExpiredBeforeValid;
    case SignatureTime::kValid: break;
  }
  return EdeCode::kDnssecBogus;
}

RRsetVerdict Bogus(const Tally& tally, const dns::RRset& set) {
  RRsetVerdict v;
  v.security = Security::kBogus;
  std::string where = set.owner.ToLower().ToText() + " " + dns::RrTypeToText(set.type);
  switch (tally.worst) {
    case Failure::kBadSignature: v.ede = EdeCode::kDnssecBogus; break;
    case Failure::kBadLabels: v.ede = EdeCode::kDnssecBogus; break;
    case Failure::kTimeWindow: v.ede = tally.time_ede; break;
    case Failure::kNoKey: v.ede = EdeCode::kDnskeyMissing; break;
    case Failure::kNone:
    case Failure::kNoSignature: v.ede = EdeCode::kRrsigsMissing; break;
  }
  v.why = where + ": " + (tally.why.empty() ? "no usable RRSIG" : tally.why);
  return v;
}

}  // namespace

uint8_t SignableLabels(const dns::Name& owner) noexcept {
  size_t labels = owner.LabelCount();
  if (labels > 0) {
    auto first = owner.Label(0);
    if (first.size() == 1 && first[0] == '*') --labels;
  }
  return static_cast<uint8_t>(labels);
}

namespace {

// VerifyRRset over one family's signatures: RRSIG (RFC 4035 section 5.3) or the legacy SIG
// (RFC 2535 section 4.1, the same fields and the same checks).
template <typename Sig>
RRsetVerdict VerifySignatures(const dns::RRset& set, const std::vector<Sig>& sigs, const ZoneTrust& zone,
                              int64_t now, const VerifyLimits& limits, ValidationBudget& budget) {
  Tally tally;
  tally.Note(Failure::kNoSignature, std::string("no ") + (Sig::kType == dns::RrType::SIG ? "SIG" : "RRSIG") +
                                        " by " + zone.zone.ToText());
  uint8_t owner_labels = SignableLabels(set.owner);
  uint32_t checks = 0;
  for (const Sig& sig : sigs) {
    if (sig.type_covered != set.type || !(sig.signer == zone.zone)) continue;
    if (sig.labels > owner_labels) {  // security.md C11: more labels than the owner has.
      tally.Note(Failure::kBadLabels, "RRSIG labels field exceeds the owner's labels");
      continue;
    }
    SignatureTime window = JudgeSignatureTime(sig.inception.value, sig.expiration.value, now, limits.skew);
    if (window != SignatureTime::kValid) {
      tally.Note(Failure::kTimeWindow, "signature outside its validity window", TimeEde(window));
      continue;
    }
    auto data = dns::SignedData(sig, set.owner, set.klass, set.rdatas);
    if (!data) {
      tally.Note(Failure::kBadSignature, "signed data cannot be built");
      continue;
    }
    uint32_t tried = 0;
    for (const ZoneKey& key : zone.keys) {
      if (key.tag != sig.key_tag || key.algorithm != sig.algorithm) continue;
      if (tried++ >= budget.limits().key_tag_collisions) break;
      if (checks++ >= budget.limits().signatures_per_rrset) {
        tally.Note(Failure::kBadSignature, "more than " + std::to_string(budget.limits().signatures_per_rrset) +
                                               " signature checks for one RRset");
        return Bogus(tally, set);
      }
      if (!budget.TrySignatureCheck()) {
        RRsetVerdict spent = Bogus(tally, set);
        spent.ede = EdeCode::kDnssecBogus;
        spent.why = "validation budget exhausted at " + set.owner.ToLower().ToText();
        spent.budget_exhausted = true;
        return spent;
      }
      if (key.key->Verify(*data, sig.signature.bytes)) {
        RRsetVerdict ok;
        ok.security = Security::kSecure;
        ok.ttl_bound = std::min(sig.original_ttl, SecondsUntilExpiry(sig.expiration.value, now));
        ok.wildcard_labels = sig.labels < owner_labels ? sig.labels : 0;
        ok.signer = zone.zone;
        ok.family = zone.family;
        return ok;
      }
      tally.Note(Failure::kBadSignature, "signature does not verify with key " +
                                             std::to_string(key.tag));
    }
    if (tried == 0) tally.Note(Failure::kNoKey, "no key with tag " + std::to_string(sig.key_tag));
  }
  return Bogus(tally, set);
}

constexpr uint16_t kNoKeyFlags = 0xC000;    // RFC 2535 section 3.1.2: "no key" (both bits).
constexpr uint16_t kExtendedFlags = 0x1000;  // RFC 2535 section 3.1.2: XT, a second flags word.

}  // namespace

RRsetVerdict VerifyRRset(const dns::RRset& set, const ZoneTrust& zone, int64_t now,
                         const VerifyLimits& limits, ValidationBudget& budget) {
  if (zone.family == TrustFamily::kLegacy) return VerifySignatures(set, set.legacy_sigs, zone, now, limits, budget);
  return VerifySignatures(set, set.sigs, zone, now, limits, budget);
}

LegacyKeySet ParseLegacyZoneKeys(const dns::RRset& keys) {
  LegacyKeySet out;
  for (const auto& rdata : keys.rdatas) {
    auto key = dns::Decode<dns::rdata::KEY>(rdata);
    if (!key || (key->flags & kZoneKeyFlag) == 0) continue;
    if ((key->flags & kNoKeyFlags) == kNoKeyFlags) {
      out.no_key = true;
      continue;
    }
    // RFC 2535 section 3.1.3: 3 is DNSSEC, 255 every protocol (zone keys may also say 0 or 1
    // in RFC 2065 terms; redoubt takes 3 and 255 only).
    if (key->protocol != 3 && key->protocol != 255) continue;
    std::span<const uint8_t> field = key->public_key.bytes;
    if ((key->flags & kExtendedFlags) != 0) field = field.size() >= 2 ? field.subspan(2) : std::span<const uint8_t>{};
    if (!crypto::CanValidateLegacy(key->algorithm)) {
      out.unsupported = true;
      continue;
    }
    auto parsed = crypto::DnssecPublicKey::Import(key->algorithm, field, crypto::AlgorithmPolicy::kLegacyTrustPoint);
    if (!parsed) {
      out.unsupported = true;
      continue;
    }
    out.keys.push_back(ZoneKey{dns::KeyTag(rdata), key->algorithm, key->flags,
                               std::make_shared<const crypto::DnssecPublicKey>(std::move(*parsed))});
  }
  return out;
}

std::vector<ZoneKey> ParseZoneKeys(const dns::RRset& dnskeys) {
  std::vector<ZoneKey> keys;
  for (const auto& rdata : dnskeys.rdatas) {
    auto key = dns::Decode<dns::rdata::DNSKEY>(rdata);
    if (!key || (key->flags & kZoneKeyFlag) == 0 || key->protocol != 3) continue;
    if (!crypto::CanValidate(key->algorithm)) continue;
    auto parsed = crypto::DnssecPublicKey::Import(key->algorithm, key->public_key.bytes);
    if (!parsed) continue;
    keys.push_back(ZoneKey{dns::KeyTag(rdata), key->algorithm, key->flags,
                           std::make_shared<const crypto::DnssecPublicKey>(std::move(*parsed))});
  }
  return keys;
}

ZoneTrust VerifyKeySet(const dns::RRset& dnskeys, const dns::Name& zone,
                       const std::function<bool(std::span<const uint8_t>)>& vouched, int64_t now,
                       const VerifyLimits& limits, ValidationBudget& budget) {
  int64_t retry = now + 60;
  if (dnskeys.rdatas.empty()) return BogusZone(zone, EdeCode::kDnskeyMissing, "no DNSKEY RRset at " + zone.ToText(), retry);
  ZoneTrust candidate{zone, dns::Security::kSecure, ParseZoneKeys(dnskeys), {}, {}, 0};
  bool any_vouched = false, zone_bit_missing = false;
  std::optional<RRsetVerdict> failure;
  uint32_t tried = 0;
  for (const auto& rdata : dnskeys.rdatas) {
    if (!vouched(rdata)) continue;
    any_vouched = true;
    auto key = dns::Decode<dns::rdata::DNSKEY>(rdata);
    if (!key || (key->flags & kZoneKeyFlag) == 0) {
      zone_bit_missing = true;
      continue;
    }
    if ((key->flags & kRevokeFlag) != 0 || tried++ >= budget.limits().key_tag_collisions) continue;
    // The set must be signed by this key in particular (RFC 4035 section 5.2).
    ZoneTrust only{zone, dns::Security::kSecure, {}, {}, {}, 0};
    auto parsed = crypto::DnssecPublicKey::Import(key->algorithm, key->public_key.bytes);
    if (!parsed) continue;
    only.keys.push_back(ZoneKey{dns::KeyTag(rdata), key->algorithm, key->flags,
                                std::make_shared<const crypto::DnssecPublicKey>(std::move(*parsed))});
    RRsetVerdict verdict = VerifyRRset(dnskeys, only, now, limits, budget);
    if (verdict.security == dns::Security::kSecure) {
      candidate.expires = now + std::min(dnskeys.ttl, verdict.ttl_bound);
      return candidate;
    }
    if (verdict.budget_exhausted) return BogusZone(zone, *verdict.ede, verdict.why, retry);
    failure = verdict;
  }
  if (failure) return BogusZone(zone, *failure->ede, failure->why, retry);
  if (zone_bit_missing) {
    return BogusZone(zone, EdeCode::kNoZoneKeyBitSet, "the DNSKEY the DS names lacks the Zone Key flag", retry);
  }
  return BogusZone(zone, EdeCode::kDnskeyMissing,
                   any_vouched ? "no usable DNSKEY matches the DS" : "no DNSKEY of " + zone.ToText() + " matches its DS or anchor",
                   retry);
}

}  // namespace redoubt::resolver
