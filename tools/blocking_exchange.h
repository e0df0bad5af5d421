// A blocking, single-query DNS exchange over UDP or TCP with POSIX sockets, for command-line
// tools and tests only. The resolver itself uses net/io (libuv); nothing here is on its path.
#pragma once

#include <chrono>
#include <cstdint>
#include <span>
#include <vector>

#include "net/base/endpoint.h"
#include "net/base/result.h"

namespace redoubt::tools {

// Sends `query` to `server` over UDP and returns the first datagram that comes back from that
// address and port within `timeout` (at most 65535 octets). Fails with kIo on socket errors or
// timeout. Does not check the DNS ID: callers do.
Result<std::vector<uint8_t>> ExchangeUdp(const Endpoint& server, std::span<const uint8_t> query,
                                         std::chrono::milliseconds timeout);

// Sends `query` over a new TCP connection with the 2-octet length prefix (RFC 1035 4.2.2) and
// returns one length-prefixed reply read within `timeout`.
Result<std::vector<uint8_t>> ExchangeTcp(const Endpoint& server, std::span<const uint8_t> query,
                                         std::chrono::milliseconds timeout);

}  // namespace redoubt::tools
