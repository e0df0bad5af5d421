// NOTIFY for mirrored zones (RFC 1996 section 3): a primary tells redoubt that a zone changed, and
// redoubt refreshes its copy at once instead of waiting for the SOA REFRESH timer. A pure
// decision over the request's bytes: which zone to refresh, if any, and the reply to send.
// Accepted only for a configured mirror zone, from one of its primaries' addresses, and, when
// the zone has a TSIG key, only when signed with that key (RFC 8945 section 5.2); the reply is
// then signed with the key too (section 5.3). Everything else is refused without a refresh.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "crypto/tsig.h"
#include "net/base/endpoint.h"
#include "resolver/config/config.h"

namespace redoubt::resolver {

struct NotifyVerdict {
  std::optional<dns::Name> refresh;  // The zone to refresh now; unset: refused.
  std::vector<uint8_t> reply;        // What to send back; empty: nothing (unparseable).
  std::string why;                   // For the log: what was accepted or why it was refused.
};

// Judges the NOTIFY `request` that arrived from `source` at wall time `now` (for the TSIG's
// time check). Replies (RFC 1996 section 4.7, opcode NOTIFY, QR set, the question echoed):
// NOERROR with AA when accepted; REFUSED for a zone that is not mirrored, a source that is not
// one of the zone's primaries, or an unsigned request to a keyed zone; NOTAUTH with an
// unsigned TSIG error (BADKEY, BADSIG, BADTIME; RFC 8945 section 5.3.2) when the TSIG fails;
// FORMERR when the question is not one SOA question of class IN. Never throws.
NotifyVerdict JudgeNotify(std::span<const uint8_t> request, const IpAddress& source,
                          const std::vector<MirrorZoneConfig>& zones,
                          const std::vector<crypto::TsigKey>& keys, uint64_t now);

}  // namespace redoubt::resolver
