#include "net/base/endpoint.h"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>

namespace redoubt {

IpAddress IpAddress::V4(const std::array<uint8_t, 4>& bytes) noexcept {
  IpAddress a;
  a.family_ = Family::kV4;
  std::memcpy(a.bytes_.data(), bytes.data(), 4);
  return a;
}

IpAddress IpAddress::V6(const std::array<uint8_t, 16>& bytes) noexcept {
  IpAddress a;
  a.family_ = Family::kV6;
  a.bytes_ = bytes;
  return a;
}

Result<IpAddress> IpAddress::Parse(std::string_view text) {
  if (text.empty() || text.size() > 64) return Fail(Errc::kSyntax);
  char buf[65];
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';
  std::array<uint8_t, 16> bytes{};
  if (inet_pton(AF_INET, buf, bytes.data()) == 1) {
    return V4({bytes[0], bytes[1], bytes[2], bytes[3]});
  }
  if (inet_pton(AF_INET6, buf, bytes.data()) == 1) return V6(bytes);
  return Fail(Errc::kSyntax);
}

bool IpAddress::IsLoopback() const noexcept {
  if (is_v4()) return bytes_[0] == 127;
  static constexpr std::array<uint8_t, 16> kV6Loopback{0, 0, 0, 0, 0, 0, 0, 0,
                                                       0, 0, 0, 0, 0, 0, 0, 1};
  return bytes_ == kV6Loopback;
}

bool IpAddress::InPrefix(const IpAddress& network, unsigned prefix_len) const noexcept {
  if (family_ != network.family_ || prefix_len > size() * 8) return false;
  unsigned full = prefix_len / 8, rest = prefix_len % 8;
  if (std::memcmp(bytes_.data(), network.bytes_.data(), full) != 0) return false;
  if (rest == 0) return true;
  auto mask = static_cast<uint8_t>(0xFF << (8 - rest));
  return (bytes_[full] & mask) == (network.bytes_[full] & mask);
}

std::string IpAddress::ToString() const {
  char buf[INET6_ADDRSTRLEN];
  inet_ntop(is_v4() ? AF_INET : AF_INET6, bytes_.data(), buf, sizeof buf);
  return buf;
}

Result<Endpoint> Endpoint::Parse(std::string_view text, uint16_t default_port) {
  std::string_view host = text, port_text;
  if (!text.empty() && text.front() == '[') {
    size_t close = text.find(']');
    if (close == std::string_view::npos) return Fail(Errc::kSyntax);
    host = text.substr(1, close - 1);
    std::string_view rest = text.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return Fail(Errc::kSyntax);
      port_text = rest.substr(1);
      if (port_text.empty()) return Fail(Errc::kSyntax);
    }
  } else if (size_t colon = text.find(':');
             colon != std::string_view::npos && text.find(':', colon + 1) == std::string_view::npos) {
    // Exactly one colon: IPv4 with a port. Several colons: a bare IPv6 address.
    host = text.substr(0, colon);
    port_text = text.substr(colon + 1);
    if (port_text.empty()) return Fail(Errc::kSyntax);
  }
  ASSIGN_OR_RETURN(IpAddress address, IpAddress::Parse(host));
  uint16_t port = default_port;
  if (!port_text.empty()) {
    unsigned value = 0;
    auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), value);
    if (ec != std::errc() || end != port_text.data() + port_text.size() || value > 65535) {
      return Fail(Errc::kBadNumber);
    }
    port = static_cast<uint16_t>(value);
  }
  return Endpoint{address, port};
}

std::string Endpoint::ToString() const {
  std::string host = address.ToString();
  if (!address.is_v4()) host = "[" + host + "]";
  return host + ":" + std::to_string(port);
}

}  // namespace redoubt
