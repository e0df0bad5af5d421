// The points a chain of trust starts from and the zones where it must not be applied.
//
// Trust anchors (RFC 4033 section 2, RFC 4035 section 4.4): DS or DNSKEY records for any owner
// name, several per zone allowed (a key rollover publishes two). The closest anchor at or above a
// name is where validation of that name starts (RFC 4035 section 5: "the closest trust anchor").
// Negative trust anchors (RFC 7646): zone names below which validation is not applied at all;
// data there is treated as insecure. A negative anchor wins over a positive anchor below it
// (RFC 7646 section 2: it disables validation for the whole subtree).
// Legacy trust points (RFC 2065 section 2.3, RFC 2535 section 6.3.1): statically configured zone
// KEY records from which an RFC 2065 chain of SIG and KEY starts (docs/dnssec.md, legacy
// section). They are consulted only where the modern chain ends insecure (chain_of_trust.h).
#pragma once

#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "net/dns/name.h"
#include "net/dns/rdata.h"
#include "net/dns/record.h"
#include "resolver/validator/runtime_negative_anchors.h"

namespace redoubt::resolver {

struct TrustAnchor {
  dns::Name zone;
  std::vector<dns::rdata::DS> ds;                   // DS form.
  std::vector<std::vector<uint8_t>> dnskey_rdatas;  // DNSKEY form, storage-form RDATA.
};

// A statically configured RFC 2065 zone KEY set (RFC 2535 section 6.3.1 "configured key").
struct LegacyAnchor {
  dns::Name zone;
  std::vector<std::vector<uint8_t>> key_rdatas;  // KEY storage-form RDATA, zone keys only.
};

// One configured key or negative anchor, for people (the control CLI's trust-anchors).
struct AnchorDescription {
  dns::Name zone;
  std::string form;       // "DS", "DNSKEY", "KEY" (a legacy trust point) or "NTA".
  uint16_t key_tag = 0;   // RFC 4034 appendix B; 0 for an NTA.
  uint8_t algorithm = 0;  // RFC 4034 appendix A.1; 0 for an NTA.
  uint16_t flags = 0;     // DNSKEY/KEY flags (257 for a KSK); 0 for DS and NTA.
};

class TrustAnchorStore {
 public:
  TrustAnchorStore() = default;
  // `anchors`: DS and DNSKEY records, and KEY records for legacy trust points (other types and
  // undecodable RDATA are ignored, the loaders have refused them already); `negative`: zone
  // names (RFC 7646).
  TrustAnchorStore(const std::vector<dns::Record>& anchors, std::vector<dns::Name> negative);

  // Up to this many anchors, Closest tries each zone (deepest first) rather than looking up
  // `name` and each of its ancestors in turn.
  static constexpr size_t kScanAtMost = 8;

  // The anchor whose zone is `name` or its closest ancestor; null when none covers it (the name
  // can only be insecure: RFC 4035 section 4.3 "no trust anchor").
  const TrustAnchor* Closest(const dns::Name& name) const;
  // The anchor for exactly `zone`, or null.
  const TrustAnchor* At(const dns::Name& zone) const;
  // The legacy trust point whose zone is `name` or its closest ancestor; null when none.
  const LegacyAnchor* ClosestLegacy(const dns::Name& name) const;
  // True when `name` is at or below a negative trust anchor, configured or (when attached) added
  // at run time (RFC 7646).
  bool UnderNegativeAnchor(const dns::Name& name) const;
  // Consults `runtime` too from now on (the daemon's `nta add`); it must outlive the store's
  // users. Not part of Fingerprint(): runtime anchors flush what they change instead.
  void AttachRuntimeNegativeAnchors(const RuntimeNegativeAnchors* runtime) noexcept { runtime_negative_ = runtime; }
  const RuntimeNegativeAnchors* runtime_negative_anchors() const noexcept { return runtime_negative_; }

  // No modern anchor and no legacy trust point: nothing can be proved secure.
  bool empty() const noexcept { return anchors_.empty() && legacy_.empty(); }
  // The anchors and negative anchors as sorted lines of text, the same for the same set in any
  // order: what the cache fingerprint is computed from, so a cache validated under other anchors
  // can be recognised at start-up.
  std::string Fingerprint() const;
  // Every anchor key, legacy trust point key and negative anchor, sorted by zone (canonical
  // order), then form, then key tag.
  std::vector<AnchorDescription> Describe() const;

 private:
  std::unordered_map<dns::Name, TrustAnchor, dns::NameHash> anchors_;
  std::unordered_map<dns::Name, LegacyAnchor, dns::NameHash> legacy_;
  std::vector<dns::Name> anchor_zones_, legacy_zones_;  // The maps' zones, deepest first.
  std::vector<dns::Name> negative_;
  const RuntimeNegativeAnchors* runtime_negative_ = nullptr;
};

}  // namespace redoubt::resolver
