// The text form of managed trust points (RFC 5011): what the daemon keeps in a state file beside
// a writable anchor file (resolver/daemon/managed_anchor_file.h). The text is itself a zone file
// a plain anchor loader reads: trusted keys (Valid, Missing) are DNSKEY lines, every other key is
// the same line commented out, and each key's RFC 5011 state follows in a comment:
//
//   ; redoubt-managed-keys v1 (RFC 5011): trusted keys are DNSKEY lines, the rest commented out
//   ; trust-point . last-refresh 1767225600 last-inception 1767222000
//   .  0  IN  DNSKEY  257 3 8 AwEAAa... ; state=Valid tag=20326 first-seen=T last-seen=T ...
//   ;; .  0  IN  DNSKEY  385 3 8 AwEAAa... ; state=Revoked tag=20454 first-seen=T ...
//
// (fields separated by tabs; every key line ends "changed=T hold-down-until=T").
//
// No file I/O here (the validator room's rule, tests/check_layering.sh).
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "net/base/result.h"
#include "resolver/validator/anchor_maintenance.h"

namespace redoubt::resolver {

inline constexpr size_t kMaxManagedTrustPoints = 64;

// The trust points as text (the form above), in the order given, keys in the order held.
std::string SerializeManagedAnchors(std::span<const TrustPointState> points);

// Parses SerializeManagedAnchors' text. The first line must be the v1 header (another version
// is refused, not guessed at); other comment lines and empty lines are ignored. Fails with
// "WHERE:LINE: reason" on: a key line before any trust-point line, a record that is not one
// DNSKEY of the current trust point, a missing or unknown state, a bad or negative time, a tag
// that is not the key's, a trusted key commented out or an untrusted one not commented out (so
// the file read as a plain anchor file trusts exactly the trusted keys), a key (with or without
// its REVOKE bit) or trust point given twice, more than kMaxManagedTrustPoints trust points or
// kMaxManagedKeysPerTrustPoint keys in one. Never throws; reads nothing outside `text`.
Result<std::vector<TrustPointState>, std::string> ParseManagedAnchors(std::string_view text,
                                                                      const std::string& where);

}  // namespace redoubt::resolver
