// DNSSEC trust anchors: the DS or DNSKEY records a chain of trust starts from (RFC 4033
// section 2, RFC 4035 section 4.4, RFC 7958 for the root's). Loaded and checked at start-up;
// resolver/validator/trust_anchor_store.h is what uses them.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "net/dns/zone_parser.h"

namespace redoubt::resolver {

// The root zone's anchors built into redoubt: the DS records of KSK-2017 (20326) and KSK-2024
// (38696), as IANA publishes them (root-anchors.xml; Debian's dns-root-data has the same).
std::string_view BuiltinRootAnchors() noexcept;

// Debian's copy of the root KSKs (package dns-root-data: DNSKEY records in zone-file form), which
// the distribution keeps current across root key rollovers.
inline constexpr std::string_view kDistroRootKeyFile = "/usr/share/dns/root.key";

// Where the root's anchors come from (builtin-root-anchor), and what to tell the operator.
struct RootAnchorChoice {
  std::vector<dns::Record> records;
  std::string source;   // The file's path, or "built-in".
  std::string warning;  // Why a file that exists was passed over; empty when none was.
};

// The root's anchors (RFC 7958): the records of `distro_file` when it exists and holds DS or
// DNSKEY zone-key records (RFC 4034 section 2.1.1) of the root and nothing else; otherwise the
// compiled-in DS set (BuiltinRootAnchors). Never fails: a damaged or foreign file is passed over
// with a `warning` naming it and the reason, because a resolver must start whatever state the
// distribution's file is in (research: never refuse to start for want of an anchor update).
RootAnchorChoice ChooseRootAnchors(const std::string& distro_file = std::string(kDistroRootKeyFile));

// The anchors the validator starts from: `root`'s records (none when null), then the DS and
// DNSKEY records of every file in `paths` (trust-anchors), each distinct record once whatever
// its TTL (a file that repeats a root anchor adds nothing). With no files and no root anchors
// the result is empty, which is not an error: no zone can then be proved secure. Any other
// record type, a DNSKEY without the zone-key flag (RFC 4034 section 2.1.1), or a file with no
// anchor is an error naming the file.
Result<std::vector<dns::Record>, dns::ZoneError> LoadTrustAnchors(const std::vector<std::string>& paths,
                                                                  const RootAnchorChoice* root);

// The legacy trust points (legacy-trust-anchors; RFC 2065 section 2.3, RFC 2535 section 6.3.1):
// the KEY records of every file in `paths`, each distinct record once. Every record must be a
// zone KEY (flags 0x0100, RFC 2535 section 3.1.2) that holds a key (not the no-key flags 0xC000)
// with an algorithm a legacy trust point accepts (crypto::CanValidateLegacy: RSA/MD5, DSA,
// RSA/SHA-1 and the modern ones); anything else, or a file with no KEY, is an error naming the
// file.
Result<std::vector<dns::Record>, dns::ZoneError> LoadLegacyTrustAnchors(const std::vector<std::string>& paths);

}  // namespace redoubt::resolver
