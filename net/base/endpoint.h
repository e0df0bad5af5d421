// IP addresses and transport endpoints.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "net/base/result.h"

namespace redoubt {

// An IPv4 or IPv6 address in network byte order. IPv4 occupies the first 4 bytes.
class IpAddress {
 public:
  enum class Family : uint8_t { kV4 = 4, kV6 = 6 };

  IpAddress() = default;
  static IpAddress V4(const std::array<uint8_t, 4>& bytes) noexcept;
  static IpAddress V6(const std::array<uint8_t, 16>& bytes) noexcept;
  // Parses dotted-quad IPv4 or RFC 4291 section 2.2 IPv6 text (no brackets, no zone index).
  // Fails with kSyntax on anything else.
  static Result<IpAddress> Parse(std::string_view text);

  Family family() const noexcept { return family_; }
  bool is_v4() const noexcept { return family_ == Family::kV4; }
  // 4 bytes for IPv4, 16 for IPv6.
  const uint8_t* data() const noexcept { return bytes_.data(); }
  size_t size() const noexcept { return is_v4() ? 4 : 16; }
  bool IsLoopback() const noexcept;
  // True when the first prefix_len bits equal those of `network` (same family only).
  bool InPrefix(const IpAddress& network, unsigned prefix_len) const noexcept;
  std::string ToString() const;

  friend bool operator==(const IpAddress&, const IpAddress&) = default;
  friend auto operator<=>(const IpAddress&, const IpAddress&) = default;

 private:
  Family family_ = Family::kV4;
  std::array<uint8_t, 16> bytes_{};
};

// An address and a port.
struct Endpoint {
  IpAddress address;
  uint16_t port = 53;

  // Parses "192.0.2.1", "192.0.2.1:5353", "::1", "[::1]" or "[::1]:5353"; the port defaults to
  // default_port. Fails with kSyntax or kBadNumber naming nothing more: callers add context.
  static Result<Endpoint> Parse(std::string_view text, uint16_t default_port = 53);
  // "192.0.2.1:53" or "[::1]:53".
  std::string ToString() const;

  friend bool operator==(const Endpoint&, const Endpoint&) = default;
  friend auto operator<=>(const Endpoint&, const Endpoint&) = default;
};

}  // namespace redoubt
