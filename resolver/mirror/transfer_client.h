// One zone transfer from one primary: the request (AXFR, RFC 5936 section 2.1; IXFR with the
// copy's SOA in the authority section, RFC 1995 section 3), signed with the zone's TSIG key
// when it has one, and the answer read message by message over a fresh TCP connection
// (net/io TcpStreamExchange), each message's TSIG checked in the stream (RFC 8945 section
// 5.3.1: the first chained to the request MAC, each later signed one to the previous MAC and
// the unsigned messages between, at most 99 unsigned in a row, the last one signed), then read
// by dns::ZoneTransferReader. Nothing is kept unless every check passed.
#pragma once

#include <uv.h>

#include <cstdint>
#include <optional>
#include <stop_token>
#include <string>

#include "crypto/tsig.h"
#include "net/base/clock.h"
#include "net/base/endpoint.h"
#include "net/base/result.h"
#include "net/base/task.h"
#include "net/dns/record.h"
#include "net/dns/zone_transfer.h"

namespace redoubt::resolver {

struct TransferRequest {
  dns::Name zone;
  // AXFR, or IXFR from `current_soa` (the copy's SOA record, sent in the authority section).
  dns::RrType type = dns::RrType::AXFR;
  std::optional<dns::Record> current_soa;
  const crypto::TsigKey* key = nullptr;  // Null: unsigned (a primary that needs no key).
  uint32_t timeout_ms = 120000;           // The whole transfer.
  uint32_t idle_ms = 30000;               // Between two messages.
  dns::ZoneTransferLimits limits;
  std::stop_token stop;
};

// Transfers `request.zone` from `primary`. Fails with a reason for the log that names the
// primary's refusal, the TSIG verdict (RFC 8945 section 5.4), the transfer rule broken
// (ZoneTransferReader), or the transport failure. `clock` gives the time TSIGs are checked
// against. Never throws.
Task<Result<dns::ZoneTransfer, std::string>> TransferZone(uv_loop_t* loop, Endpoint primary,
                                                          TransferRequest request,
                                                          const Clock& clock);

}  // namespace redoubt::resolver
