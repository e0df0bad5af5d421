// One query, one reply, with an upstream server: over UDP from a fresh connected socket on a
// caller-chosen random source port with path-MTU discovery off, or over TCP with the two-octet
// length prefix (RFC 1035 section 4.2, RFC 7766). Every exchange is bounded by a timeout and
// ends in a status; nothing throws. The caller's filter decides whether a datagram is the reply
// (ID, question, 0x20 case, later CHECKSUM): the first datagram it refuses ends the exchange
// with kRejected, which the resolver answers by retrying over TCP (security.md section 5).
// A stop token cancels an exchange at once (kCancelled), for a clean and quick shutdown.
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

namespace redoubt::io {

enum class ExchangeStatus : uint8_t {
  kReply,         // `reply` holds the accepted message.
  kTimeout,       // Nothing acceptable before the timeout.
  kRejected,      // The filter refused a datagram (mismatch, malformed, forged).
  kNetworkError,  // Could not send, connection refused or reset, ICMP unreachable.
  kCancelled,     // The caller's stop token was triggered (shutdown).
};

struct ExchangeResult {
  ExchangeStatus status = ExchangeStatus::kNetworkError;
  std::vector<uint8_t> reply;
  uint32_t elapsed_ms = 0;
  int uv_error = 0;        // The libuv error code behind kNetworkError.
  uint16_t source_port = 0;  // 0 on a socket borrowed from a UdpPoller (not asked for).
  // UDP: the largest IP fragment the kernel reassembled the datagram from, 0 when it arrived
  // whole (IP_RECVFRAGSIZE). A reassembled reply may hold a forged fragment (security.md A5).
  uint16_t fragment_size = 0;
  // UDP with UdpOptions::keep_waiting_after_rejected: datagrams the filter refused.
  uint32_t rejected = 0;
};

// Decides whether a received message is the reply to the query sent.
using ReplyFilter = std::function<bool(std::span<const uint8_t>)>;

class UdpPoller;

struct UdpOptions {
  uint32_t timeout_ms = 1000;
  // Ends the exchange with kCancelled when triggered; request_stop() must be called on the
  // loop's thread (the daemon does it from a uv_async callback).
  std::stop_token stop;
  // Candidate source ports, tried in order until one binds (callers pass CSPRNG values in
  // 1024-65535, RFC 5452 section 9.2); empty lets the kernel choose.
  std::vector<uint16_t> source_ports;
  // The local address to send from (a configured outgoing interface); unset lets the kernel
  // choose by its routes. It must be of the server's family and assigned to this host: else
  // the exchange ends at once with kNetworkError (UV_EAFNOSUPPORT, UV_EADDRNOTAVAIL).
  std::optional<IpAddress> source_address;
  // A datagram the filter refuses is dropped and the wait goes on (the exchange then ends at
  // the timeout with kRejected, counting them in `rejected`), instead of ending the exchange at
  // once: for signed queries, where a forged unsigned reply must not end the wait for the
  // signed one (RFC 8945 section 5.4; specs/tsig.md section 6).
  bool keep_waiting_after_rejected = false;
  // Watches the socket in this poller's epoll set (udp_poller.h) instead of a uv_poll_t of its
  // own: fewer system calls per exchange. Unset, or shut down: a uv_poll_t. When the poller
  // reuses sockets and neither source_ports nor source_address is given, the exchange borrows
  // one of its sockets instead of opening its own (udp_poller.h, Socket reuse).
  UdpPoller* poller = nullptr;
};

// Sends `query` to `server` over UDP and waits for the reply.
Task<ExchangeResult> UdpExchange(uv_loop_t* loop, Endpoint server, std::vector<uint8_t> query,
                                 ReplyFilter filter, UdpOptions options);

// Sends `query` to `server` over a new TCP connection and waits for one reply. With `source`
// set the connection is made from that address (the port is the kernel's ephemeral choice);
// it must be of the server's family and local, or the exchange ends with kNetworkError.
Task<ExchangeResult> TcpExchange(uv_loop_t* loop, Endpoint server, std::vector<uint8_t> query,
                                 ReplyFilter filter, uint32_t timeout_ms,
                                 std::stop_token stop = {},
                                 std::optional<IpAddress> source = std::nullopt);

// Waits `ms` milliseconds on `loop`.
Task<void> Sleep(uv_loop_t* loop, uint64_t ms);

}  // namespace redoubt::io
