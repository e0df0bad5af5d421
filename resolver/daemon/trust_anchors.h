// DNSSEC trust anchors: the DS or DNSKEY records a chain of trust starts from (RFC 4033
// section 2, RFC 4035 section 4.4, RFC 7958 for the root's). Loaded and checked at start-up;
// the validator (its own issue) is what will use them.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "net/dns/zone_parser.h"

namespace redoubt::resolver {

// The root zone's anchors built into redoubt: the DS records of KSK-2017 (20326) and KSK-2024
// (38696), as IANA publishes them (root-anchors.xml; Debian's dns-root-data has the same).
std::string_view BuiltinRootAnchors() noexcept;

// The anchors the validator starts from: the built-in root anchors when `builtin_root_anchor`
// (the builtin-root-anchor setting), then the DS and DNSKEY records of every file in `paths`
// (trust-anchors), each distinct record once whatever its TTL (a file that repeats the built-in
// root DS adds nothing). With no files and no built-in anchors the result is empty, which is not
// an error: no zone can then be proved secure. Any other record type, a DNSKEY without the
// zone-key flag (RFC 4034 section 2.1.1), or a file with no anchor is an error naming the file.
Result<std::vector<dns::Record>, dns::ZoneError> LoadTrustAnchors(const std::vector<std::string>& paths,
                                                                  bool builtin_root_anchor);

// The legacy trust points (legacy-trust-anchors; RFC 2065 section 2.3, RFC 2535 section 6.3.1):
// the KEY records of every file in `paths`, each distinct record once. Every record must be a
// zone KEY (flags 0x0100, RFC 2535 section 3.1.2) that holds a key (not the no-key flags 0xC000)
// with an algorithm a legacy trust point accepts (crypto::CanValidateLegacy: RSA/MD5, DSA,
// RSA/SHA-1 and the modern ones); anything else, or a file with no KEY, is an error naming the
// file.
Result<std::vector<dns::Record>, dns::ZoneError> LoadLegacyTrustAnchors(const std::vector<std::string>& paths);

}  // namespace redoubt::resolver
