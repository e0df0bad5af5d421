// The chain of trust (RFC 4035 section 5, RFC 4033 section 3.1): from the closest trust anchor
// down to the zone that holds a name, one zone cut at a time. At each step the parent's signed
// answer to "child DS" decides (RFC 4035 section 5.2):
//   - a secure DS RRset: the child's DNSKEY RRset must contain a key the DS names, and that key
//     must sign it; the child is then secure with those keys. A DS set whose every record has an
//     algorithm or digest redoubt cannot use makes the child insecure (RFC 4035 section 5.2,
//     RFC 8624; EDE 1 or 2); a mix is judged by the usable records only (no downgrade);
//   - a secure denial with the NS bit and without DS (or an NSEC3 opt-out span): the child is
//     insecure, and so is everything below it;
//   - a secure denial without the NS bit: not a zone cut; the walk goes on one label down;
//   - anything else is bogus.
// Every DS and DNSKEY comes through the pipeline as a sub-resolution (RequestContext::Nested),
// so it is cached, coalesced with the budget and deadline of the request, and validated by the
// same validator one level up. A DNSKEY RRset is fetched with NestedUnvalidated: this walker
// validates it against the DS and then stores it with its status.
//
// What each zone turned out to be is kept per worker (an LRU of ZoneTrust, parsed keys
// included) until the DNSKEY TTL or the signature expiry, so a chain is walked once per TTL,
// not once per query (issue: "walked once per TTL"). Bogus zones are kept for `bogus_ttl`.
//
// One loop, two record families (TrustFamily): the walk is the same for both, and only the anchor
// step and StepDown know their records. The RFC 2065 family (docs/dnssec.md, legacy section):
//   - it starts at a legacy trust point (a configured zone KEY set), and only where the modern
//     chain ends Insecure at a cut at or above that point: a zone a modern DS chain reaches is
//     judged by the modern rules, never by both;
//   - the zone's KEY set must carry a SIG by a configured key; at each label below, a KEY RRset
//     at the child must carry a SIG by the parent's keys (RFC 2065 section 2.3.4: the parent's
//     copy controls): zone keys make the child secure, a no-key KEY (flags 0xC000) insecure
//     (RFC 2535 section 3.4), anything else bogus; no KEY at all means no cut there;
//   - SIGs that the servers do not send with the data are asked for (FetchLegacySigs).
#pragma once

#include <cstdint>
#include <optional>

#include "net/base/clock.h"
#include "net/base/lru_map.h"
#include "net/base/task.h"
#include "resolver/query/answer_store.h"
#include "resolver/query/request_context.h"
#include "resolver/query/stages.h"
#include "resolver/validator/rrset_verifier.h"
#include "resolver/validator/trust_anchor_store.h"
#include "resolver/validator/zone_trust.h"

namespace redoubt::resolver {

struct ChainOptions {
  VerifyLimits verify;
  uint32_t bogus_ttl = 60;      // How long a broken chain is remembered (Unbound val-bogus-ttl).
  uint32_t max_trust_ttl = 86400;
  size_t max_zones = 10000;     // Zones remembered per worker.
};

struct ChainStats {
  uint64_t walks = 0;           // Trust lookups that were not answered from the zone table.
  uint64_t zones_secure = 0, zones_insecure = 0, zones_bogus = 0;
};

class ChainOfTrust {
 public:
  // `anchors` and `clock` must outlive this; `store` (nullable) receives each DNSKEY RRset
  // validated here, with its status.
  ChainOfTrust(const TrustAnchorStore& anchors, const Clock& clock, ChainOptions options,
               AnswerStore* store);

  // The trust of the zone that holds `name`: the deepest zone the walk from the closest anchor
  // reaches on the way to `name`. Insecure under a negative trust anchor or without an anchor.
  Task<ZoneTrust> TrustAt(const RequestContext& context, dns::Name name);
  // The trust of the zone whose apex is `zone` (an RRSIG's signer). Bogus when the walk proves
  // that `zone` is not a zone apex although it is inside a secure zone.
  Task<ZoneTrust> KeysOf(const RequestContext& context, dns::Name zone);

  // The zone holding `name` as far as the zone table already knows, asking nothing: the
  // deepest remembered, unexpired zone at or above `name`, when it is Secure. Nothing under a
  // negative trust anchor (RFC 7646), without an anchor, or when that zone is Insecure, Bogus
  // or not remembered. Used by aggressive negative caching (RFC 8198 section 4), which may only
  // answer for zones known to be signed.
  std::optional<dns::Name> RememberedSecureZone(const dns::Name& name);

  const ChainStats& stats() const noexcept { return stats_; }
  // Modern anchors or legacy trust points.
  bool has_anchors() const noexcept { return !anchors_.empty(); }
  // Forgets everything learnt (a reload; tests moving the clock).
  void Clear() { zones_.Clear(); }
  size_t zone_count() const noexcept { return zones_.size(); }

 private:
  enum class StepKind : uint8_t { kCut, kNotACut, kNoSuchName };
  struct Step {
    StepKind kind = StepKind::kCut;
    ZoneTrust trust;  // kCut: the child's trust.
  };

  Task<ZoneTrust> Walk(const RequestContext& context, const dns::Name& target, bool must_be_apex);
  Task<ZoneTrust> Descend(const RequestContext& context, const dns::Name& target, ZoneTrust trust);
  std::optional<ZoneTrust> DeepestRemembered(const dns::Name& target, const dns::Name& top, int64_t now);
  Task<ZoneTrust> LegacyAnchorTrust(const RequestContext& context, const LegacyAnchor& anchor);
  Task<Step> LegacyStepDown(const RequestContext& context, const ZoneTrust& parent, const dns::Name& child);
  Task<ZoneTrust> LegacyKeysSignedBy(const RequestContext& context, dns::RRset keys, LegacyKeySet parsed,
                                     const ZoneTrust& signer);
  Task<ZoneTrust> AnchorTrust(const RequestContext& context, const TrustAnchor& anchor);
  Task<Step> StepDown(const RequestContext& context, const dns::Name& child);
  Task<ZoneTrust> ChildKeys(const RequestContext& context, const dns::Name& child, const dns::RRset& ds);
  Task<ZoneTrust> KeysVouchedFor(const RequestContext& context, const dns::Name& zone,
                                 std::function<bool(std::span<const uint8_t>)> vouched);

  std::optional<ZoneTrust> Remembered(const dns::Name& zone, int64_t now);
  void Remember(const ZoneTrust& trust);

  const TrustAnchorStore& anchors_;
  const Clock& clock_;
  ChainOptions options_;
  AnswerStore* store_;
  LruMap<dns::Name, ZoneTrust, dns::NameHash> zones_;
  ChainStats stats_;
};

}  // namespace redoubt::resolver
