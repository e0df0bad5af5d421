// Checks the signatures of one RRset against a zone's validated keys (RFC 4035 section 5.3) and a
// DNSKEY RRset against the DS records or anchors that vouch for it (RFC 4035 section 5.2). Pure
// functions over data already fetched: no I/O, no coroutines; the wall-clock time is passed in.
//
// KeyTrap defences (CVE-2023-50387; security.md B3): at most signatures_per_rrset verifications
// per RRset and at most key_tag_collisions keys tried for one RRSIG key tag (the request's
// ValidationLimits); every
// verification is first charged to the request's ValidationBudget, and once that is spent the
// RRset is bogus. Time checks and key-tag matching cost no verification.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>

#include "net/dns/rrset.h"
#include "resolver/query/validation_budget.h"
#include "resolver/validator/signature_time.h"
#include "resolver/validator/zone_trust.h"

namespace redoubt::resolver {

// What a check may tolerate beyond the request's ValidationBudget (whose limits give the
// per-RRset and per-key-tag caps).
struct VerifyLimits {
  SkewPolicy skew;
};

struct RRsetVerdict {
  dns::Security security = dns::Security::kBogus;  // kSecure or kBogus.
  std::optional<dns::EdeCode> ede;                 // Set when bogus (RFC 8914 codes 6-10, 25).
  std::string why;
  // Secure only: the TTL bound of RFC 4035 section 5.3.3 from the signature that verified:
  // min(RRSIG original TTL, RRSIG record TTL is the caller's, expiration - now).
  uint32_t ttl_bound = 0;
  // Secure only: the verified RRSIG's Labels field when it is smaller than the owner's label
  // count (RFC 4035 section 5.3.2): the answer was expanded from a wildcard and the caller
  // must check the proof that no closer name exists (RFC 4035 section 5.3.4). 0 otherwise.
  uint8_t wildcard_labels = 0;
  dns::Name signer;  // Secure only: the zone whose key verified it.
  TrustFamily family = TrustFamily::kDnssec;  // Secure only: RRSIG or legacy SIG.
  bool budget_exhausted = false;
};

// Verifies `set` with the keys of `zone` (which must be secure): its RRSIGs, or its legacy SIGs
// (RFC 2535 section 4.1) when `zone` is of the legacy family. Only signatures whose signer is
// `zone`, whose type covered is the set's type and whose Labels field is at most the owner's
// label count not counting a leading "*" (RFC 4035 section 5.3.1) are considered; the first
// that verifies makes the set secure. Bogus reasons, most specific first: signatures that fail
// (EDE 6), outside their window (EDE 7, 8, 25), no key for the tag (EDE 9), none at all (EDE 10).
RRsetVerdict VerifyRRset(const dns::RRset& set, const ZoneTrust& zone, int64_t now,
                         const VerifyLimits& limits, ValidationBudget& budget);

// Validates a zone's DNSKEY RRset from what vouches for it (RFC 4035 section 5.2): a key in the
// set that `vouched(rdata)` accepts (a matching DS, or an anchor DNSKEY) must have the Zone Key
// flag (else EDE 11), must not be revoked (RFC 5011 section 2.1), and must sign the set. On
// success every zone key of the set with an algorithm redoubt can verify is parsed into the
// result (kSecure, expiring with the set's TTL bound). `vouched_count` is how many vouching
// records there were (zero gives EDE 9 "DNSKEY Missing" when nothing matches).
ZoneTrust VerifyKeySet(const dns::RRset& dnskeys, const dns::Name& zone,
                       const std::function<bool(std::span<const uint8_t>)>& vouched, int64_t now,
                       const VerifyLimits& limits, ValidationBudget& budget);

// The zone keys of a DNSKEY RRset that redoubt can verify with (Zone Key flag, protocol 3,
// an algorithm crypto::CanValidate accepts), each parsed once.
std::vector<ZoneKey> ParseZoneKeys(const dns::RRset& dnskeys);

// The zone KEYs of an RFC 2065 / RFC 2535 KEY RRset (RFC 2535 section 3.1), parsed for a legacy
// trust point (crypto::AlgorithmPolicy::kLegacyTrustPoint: RSA/MD5, DSA and RSA/SHA-1 too).
// Keys without the zone flag, with a protocol other than 3 (DNSSEC) or 255 (all), or that do
// not import are left out; `no_key` says a zone KEY with the no-key flags 0xC000 was present
// (RFC 2535 section 3.4: the zone is unsigned), `unsupported` that a zone key could not be used.
struct LegacyKeySet {
  std::vector<ZoneKey> keys;
  bool no_key = false;
  bool unsupported = false;
};
LegacyKeySet ParseLegacyZoneKeys(const dns::RRset& keys);

// The owner's label count for RRSIG Labels comparisons: a leading "*" label is not counted
// (RFC 4034 section 3.1.3).
uint8_t SignableLabels(const dns::Name& owner) noexcept;

}  // namespace redoubt::resolver
