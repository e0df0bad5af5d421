#include "net/base/endpoint.h"

#include <gtest/gtest.h>

namespace redoubt {
namespace {

TEST(EndpointTest, ParsesIpv4WithAndWithoutPort) {
  auto a = Endpoint::Parse("192.0.2.1:5353");
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->port, 5353);
  EXPECT_EQ(a->ToString(), "192.0.2.1:5353");
  auto b = Endpoint::Parse("192.0.2.1");
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(b->port, 53);
}

TEST(EndpointTest, ParsesIpv6Forms) {
  auto a = Endpoint::Parse("[::1]:53");
  ASSERT_TRUE(a.has_value());
  EXPECT_FALSE(a->address.is_v4());
  EXPECT_TRUE(a->address.IsLoopback());
  EXPECT_EQ(a->ToString(), "[::1]:53");
  auto b = Endpoint::Parse("2001:db8::1");
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(b->port, 53);
  EXPECT_EQ(b->address.ToString(), "2001:db8::1");
}

TEST(EndpointTest, RejectsGarbage) {
  EXPECT_FALSE(Endpoint::Parse("").has_value());
  EXPECT_FALSE(Endpoint::Parse("300.1.1.1").has_value());
  EXPECT_FALSE(Endpoint::Parse("1.2.3.4:").has_value());
  EXPECT_EQ(Endpoint::Parse("1.2.3.4:70000").error().code, Errc::kBadNumber);
  EXPECT_FALSE(Endpoint::Parse("[::1").has_value());
  EXPECT_FALSE(Endpoint::Parse("[::1]x").has_value());
  EXPECT_FALSE(Endpoint::Parse("example.com").has_value());
}

TEST(IpAddressTest, PrefixMatching) {
  auto net = *IpAddress::Parse("127.0.0.0");
  EXPECT_TRUE(IpAddress::Parse("127.1.2.3")->InPrefix(net, 8));
  EXPECT_FALSE(IpAddress::Parse("128.0.0.1")->InPrefix(net, 8));
  EXPECT_TRUE(IpAddress::Parse("127.0.0.1")->IsLoopback());
  auto v6net = *IpAddress::Parse("2001:db8::");
  EXPECT_TRUE(IpAddress::Parse("2001:db8:0:1::5")->InPrefix(v6net, 32));
  EXPECT_FALSE(IpAddress::Parse("2001:db9::5")->InPrefix(v6net, 32));
  EXPECT_FALSE(IpAddress::Parse("127.0.0.1")->InPrefix(v6net, 0));  // family differs
  EXPECT_TRUE(IpAddress::Parse("10.1.2.3")->InPrefix(*IpAddress::Parse("10.1.2.0"), 23));
}

}  // namespace
}  // namespace redoubt
