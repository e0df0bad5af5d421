#include "resolver/iterator/address_filter.h"

#include <array>

namespace redoubt::resolver {
namespace {

// Never a unicast destination, whatever the configuration (see the header for the RFCs).
bool RejectedV4(const IpAddress& address) {
  static const IpAddress kThisNetwork = IpAddress::V4({0, 0, 0, 0});
  static const IpAddress kMulticast = IpAddress::V4({224, 0, 0, 0});
  static const IpAddress kBroadcast = IpAddress::V4({255, 255, 255, 255});
  return address.InPrefix(kThisNetwork, 8) || address.InPrefix(kMulticast, 4) ||
         address == kBroadcast;
}

bool RejectedV6(const IpAddress& address) {
  static const IpAddress kUnspecified = IpAddress::V6({});
  static const IpAddress kMulticast = IpAddress::V6({0xff});
  static const IpAddress kV4Mapped =
      IpAddress::V6({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 0, 0});
  return address == kUnspecified || address.InPrefix(kMulticast, 8) ||
         address.InPrefix(kV4Mapped, 96);
}

}  // namespace

bool UsableServerAddress(const IpAddress& address, bool allow_loopback, bool do_ip4,
                         bool do_ip6) noexcept {
  if (address.is_v4() ? !do_ip4 : !do_ip6) return false;
  if (address.is_v4() ? RejectedV4(address) : RejectedV6(address)) return false;
  return allow_loopback || !address.IsLoopback();
}

}  // namespace redoubt::resolver
