#include "net/io/address.h"

#include <errno.h>
#include <netinet/in.h>
#include <unistd.h>

#include <array>
#include <cstring>

namespace redoubt::io {

socklen_t ToSockaddr(const Endpoint& endpoint, sockaddr_storage& out) noexcept {
  std::memset(&out, 0, sizeof(out));
  if (endpoint.address.is_v4()) {
    auto* v4 = reinterpret_cast<sockaddr_in*>(&out);
    v4->sin_family = AF_INET;
    v4->sin_port = htons(endpoint.port);
    std::memcpy(&v4->sin_addr, endpoint.address.data(), 4);
    return sizeof(sockaddr_in);
  }
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&out);
  v6->sin6_family = AF_INET6;
  v6->sin6_port = htons(endpoint.port);
  std::memcpy(&v6->sin6_addr, endpoint.address.data(), 16);
  return sizeof(sockaddr_in6);
}

Endpoint FromSockaddr(const sockaddr* address) noexcept {
  Endpoint endpoint;
  endpoint.port = 0;
  if (address == nullptr) return endpoint;
  if (address->sa_family == AF_INET) {
    const auto* v4 = reinterpret_cast<const sockaddr_in*>(address);
    std::array<uint8_t, 4> bytes;
    std::memcpy(bytes.data(), &v4->sin_addr, 4);
    endpoint.address = IpAddress::V4(bytes);
    endpoint.port = ntohs(v4->sin_port);
  } else if (address->sa_family == AF_INET6) {
    const auto* v6 = reinterpret_cast<const sockaddr_in6*>(address);
    std::array<uint8_t, 16> bytes;
    std::memcpy(bytes.data(), &v6->sin6_addr, 16);
    endpoint.address = IpAddress::V6(bytes);
    endpoint.port = ntohs(v6->sin6_port);
  }
  return endpoint;
}

Endpoint BoundAddress(int fd) noexcept {
  sockaddr_storage bound;
  socklen_t length = sizeof(bound);
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &length) != 0) return FromSockaddr(nullptr);
  return FromSockaddr(reinterpret_cast<sockaddr*>(&bound));
}

int BindTcpSource(uv_tcp_t* tcp, const IpAddress& source, const Endpoint& server) noexcept {
  if (source.family() != server.address.family()) return UV_EAFNOSUPPORT;
  sockaddr_storage local;
  socklen_t length = ToSockaddr(Endpoint{source, 0}, local);
  int fd = socket(local.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return uv_translate_sys_error(errno);
  int on = 1;
  setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &on, sizeof(on));
  if (bind(fd, reinterpret_cast<sockaddr*>(&local), length) != 0) {
    int error = errno;
    close(fd);
    return uv_translate_sys_error(error);
  }
  if (int rc = uv_tcp_open(tcp, fd); rc != 0) {
    close(fd);
    return rc;
  }
  return 0;
}

}  // namespace redoubt::io
