// RFC 8145 section 5: the key tag query, by which a validating resolver tells the servers of a
// trust-anchor zone which of that zone's keys it trusts, so that the zone's operator can watch a
// key rollover (the root KSK) being taken up. When the resolver sends a DNSKEY query for a zone
// it holds trust anchors for, it also sends that server the question
//   _ta-XXXX[-YYYY...].<zone> IN NULL
// whose first label lists the anchors' key tags (RFC 4034 Appendix B; a DS anchor's own key tag
// field) as four lowercase hexadecimal digits each, ascending by value (section 5.1). The answer
// (normally NXDOMAIN) is of no interest. The EDNS edns-key-tag option of section 4 is not sent.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "net/dns/name.h"
#include "net/dns/message_view.h"

namespace redoubt::resolver {

// One trust-anchor zone and the key tags of its anchors (in any order, repeats allowed).
struct KeyTagSignal {
  dns::Name zone;
  std::vector<uint16_t> key_tags;
};

// At most this many tags fit the first label: "_ta" and 12 times "-xxxx" make 63 octets, the
// most a label may hold (RFC 1035 section 2.3.4). Beyond that the lowest 12 are sent.
inline constexpr size_t kMaxSignalledKeyTags = 12;

// How long a DNSKEY reply waits for its key tag query's reply at most, in milliseconds: the
// server normally answers both at once; one that ignores the signal costs no more than this.
inline constexpr uint32_t kKeyTagSignalTimeoutMs = 500;

// The first label of the key tag query for `key_tags` (section 5.1): "_ta-" and the distinct
// tags ascending, four lowercase hex digits each, joined by "-". Empty when `key_tags` is.
std::string KeyTagLabel(std::vector<uint16_t> key_tags);

// The key tag query that goes with `asked` (section 5.3: sent along with a DNSKEY query for a
// trust-anchor zone): `asked` must be IN DNSKEY for a zone of `signals` (names compared without
// regard to case); the question is then KeyTagLabel + that zone, IN NULL. Nothing otherwise, or
// when the zone has no key tags or the name would be too long.
std::optional<dns::Question> KeyTagQueryFor(const dns::Question& asked, const std::vector<KeyTagSignal>& signals);

}  // namespace redoubt::resolver
