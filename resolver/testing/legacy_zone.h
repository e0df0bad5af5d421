// Signs a zone the RFC 2065 way: a zone KEY at the apex, a SIG over every authoritative RRset,
// and an NXT chain through every name (RFC 2065 sections 2.3, 4 and 5; RFC 2535 sections 4.1.8
// and 5; specs/dnssec-legacy.md). No Debian tool signs like this any more, so the lab makes its
// legacy zones with this and redoubt's own codec and crypto.
#pragma once

#include <cstdint>
#include <vector>

#include "crypto/rsa_signing_key.h"
#include "net/base/result.h"
#include "net/dns/record.h"

namespace redoubt::resolver::testing {

struct LegacySigner {
  dns::Name signer;                       // Owner of the KEY: the zone apex.
  uint8_t algorithm = 1;                  // 1 RSA/MD5 (RFC 2065), or 5 RSA/SHA-1 (RFC 3110).
  uint32_t inception = 0;                 // "Time signed" (RFC 2065 section 4.1.5).
  uint32_t expiration = 0;                // RFC 2065 section 4.1.4.
  const crypto::RsaSigningKey* key = nullptr;
};

// The zone KEY record for `signer` (flags 0x0100 zone key, protocol 3, RFC 2535 section 3.1);
// with no_key the RFC 2065 "no key" form 0xC100 that asserts an unsigned zone.
dns::Record ZoneKeyRecord(const LegacySigner& signer, uint32_t ttl, bool no_key = false);

// SIG records over every RRset in `records`, as they are (no zone rules): for signing a child's
// KEY RRset with the parent's key (RFC 2065 section 2.3.4).
Result<std::vector<dns::Record>> SignRrsets(const std::vector<dns::Record>& records,
                                            const LegacySigner& signer);

// The whole zone signed: the input records, the apex KEY (added when absent), NXT records
// chaining every name that is not glue in canonical order with the last pointing back to the
// apex (RFC 2065 section 5.1), and SIGs over every RRset except delegation NS sets and glue
// (RFC 2535 section 2.3.4). The child KEY at a delegation point is the parent's to sign.
// NXT TTL is the SOA minimum (RFC 2065 section 5.2). Fails with kInvalidArgument without an
// apex SOA.
Result<std::vector<dns::Record>> SignZone(std::vector<dns::Record> records,
                                          const LegacySigner& signer);

}  // namespace redoubt::resolver::testing
