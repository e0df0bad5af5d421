#include "net/io/udp_socket.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace redoubt::io {
namespace {

// The kernel's range as /proc shows it, and what is not a range.
TEST(UdpSocketTest, PortRangeReadsAsProcShowsIt) {
  auto range = ParsePortRange("32768\t60999\n");
  ASSERT_TRUE(range.has_value());
  EXPECT_EQ(range->low, 32768);
  EXPECT_EQ(range->high, 60999);
  EXPECT_TRUE(ParsePortRange("1024 65535").has_value());
  for (const char* bad : {"", "\n", "32768", "60999 32768", "0 65535", "1024 65536", "1024 x", "1024 65535 9",
                          "-1 5", "a b"}) {
    EXPECT_FALSE(ParsePortRange(bad).has_value()) << '"' << bad << '"';
  }
}

// Reuse waits for a range at least as wide as redoubt's own choice (RFC 5452 section 9.2).
TEST(UdpSocketTest, OnlyARangeCovering1024To65535IsTheWidest) {
  EXPECT_TRUE(PortRangeIsWidest(PortRange{1024, 65535}));
  EXPECT_TRUE(PortRangeIsWidest(PortRange{1, 65535}));
  EXPECT_FALSE(PortRangeIsWidest(PortRange{32768, 60999}));  // Linux's default.
  EXPECT_FALSE(PortRangeIsWidest(PortRange{1025, 65535}));
  EXPECT_FALSE(PortRangeIsWidest(PortRange{1024, 65534}));
  EXPECT_FALSE(PortRangeIsWidest(std::nullopt));
}

// The socket carries the fragment defence's options.
TEST(UdpSocketTest, UpstreamSocketHasPmtuDiscoveryOffAndFragmentSizesOn) {
  for (int family : {AF_INET, AF_INET6}) {
    int fd = OpenUpstreamUdpSocket(family);
    if (fd == -EAFNOSUPPORT) continue;  // No IPv6 here.
    ASSERT_GE(fd, 0);
    int level = family == AF_INET ? IPPROTO_IP : IPPROTO_IPV6;
    int value = 0;
    socklen_t length = sizeof(value);
    getsockopt(fd, level, family == AF_INET ? IP_MTU_DISCOVER : IPV6_MTU_DISCOVER, &value, &length);
    EXPECT_EQ(value, family == AF_INET ? IP_PMTUDISC_OMIT : IPV6_PMTUDISC_OMIT);
    value = 0;
    getsockopt(fd, level, family == AF_INET ? IP_RECVFRAGSIZE : IPV6_RECVFRAGSIZE, &value, &length);
    EXPECT_EQ(value, 1);
    close(fd);
  }
}

}  // namespace
}  // namespace redoubt::io
