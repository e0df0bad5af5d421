// The outcome of resolving one client question, as the iterator produces it and the answer
// store keeps it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "net/dns/rrset.h"

namespace redoubt::resolver {

// The outcome of resolving one client question.
struct Resolution {
  uint16_t rcode = 2;                  // SERVFAIL until proven otherwise.
  std::vector<dns::RRset> answer;      // CNAME/DNAME chain, then the data.
  std::vector<dns::RRset> authority;   // The SOA of a negative answer (RFC 2308 section 3).
  std::optional<uint16_t> ede;         // Extended DNS Error code (RFC 8914 section 4).
  std::string ede_text;
  uint32_t upstream_queries = 0;
};

}  // namespace redoubt::resolver
