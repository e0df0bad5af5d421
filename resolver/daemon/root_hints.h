// Root hints: the root zone's name servers and their addresses, from which iteration starts
// (RFC 1034 section 5.3.2, RFC 8109 for priming).
#pragma once

#include <string>
#include <string_view>

#include "net/dns/zone_parser.h"
#include "resolver/iterator/delegation_cache.h"

namespace redoubt::resolver {

// The IANA hints compiled into redoubt.
std::string_view BuiltinRootHints() noexcept;

// The root delegation in a hints file (or the built-in hints when `path` is empty): NS records
// at the root and the A/AAAA records of those names. Fails with file:line for a bad file, or
// when no root server has an address.
Result<Delegation, dns::ZoneError> LoadRootHints(const std::string& path);

}  // namespace redoubt::resolver
