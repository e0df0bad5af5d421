// Query building and reply checking for redoubt-wire (tools only).
#pragma once

#include <cstdint>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "net/base/result.h"
#include "net/dns/record.h"

namespace redoubt::tools {

struct QuerySpec {
  std::string qname;
  std::string qtype;
  bool dnssec = false;
  uint16_t bufsize = 1232;
};

struct BuiltQuery {
  uint16_t id = 0;
  std::vector<uint8_t> bytes;
};

// A query with a random ID, RD clear (an iterator's query), EDNS with `bufsize` and the DO bit
// when dnssec is set. The error is a human-readable reason.
Result<BuiltQuery, std::string> BuildQuery(const QuerySpec& spec);

// True when the message has at least a header and its TC bit is set.
bool IsTruncated(std::span<const uint8_t> message);

struct CheckedReply {
  std::vector<dns::Record> sections[3];  // Answer, authority, additional (without OPT).
  // Records of the named sections ("answer", "authority", "additional") as zone-file lines.
  std::string FormatSections(const std::set<std::string>& names) const;
};

// Parses a reply to the query with `id`, re-encodes it with MessageBuilder (header, question,
// every record, OPT) and parses that again. Fails with "parse: ..." for a malformed reply or an
// ID mismatch, and "round trip: ..." when the second parse differs from the first in any header
// field, question, record (owner octet for octet, type, class, TTL, RDATA) or EDNS field.
Result<CheckedReply, std::string> ParseAndRoundTrip(std::span<const uint8_t> reply, uint16_t id);

}  // namespace redoubt::tools
