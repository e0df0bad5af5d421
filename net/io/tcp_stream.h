// One query, then a stream of replies on the same TCP connection: the transport of a zone
// transfer (AXFR: a response of one or more messages, RFC 5936 section 2.2, over TCP, section
// 4.1; IXFR over TCP, RFC 1995). Every message, the query included, carries the two-octet
// length prefix of RFC 1035 section 4.2.2 (RFC 7766 section 8).
// The connection is new and used by this exchange alone (never pooled), because an AXFR
// server may send its reply messages back to back and nothing else may come between them.
// Whether a message belongs to the transfer (ID, question, TSIG, SOA at both ends) is the
// consumer's business; this layer only frames, bounds and delivers.
#pragma once

#include <uv.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <stop_token>
#include <vector>

#include "net/base/endpoint.h"
#include "net/base/task.h"
#include "net/io/exchange.h"

namespace redoubt::io {

// What the consumer wants after a message: the next one, the end of a complete transfer, or
// the end of a transfer it refuses (bad ID, failed TSIG, malformed record, ...).
enum class StreamStep : uint8_t { kMore, kDone, kAbort };

// Called once per complete message, in the order received, on the loop's thread. `message` is
// the message without its length prefix, never empty, and valid only during the call: copy
// whatever must be kept. It may request stop on the exchange's stop token (the exchange then
// ends with kCancelled, whatever it returns).
using StreamConsumer = std::function<StreamStep(std::span<const uint8_t> message)>;

struct StreamOptions {
  // The whole transfer, from connecting to the last message (BIND's max-transfer-time-in).
  uint32_t timeout_ms = 120000;
  // The longest wait for the next complete message, and for the first one after connecting
  // (BIND's max-transfer-idle-in). Restarted each time a message is delivered, not by partial
  // reads, so a server trickling octets cannot hold a transfer open past it.
  uint32_t idle_ms = 30000;
  // Ends the exchange at once with kCancelled; request_stop() must be called on the loop's
  // thread. Already stopped: nothing is opened.
  std::stop_token stop;
  // The local address to connect from (the port is the kernel's choice), as TcpPool does: it
  // must be of the server's family and local, else kNetworkError (UV_EAFNOSUPPORT,
  // UV_EADDRNOTAVAIL).
  std::optional<IpAddress> source;
  // The most octets (framing included) the server may send: once more than this has arrived
  // the exchange ends with kRejected, and none of the octets of the read that crossed it
  // reach the consumer (RFC 5936 puts no bound on a transfer's size; the caller must).
  uint64_t max_total_bytes = uint64_t{1} << 30;
};

struct StreamResult {
  // kReply: the consumer said kDone. kRejected: it said kAbort, or the server sent a
  // zero-length frame, or more than max_total_bytes. kTimeout: the whole or the idle timeout.
  // kNetworkError: connect, write or read failed, or the server closed the connection before
  // the consumer said kDone (uv_error UV_EOF, even between two whole messages). kCancelled:
  // the stop token.
  ExchangeStatus status = ExchangeStatus::kNetworkError;
  uint32_t elapsed_ms = 0;
  int uv_error = 0;     // The libuv error code behind kNetworkError, else 0.
  size_t messages = 0;  // Messages given to the consumer.
  uint64_t bytes = 0;   // Octets received, length prefixes included.
};

// Connects to `server` over a new TCP connection, sends `query` with its length prefix, and
// hands every framed message that comes back to `consumer` until it returns kDone or kAbort,
// or the stream fails, times out or is cancelled; the connection is then closed, never reused
// (RFC 5936 section 4.1.1 allows either). A query longer than 65535
// octets cannot be framed: kNetworkError with UV_EMSGSIZE, nothing opened. Memory held is the
// unconsumed tail of the stream (at most one partial message and one read), however long the
// transfer. Never throws; the consumer must not throw either.
Task<StreamResult> TcpStreamExchange(uv_loop_t* loop, Endpoint server, std::vector<uint8_t> query,
                                     StreamConsumer consumer, StreamOptions options);

}  // namespace redoubt::io
