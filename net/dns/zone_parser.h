// A master-file (zone-file) parser: RFC 1035 section 5 with $ORIGIN, $TTL (RFC 2308 section 4),
// $INCLUDE, parentheses, comments, escapes, relative names, '@', TTL units, TYPEnnn/CLASSnnn
// and the RFC 3597 generic RDATA form. It reads trust-anchor files, root hints, local data and
// whole signed zones. Errors name the file, the line and the reason; nothing throws.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "net/base/result.h"
#include "net/dns/record.h"

namespace redoubt::dns {

// Why a zone file could not be read: "<file>:<line>: <reason>".
struct ZoneError {
  std::string file;
  size_t line = 0;
  Errc code = Errc::kSyntax;
  std::string reason;

  std::string ToString() const { return file + ":" + std::to_string(line) + ": " + reason; }
};

struct ZoneParseOptions {
  Name origin;                            // Initial $ORIGIN (default: the root).
  RrClass default_class = RrClass::IN;
  int max_include_depth = 8;              // Nested $INCLUDE levels.
  bool allow_include = true;              // False for text from untrusted sources.
  // The TTL of records that give none when no $TTL or earlier TTL applies; unset makes that an
  // error. Trust anchor files (root.ds, root.key) usually carry no TTL.
  std::optional<uint32_t> default_ttl;
};

// Parses a file. Relative $INCLUDE paths are taken from the including file's directory.
Result<std::vector<Record>, ZoneError> ParseZoneFile(const std::string& path,
                                                     const ZoneParseOptions& options = {});

// Parses text in memory; `display_name` is used in errors and as the base for $INCLUDE.
Result<std::vector<Record>, ZoneError> ParseZoneText(std::string_view text,
                                                     const std::string& display_name,
                                                     const ZoneParseOptions& options = {});

}  // namespace redoubt::dns
