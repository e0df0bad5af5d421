// Which name-server addresses the iterator may send queries to. Glue and address records come
// from the network, so a referral could otherwise point the resolver at itself, at a broadcast
// or multicast group, or at an address family the host cannot reach.
#pragma once

#include "net/base/endpoint.h"

namespace redoubt::resolver {

// True when `address` may be asked as an authoritative server. Always rejected:
//   IPv4 0.0.0.0/8, "this network", 0.0.0.0 itself included (RFC 1122 section 3.2.1.3,
//        RFC 6890 section 2.2.2): not a destination;
//   IPv4 255.255.255.255, limited broadcast (RFC 919 section 7, RFC 6890 section 2.2.2);
//   IPv4 224.0.0.0/4 and IPv6 ff00::/8, multicast (RFC 5771, RFC 4291 section 2.7): a query
//        there could reach many hosts and amplify;
//   IPv6 ::, unspecified (RFC 4291 section 2.5.2);
//   IPv6 ::ffff:0:0/96, IPv4-mapped (RFC 4291 section 2.5.5.2): an AAAA record is never the way
//        to name an IPv4 server, and on a dual-stack socket it would reach the IPv4 address
//        past the IPv4 checks above (::ffff:127.0.0.1 is loopback).
// Loopback (127.0.0.0/8, ::1; RFC 1122 section 3.2.1.3, RFC 4291 section 2.5.3) only when
// `allow_loopback` (test labs). IPv4 addresses only when `do_ip4`, IPv6 only when `do_ip6`
// (Unbound's do-ip4/do-ip6). A pure function: no I/O, no state.
bool UsableServerAddress(const IpAddress& address, bool allow_loopback, bool do_ip4,
                         bool do_ip6) noexcept;

}  // namespace redoubt::resolver
