// The lab's CHECKSUM-speaking front (specs/checksum.md section 7): no public authoritative
// server implements the option, so redoubt-checksum-proxy sits in front of a real one and adds
// it to the replies. This file holds the message surgery, tested on its own; the proxy does
// the sockets.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "net/base/result.h"
#include "net/dns/checksum_option.h"

namespace redoubt::lab {

// What happens to a UDP reply on its way back, chosen by the question's first label, so one
// zone can show every case: "strip" (the option is removed: a downgrade), "corrupt" (one octet
// of the answer changes after sealing: a forged fragment), "nonce" (another nonce), "alg"
// (algorithm 200, unknown), "dup" (two options). Anything else: an honest reply.
enum class PathFault : uint8_t { kNone, kStrip, kCorrupt, kWrongNonce, kUnknownAlgorithm, kTwoOptions };
PathFault FaultForLabel(std::string_view first_label);

// The nonce of the query's CHECKSUM option when it has exactly one with ALGORITHM 0.
std::optional<dns::ChecksumNonce> QueryNonce(std::span<const uint8_t> query, uint16_t option_code);

// Appends a CHECKSUM option (SHA-256) to `reply`'s OPT record, which must be the message's last
// record, seals it (spec section 5), then applies `fault`. Fails with kInvalidArgument when the
// reply has no OPT record or one that is not last (the proxy then relays the reply unchanged).
Result<std::vector<uint8_t>> AddChecksum(std::span<const uint8_t> reply, const dns::ChecksumNonce& nonce,
                                         uint16_t option_code, PathFault fault);

}  // namespace redoubt::lab
