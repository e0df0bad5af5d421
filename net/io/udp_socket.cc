#include "net/io/udp_socket.h"

#include <errno.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <charconv>
#include <fstream>
#include <iterator>
#include <string>

namespace redoubt::io {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n'; }

// One port number at the start of `text` (after blanks), consumed.
std::optional<uint16_t> TakePort(std::string_view& text) {
  while (!text.empty() && IsSpace(text.front())) text.remove_prefix(1);
  unsigned value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || value == 0 || value > 65535) return std::nullopt;
  text.remove_prefix(static_cast<size_t>(end - text.data()));
  return static_cast<uint16_t>(value);
}

}  // namespace

int OpenUpstreamUdpSocket(int family) noexcept {
  int fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return -errno;
  int omit = family == AF_INET ? IP_PMTUDISC_OMIT : IPV6_PMTUDISC_OMIT;
  int level = family == AF_INET ? IPPROTO_IP : IPPROTO_IPV6;
  setsockopt(fd, level, family == AF_INET ? IP_MTU_DISCOVER : IPV6_MTU_DISCOVER, &omit, sizeof(omit));
  int on = 1;
  setsockopt(fd, level, family == AF_INET ? IP_RECVFRAGSIZE : IPV6_RECVFRAGSIZE, &on, sizeof(on));
  return fd;
}

std::optional<PortRange> ParsePortRange(std::string_view text) noexcept {
  std::optional<uint16_t> low = TakePort(text);
  if (!low) return std::nullopt;
  std::optional<uint16_t> high = TakePort(text);
  if (!high || *high < *low) return std::nullopt;
  for (char c : text) {
    if (!IsSpace(c)) return std::nullopt;
  }
  return PortRange{*low, *high};
}

bool PortRangeIsWidest(const std::optional<PortRange>& range) noexcept {
  return range && range->low <= 1024 && range->high == 65535;
}

bool KernelPortRangeIsWidest() noexcept {
  static const bool widest = [] {
    try {
      std::ifstream file("/proc/sys/net/ipv4/ip_local_port_range");
      std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
      return PortRangeIsWidest(ParsePortRange(text));
    } catch (...) {
      return false;
    }
  }();
  return widest;
}

}  // namespace redoubt::io
