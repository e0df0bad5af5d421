#include "resolver/iterator/address_filter.h"

#include <gtest/gtest.h>

namespace redoubt::resolver {
namespace {

struct Row {
  const char* address;
  bool allow_loopback;
  bool do_ip4;
  bool do_ip6;
  bool usable;
};

// Each rejected range with its nearest neighbours outside it, so an off-by-one prefix fails.
constexpr Row kTruthTable[] = {
    // Ordinary unicast, both families, each family switched off in turn.
    {"192.0.2.1", false, true, true, true},
    {"192.0.2.1", false, false, true, false},
    {"192.0.2.1", false, true, false, true},
    {"2001:db8::1", false, true, true, true},
    {"2001:db8::1", false, true, false, false},
    {"2001:db8::1", false, false, true, true},
    {"192.0.2.1", false, false, false, false},
    // 0.0.0.0/8, "this network", and the unspecified addresses: never, not even in labs.
    {"0.0.0.0", false, true, true, false},
    {"0.0.0.0", true, true, true, false},
    {"0.1.2.3", false, true, true, false},
    {"0.255.255.255", false, true, true, false},
    {"1.0.0.0", false, true, true, true},
    {"::", false, true, true, false},
    {"::", true, true, true, false},
    // Limited broadcast.
    {"255.255.255.255", false, true, true, false},
    {"255.255.255.255", true, true, true, false},
    // Multicast 224.0.0.0/4 and ff00::/8.
    {"223.255.255.255", false, true, true, true},
    {"224.0.0.0", false, true, true, false},
    {"224.0.0.251", true, true, true, false},
    {"239.255.255.255", false, true, true, false},
    {"ff02::1", false, true, true, false},
    {"ff0e::fb", true, true, true, false},
    {"feff:ffff::1", false, true, true, true},
    // Loopback only when allowed.
    {"127.0.0.1", false, true, true, false},
    {"127.0.0.1", true, true, true, true},
    {"127.255.255.254", false, true, true, false},
    {"126.255.255.255", false, true, true, true},
    {"128.0.0.1", false, true, true, true},
    {"::1", false, true, true, false},
    {"::1", true, true, true, true},
    {"::2", false, true, true, true},
    {"127.0.0.1", true, false, true, false},
    {"::1", true, true, false, false},
    // IPv4-mapped IPv6 would carry an IPv4 address past the IPv4 rules.
    {"::ffff:127.0.0.1", false, true, true, false},
    {"::ffff:127.0.0.1", true, true, true, false},
    {"::ffff:192.0.2.1", false, true, true, false},
    {"::fffe:c000:201", false, true, true, true},
};

TEST(UsableServerAddressTest, TruthTable) {
  for (const Row& row : kTruthTable) {
    auto address = IpAddress::Parse(row.address);
    ASSERT_TRUE(address) << row.address;
    EXPECT_EQ(UsableServerAddress(*address, row.allow_loopback, row.do_ip4, row.do_ip6), row.usable)
        << row.address << " allow_loopback=" << row.allow_loopback << " do_ip4=" << row.do_ip4
        << " do_ip6=" << row.do_ip6;
  }
}

}  // namespace
}  // namespace redoubt::resolver
