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

// The security of a zone (RFC 4035 section 4.3) with what proves it.
//   kSecure: `keys` is the zone's validated DNSKEY set (only keys redoubt can verify with).
//   kInsecure: a signed proof that the delegation has no usable DS (or no anchor, or an NTA).
//   kBogus: the chain is broken here; `ede` and `why` say how (RFC 8914).
struct ZoneTrust {
  dns::Name zone;
  dns::Security security = dns::Security::kIndeterminate;
  std::vector<ZoneKey> keys;
  std::optional<dns::EdeCode> ede;
  std::string why;
  int64_t expires = 0;  // Wall-clock seconds after which this must be worked out again.
};

inline ZoneTrust InsecureZone(dns::Name zone, int64_t expires,
                              std::optional<dns::EdeCode> ede = std::nullopt, std::string why = {}) {
  return ZoneTrust{std::move(zone), dns::Security::kInsecure, {}, ede, std::move(why), expires};
}

inline ZoneTrust BogusZone(dns::Name zone, dns::EdeCode ede, std::string why, int64_t expires) {
  return ZoneTrust{std::move(zone), dns::Security::kBogus, {}, ede, std::move(why), expires};
}

}  // namespace redoubt::resolver
