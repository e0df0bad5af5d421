// The root key trust anchor sentinel (RFC 8509): a client learns which root KSK its resolver
// trusts by asking for names whose leftmost label is "root-key-sentinel-is-ta-NNNNN" or
// "root-key-sentinel-not-ta-NNNNN" (NNNNN: a key tag in exactly five decimal digits, RFC 8509
// section 2). A validating resolver answers such an A or AAAA query normally unless
// (section 3.2):
//   is-ta-NNNNN:  the answer validated as secure and NNNNN is not the key tag of a root trust
//                 anchor it uses: then SERVFAIL;
//   not-ta-NNNNN: the answer validated as secure and NNNNN is such a key tag: then SERVFAIL.
// Anything else (another type, an answer not secure, a negative answer, another label) is left
// as it is: like BIND, only a secure NOERROR answer is judged.
#pragma once

#include <cstdint>
#include <span>

#include "net/dns/name.h"
#include "net/dns/security.h"
#include "net/dns/types.h"

namespace redoubt::resolver {

enum class SentinelKind : uint8_t { kNone, kIsTa, kNotTa };

struct SentinelLabel {
  SentinelKind kind = SentinelKind::kNone;
  uint16_t key_tag = 0;
};

// Reads the leftmost label of `qname` (case-insensitive, RFC 4343). kNone for anything but the
// two forms with exactly five digits naming a value up to 65535.
SentinelLabel ParseSentinelLabel(const dns::Name& qname);

// RFC 8509 section 3.2: true when the answer must be replaced by SERVFAIL. `root_key_tags`: the
// key tags of the root zone's trust anchors (DS or DNSKEY form).
bool SentinelRefuses(const SentinelLabel& label, dns::RrType qtype, dns::Rcode rcode, dns::Security security,
                     std::span<const uint16_t> root_key_tags);

}  // namespace redoubt::resolver
