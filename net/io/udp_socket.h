// The upstream UDP socket: how one is opened, and when the kernel may choose its source port.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace redoubt::io {

// A non-blocking UDP socket of `family` (AF_INET or AF_INET6) for upstream queries, neither bound
// nor connected, with path-MTU discovery off so replies are never fragmented by our own PMTU
// guess (IP_PMTUDISC_OMIT; security.md A5) and reassembled replies reported
// (IP_RECVFRAGSIZE, Linux 4.11; specs/checksum.md section 2). Returns the descriptor or -errno.
int OpenUpstreamUdpSocket(int family) noexcept;

// The bounds of the kernel's ephemeral port range from the text of
// /proc/sys/net/ipv4/ip_local_port_range ("32768\t60999\n"); nullopt when it does not read as
// two ports, low before high.
struct PortRange {
  uint16_t low = 0;
  uint16_t high = 0;
};
std::optional<PortRange> ParsePortRange(std::string_view text) noexcept;

// True when the kernel's own choice of source port is as wide as the one redoubt makes itself:
// `range` covers every port from 1024 to 65535 (RFC 5452 section 9.2: "the widest range").
bool PortRangeIsWidest(const std::optional<PortRange>& range) noexcept;

// PortRangeIsWidest of this process's network namespace, read once
// (/proc/sys/net/ipv4/ip_local_port_range also governs IPv6); false when it cannot be read.
bool KernelPortRangeIsWidest() noexcept;

}  // namespace redoubt::io
