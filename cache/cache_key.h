// The cache's key layout, in one place (design guide section 5; after Knot Resolver's
// CACHE_KEY_DEF). Every line elsewhere that depends on it carries the marker CACHE_KEY_LAYOUT.
//
//   RRset or NODATA   LookupKey(owner) 0x00 'E' TYPE (2 octets, big-endian)
//   NXDOMAIN          LookupKey(owner) 0x00 'X'
//   NSEC              LookupKey(zone) 0x00 '1' LookupKey(owner below the zone)
//   NSEC3             LookupKey(zone) 0x00 '3' raw hash octets
//
// LookupKey reverses the labels, lowercases them and ends each with 0x00, so all keys of a name
// and of every name below it share the prefix LookupKey(name) (subtree flush), and NSEC keys of
// a zone sort in canonical DNS order (RFC 4034 section 6.1), so the NSEC that covers a name is
// the last key at or before that name's key (aggressive negative caching, RFC 8198).
// Meta keys live in their own LMDB database, never mixed with these.
#pragma once

#include <optional>
#include <string_view>

#include <cstdint>
#include <span>
#include <string>

#include "net/dns/name.h"
#include "net/dns/types.h"

namespace redoubt::cache {

std::string RRsetKey(const dns::Name& owner, dns::RrType type);
std::string NxDomainKey(const dns::Name& owner);
// The key of `owner`'s NSEC in `zone` (owner must be at or below the zone).
std::string NsecKey(const dns::Name& zone, const dns::Name& owner);
// The prefix every NSEC key of `zone` starts with.
std::string NsecPrefix(const dns::Name& zone);
std::string Nsec3Key(const dns::Name& zone, std::span<const uint8_t> hash);
std::string Nsec3Prefix(const dns::Name& zone);
// The prefix of every key of `name` itself (RRsets, NODATA, NXDOMAIN; not its zone's NSECs).
std::string NameKeyPrefix(const dns::Name& name);

// The owner (lowercase) of an RRset, NODATA or NXDOMAIN key, read back for dump-cache; nullopt
// for NSEC/NSEC3 keys and anything else. CACHE_KEY_LAYOUT
std::optional<dns::Name> KeyOwner(std::string_view key);

}  // namespace redoubt::cache
