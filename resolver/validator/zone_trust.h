// What the validator knows of one zone: whether a chain of trust reaches it, and if so the zone's
// validated keys, parsed once (design guide section 6) and shared by every check until they
// expire. The chain walker produces these; the RRset verifier consumes them.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "crypto/dnssec_key.h"
#include "net/dns/edns.h"
#include "net/dns/name.h"
#include "net/dns/security.h"
#include "net/dns/types.h"

namespace redoubt::resolver {

// One validated zone key (RFC 4034 section 2.1: Zone Key flag set, protocol 3).
struct ZoneKey {
  uint16_t tag = 0;                                      // RFC 4034 Appendix B.
  dns::DnssecAlgorithm algorithm{};
  uint16_t flags = 0;
  std::shared_ptr<const crypto::DnssecPublicKey> key;   // Parsed once.
};

// Which record family a zone's chain of trust runs through: DS, DNSKEY and RRSIG (RFC 4035), or
// the RFC 2065 / RFC 2535 form, KEY signed by the parent and SIG (docs/dnssec.md, legacy
// section). A zone is one or the other, never both: the modern chain is tried first.
enum class TrustFamily : uint8_t { kDnssec, kLegacy };

// The security of a zone (RFC 4035 section 4.3) with what proves it.
//   kSecure: `keys` is the zone's validated DNSKEY set (only keys redoubt can verify with), or,
//            for the legacy family, its zone KEYs vouched for by the parent's SIG.
//   kInsecure: a signed proof that the delegation has no usable DS (or no anchor, or an NTA).
//   kBogus: the chain is broken here; `ede` and `why` say how (RFC 8914).
struct ZoneTrust {
  dns::Name zone;
  dns::Security security = dns::Security::kIndeterminate;
  std::vector<ZoneKey> keys;
  std::optional<dns::EdeCode> ede;
  std::string why;
  int64_t expires = 0;  // Wall-clock seconds after which this must be worked out again.
  TrustFamily family = TrustFamily::kDnssec;  // Which signatures the zone's data carries.
};

inline ZoneTrust InsecureZone(dns::Name zone, int64_t expires,
                              std::optional<dns::EdeCode> ede = std::nullopt, std::string why = {}) {
  return ZoneTrust{std::move(zone), dns::Security::kInsecure, {}, ede, std::move(why), expires};
}

inline ZoneTrust BogusZone(dns::Name zone, dns::EdeCode ede, std::string why, int64_t expires) {
  return ZoneTrust{std::move(zone), dns::Security::kBogus, {}, ede, std::move(why), expires};
}

}  // namespace redoubt::resolver
