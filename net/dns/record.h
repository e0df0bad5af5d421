// One resource record in storage form: owner, type, class, TTL and uncompressed RDATA
// (RFC 1035 section 3.2.1). What the zone parser produces and the presentation printer takes.
#pragma once

#include <cstdint>
#include <vector>

#include "net/dns/name.h"
#include "net/dns/types.h"

namespace redoubt::dns {

struct Record {
  Name owner;
  RrType type = RrType::A;
  RrClass klass = RrClass::IN;
  uint32_t ttl = 0;
  std::vector<uint8_t> rdata;  // Uncompressed wire form.

  // Owner compared case-insensitively; everything else exactly.
  friend bool operator==(const Record&, const Record&) = default;
};

}  // namespace redoubt::dns
