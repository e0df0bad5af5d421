// Conversions between redoubt's Endpoint and the socket API's addresses.
#pragma once

#include <sys/socket.h>
#include <uv.h>

#include "net/base/endpoint.h"

namespace redoubt::io {

// Fills `out` for `endpoint`; returns the length to pass to bind/connect/sendto.
socklen_t ToSockaddr(const Endpoint& endpoint, sockaddr_storage& out) noexcept;

// The endpoint of an AF_INET or AF_INET6 address (anything else gives 0.0.0.0:0).
Endpoint FromSockaddr(const sockaddr* address) noexcept;

// The local address a socket is bound to.
Endpoint BoundAddress(int fd) noexcept;
// Gives the unopened `tcp` handle a socket bound to `source` for a connection to `server`. The
// port is left to connect() (IP_BIND_ADDRESS_NO_PORT, Linux 4.2), which picks an ephemeral port
// unique for the whole 4-tuple instead of reserving one per address, so many connections from
// one outgoing interface do not exhaust the ephemeral range. Returns 0 or a libuv error
// (UV_EAFNOSUPPORT when `source` is of the other family, UV_EADDRNOTAVAIL when not local).
int BindTcpSource(uv_tcp_t* tcp, const IpAddress& source, const Endpoint& server) noexcept;

}  // namespace redoubt::io
