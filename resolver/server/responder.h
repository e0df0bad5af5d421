// The client-facing side: turns a stub's query into the reply it gets (RFC 1034 section 4.3.2,
// RFC 6891, RFC 8914). Malformed queries get FORMERR (or nothing when even the header is
// unreadable), responses are never answered, other opcodes get NOTIMP, clients outside the
// access list and queries without RD get REFUSED (security.md section 5), and everything else
// is resolved by the iterator. Replies set RA, echo RD and CD, never set AA, answer EDNS with
// redoubt's buffer size, carry an Extended DNS Error on failure, and are truncated (TC) to what
// the client can take over UDP. A query with a CHECKSUM option gets it back with its nonce and
// a SHA-256 digest over the whole reply; a query with several gets FORMERR (specs/checksum.md
// section 7, -02 text). An upstream's options are never carried onward: replies are built
// from the resolution's records.
#pragma once

#include <cstdint>
#include <stop_token>
#include <vector>

#include "net/base/task.h"
#include "net/io/listener.h"
#include "resolver/config/config.h"
#include "resolver/iterator/iterator.h"

namespace redoubt::resolver {

struct ResponderStats {
  uint64_t queries = 0;
  uint64_t dropped = 0;       // Unreadable, or a response rather than a query.
  uint64_t formerr = 0;
  uint64_t refused = 0;
  uint64_t notimp = 0;
  uint64_t noerror = 0;
  uint64_t nxdomain = 0;
  uint64_t servfail = 0;
  uint64_t truncated = 0;
  uint64_t checksum_replies = 0;  // Replies sealed with a CHECKSUM digest.
};

struct ResponderOptions {
  std::vector<Prefix> allow;         // Who may recurse.
  uint16_t edns_buffer_size = 1232;  // Offered to clients; also the largest UDP reply.
  uint16_t checksum_option_code = 65434;
};

class Responder {
 public:
  // `stop` is passed to every resolution (the worker's shutdown signal).
  Responder(Iterator& iterator, ResponderOptions options, ResponderStats* stats,
            std::stop_token stop = {});
  // The reply to `query` from the client in `context`; empty means send nothing.
  Task<std::vector<uint8_t>> Answer(std::vector<uint8_t> query, io::QueryContext context);

 private:
  Iterator& iterator_;
  ResponderOptions options_;
  ResponderStats* stats_;
  std::stop_token stop_;
};

}  // namespace redoubt::resolver
