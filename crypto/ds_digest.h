// DS digests: tying a child zone's DNSKEY to the DS record its parent signed
// (RFC 4034 section 5.1.4, RFC 4509 section 2.1, RFC 6605 section 2; RFC 4035 section 5.2).
#pragma once

#include <cstdint>
#include <span>

#include "crypto/digest.h"
#include "net/base/result.h"
#include "net/dns/name.h"
#include "net/dns/rdata/dnssec.h"

namespace redoubt::crypto {

// RFC 4034 section 5.1.4: digest = hash(owner name in canonical wire form (uncompressed,
// lowercased) | DNSKEY RDATA), with SHA-1 (type 1, RFC 4034 section 5.1.4), SHA-256 (type 2,
// RFC 4509 section 2.1) or SHA-384 (type 4, RFC 6605 section 2). `dnskey_rdata` is the DNSKEY
// RDATA in wire (storage) form, hashed as given. Other digest types fail with kUnsupported.
Result<Digest> DsDigest(uint8_t digest_type, const dns::Name& owner,
                        std::span<const uint8_t> dnskey_rdata);

// True when `ds` names the DNSKEY whose RDATA (wire form) is `dnskey_rdata` at `owner`
// (RFC 4035 section 5.2): the same algorithm, the same key tag (RFC 4034 Appendix B), a digest
// type CanDigestDs() accepts, and an equal digest (compared in constant time). RDATA too short
// to hold the DNSKEY fixed fields gives false. Flag checks (zone key, revoked) are the caller's.
bool DsMatchesKey(const dns::rdata::DS& ds, const dns::Name& owner,
                  std::span<const uint8_t> dnskey_rdata);

}  // namespace redoubt::crypto
