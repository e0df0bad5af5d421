// Builds the lab's KeyTrap zone (CVE-2023-50387): a zone that is correctly signed, but whose
// DNSKEY RRset holds many keys sharing the ZSK's key tag (RFC 4034 Appendix B: the tag is a
// checksum, not an identifier) and whose every RRset carries many RRSIGs naming that tag, all
// invalid but the last. A validator without limits tries every key for every signature and ends
// with a secure answer after (signatures - 1) x (colliders + 1) + colliders failed verifications;
// one with KeyTrap limits (redoubt's: resolver/query/validation_budget.h) gives up early and
// calls the answer bogus.
//
// Key order is chosen so that no key-ordering shortcut finds the real ZSK within a few tries: the
// colliders come before it both as served (zone file order) and in canonical order (RFC 4034
// section 6.3: their moduli start with a smaller octet).
#pragma once

#include <cstdint>
#include <vector>

#include "crypto/dnssec_signing_key.h"
#include "net/base/result.h"
#include "net/dns/record.h"

namespace redoubt::lab {

struct KeyTrapSigner {
  dns::Name apex;
  const crypto::DnssecSigningKey* ksk = nullptr;  // Signs the DNSKEY RRset (flags 257).
  const crypto::DnssecSigningKey* zsk = nullptr;  // Signs everything else (flags 256).
  uint32_t inception = 0;                         // RFC 4034 section 3.1.5.
  uint32_t expiration = 0;
  unsigned colliders = 60;   // Extra DNSKEYs with the ZSK's key tag.
  unsigned signatures = 32;  // RRSIGs per RRset, the real one included.
};

constexpr uint16_t kKskFlags = 257;  // Zone Key + Secure Entry Point (RFC 4034 section 2.1.1).
constexpr uint16_t kZskFlags = 256;  // Zone Key.

// DNSKEY RDATA (RFC 4034 section 2.1) of an RSASHA256 (algorithm 8) key nobody holds the
// private half of: exponent 65537 and a random odd modulus of `modulus_octets` octets whose
// first octet is `first_octet` (0x80 or more, so it has full length) and whose last two octets
// are chosen so that the RFC 4034 Appendix B key tag is `tag`. The tag's sum folds one carry,
// so a modulus cannot reach every tag by its last two octets: the rest is redrawn until it can.
std::vector<uint8_t> CollidingRsaKey(uint16_t flags, uint16_t tag, size_t modulus_octets,
                                     uint8_t first_octet);

// True when the two keys are usable for the zone: different key tags, and the ZSK's RSA
// modulus starting above 0x80 (so the colliders, which start with 0x80, sort before it).
bool KeyPairFits(const crypto::DnssecSigningKey& ksk, const crypto::DnssecSigningKey& zsk);

// The zone signed the KeyTrap way: the input records; the apex DNSKEY RRset (the KSK, the
// colliders, the ZSK last); an NSEC chain over every name in canonical order, the last pointing
// back to the apex (RFC 4034 section 4.1.1, TTL the SOA minimum); and for every authoritative
// RRset `signatures - 1` RRSIGs that carry the ZSK's tag and hold random octets, then the real
// one (by the KSK for the DNSKEY RRset, by the ZSK for the rest). Over the DNSKEY RRset the
// decoys cost a validator nothing: it checks that set only with the key its DS names (RFC 4035
// section 5.2), whose tag is the KSK's; the trap is in the RRsets the ZSK signs. The zone must
// be flat: an apex SOA and NS, data at names below it, no delegations. Fails with
// kInvalidArgument without an apex SOA, with a delegation, or with signatures == 0; with
// kCryptoFailure from signing.
Result<std::vector<dns::Record>> SignKeyTrapZone(std::vector<dns::Record> records,
                                                 const KeyTrapSigner& signer);

// The parent's DS for the KSK (RFC 4034 section 5.1, SHA-256 by RFC 4509 section 2.1).
Result<dns::Record> KskDs(const KeyTrapSigner& signer, uint32_t ttl);

}  // namespace redoubt::lab
