// Conversions between redoubt's Endpoint and the socket API's addresses.
#pragma once

#include <sys/socket.h>

#include "net/base/endpoint.h"

namespace redoubt::io {

// Fills `out` for `endpoint`; returns the length to pass to bind/connect/sendto.
socklen_t ToSockaddr(const Endpoint& endpoint, sockaddr_storage& out) noexcept;

// The endpoint of an AF_INET or AF_INET6 address (anything else gives 0.0.0.0:0).
Endpoint FromSockaddr(const sockaddr* address) noexcept;

// The local address a socket is bound to.
Endpoint BoundAddress(int fd) noexcept;

}  // namespace redoubt::io
