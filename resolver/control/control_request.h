// The control protocol's request (docs/control.md; issue #16): what `redoubt-control` sends over
// the daemon's Unix socket. One line of US-ASCII words separated by single spaces, ended by LF:
//
//   FORMAT COMMAND [ARGUMENT...]
//
// FORMAT is "text" (aligned lines for people) or "json" (one JSON document for scripts). The
// socket is reachable by whoever the file permissions let in, so the parser is strict and
// total: any octet outside printable ASCII, an unknown command, a missing or extra argument, a
// name that is not a DNS name (RFC 1035 section 2.3.1 presentation form, RFC 4343 case) or a
// line over kMaxControlLine octets is refused with a reason, never thrown.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "net/base/result.h"
#include "net/dns/name.h"

namespace redoubt::resolver {

inline constexpr size_t kMaxControlLine = 1024;

enum class ControlFormat : uint8_t { kText, kJson };

enum class ControlCommand : uint8_t {
  kStatus,         // Version, uptime, workers, listeners, validation, cache occupancy.
  kStats,          // Every metric of the metric table (docs/metrics.md), summed.
  kFlush,          // flush NAME: the name's own cache entries (every type, NXDOMAIN).
  kFlushZone,      // flush-zone ZONE: the name and everything below it, NSEC/NSEC3 included.
  kFlushAll,       // flush-all: the whole answer cache.
  kFlushBogus,     // flush-bogus: entries remembered as bogus (RFC 9520 section 3).
  kFlushNegative,  // flush-negative: NXDOMAIN and NODATA entries (RFC 2308).
  kDumpCache,      // dump-cache: the cache as zone-file text with remaining TTLs.
  kForwardZones,   // forward-zones: each forward zone, its servers and how they are signed.
  kTrustAnchors,   // trust-anchors: each trust anchor's keys and the negative anchors.
  kMirrorRefresh,  // mirror-refresh ZONE: a mirrored zone's refresh now (RFC 1996 style).
  kNtaAdd,         // nta-add ZONE [LIFETIME]: a negative trust anchor for a while (RFC 7646).
  kNtaRemove,      // nta-remove ZONE: ends one added with nta-add.
  kNtaList,        // nta-list: the negative trust anchors added at run time, with their ends.
  kReload,         // reload: re-read the configuration file, hints and anchors; cache kept.
};

inline constexpr uint32_t kDefaultNegativeAnchorLifetime = 3600;   // RFC 7646 section 2 "temporary".
inline constexpr uint32_t kMaxNegativeAnchorLifetime = 7 * 86400;  // One week, as BIND's rndc nta.

// The command's name as written on the line ("flush-zone").
std::string_view ControlCommandName(ControlCommand command);

struct ControlRequest {
  ControlFormat format = ControlFormat::kText;
  ControlCommand command = ControlCommand::kStatus;
  std::optional<dns::Name> name;  // The NAME or ZONE argument of the commands that take one.
  std::optional<uint32_t> lifetime_seconds;  // nta-add's LIFETIME, when given.
};

// A lifetime as an operator writes it: seconds ("3600"), or a number with one unit of s, m, h,
// d or w ("90s", "30m", "1h", "2d", "1w"). From 1 s to kMaxNegativeAnchorLifetime; the error
// says why ("'2y': unknown unit 'y' (s, m, h, d, w)").
Result<uint32_t, std::string> ParseNegativeAnchorLifetime(std::string_view text);

// Parses one request line (the LF may be present or not). The error is a sentence for the
// operator ("unknown command 'flsh'; commands: status, stats, ...").
Result<ControlRequest, std::string> ParseControlRequest(std::string_view line);

// The line that asks for `command` with `argument` (empty: none) in `format`, with its LF: what
// redoubt-control sends. The argument is not checked here; the daemon checks it.
std::string FormatControlRequest(ControlFormat format, std::string_view command,
                                 const std::vector<std::string>& arguments);

// The command names, in the order of the usage text.
std::vector<std::string_view> ControlCommandNames();

}  // namespace redoubt::resolver
