// The gss-tsig mapping of a forward zone (issue #15): what it accepts, and that every mistake
// names its line.
#include "resolver/config/gss_tsig_config.h"

#include <gtest/gtest.h>

#include "resolver/config/config_test_util.h"

namespace redoubt::resolver {
namespace {

using config_testing::ErrorOf;
using config_testing::Load;

TEST(GssTsigConfigTest, FullEntryIsRead) {
  Config config = Load(R"(
forward-zones:
  - name: corp.example
    gss-tsig:
      client-keytab: /etc/redoubt/client.keytab
      client-principal: resolver/cache1.corp.example
      realm: CORP.EXAMPLE
      mechanism: kerberos
      servers:
        - {host: NS1.Corp.Example., address: 192.0.2.53}
      discover: {from: [192.0.2.1, "192.0.2.2:5353"], srv: _dns._tcp.corp.example}
      host-based: [ns2.corp.example]
      key-lifetime: 7200
)");
  ASSERT_EQ(config.forward_zones.size(), 1u);
  const ForwardZone& zone = config.forward_zones[0];
  EXPECT_TRUE(zone.servers.empty());
  ASSERT_TRUE(zone.gss_tsig.has_value());
  const GssTsigConfig& gss = *zone.gss_tsig;
  EXPECT_EQ(gss.client_keytab, "/etc/redoubt/client.keytab");
  EXPECT_EQ(gss.client_principal, "resolver/cache1.corp.example");
  EXPECT_EQ(gss.realm, "CORP.EXAMPLE");
  EXPECT_FALSE(gss.spnego);
  ASSERT_EQ(gss.servers.size(), 1u);
  EXPECT_EQ(gss.servers[0].host, "ns1.corp.example");  // Lower case, no final dot.
  EXPECT_EQ(gss.servers[0].address, *Endpoint::Parse("192.0.2.53:53"));
  ASSERT_TRUE(gss.discover.has_value());
  EXPECT_EQ(gss.discover->from.size(), 2u);
  EXPECT_EQ(gss.discover->srv, dns::Name::FromText("_dns._tcp.corp.example").value());
  EXPECT_EQ(gss.host_based, std::vector<std::string>{"ns2.corp.example"});
  EXPECT_EQ(gss.key_lifetime, 7200u);
}

// RFC 5178 section 5: internationalised names are taken in UTF-8 and kept as A-labels.
TEST(GssTsigConfigTest, UnicodeHostsBecomeALabels) {
  Config config = Load(R"(
forward-zones:
  - name: xn--bcher-kva.example
    gss-tsig:
      servers: [{host: "ns1.bücher.example", address: 192.0.2.53}]
)");
  ASSERT_EQ(config.forward_zones.size(), 1u);
  EXPECT_EQ(config.forward_zones[0].gss_tsig->servers[0].host, "ns1.xn--bcher-kva.example");
  EXPECT_TRUE(config.forward_zones[0].gss_tsig->spnego);  // The default (RFC 3645 section 9).
  // The zone itself may be named in UTF-8 too.
  Config unicode = Load("forward-zones:\n  - name: Bücher.example\n    servers: [192.0.2.1]\n");
  ASSERT_EQ(unicode.forward_zones.size(), 1u);
  EXPECT_EQ(unicode.forward_zones[0].name, dns::Name::FromText("xn--bcher-kva.example.").value());
}

TEST(GssTsigConfigTest, MistakesNameTheirLine) {
  EXPECT_EQ(ErrorOf("forward-zones:\n  - name: corp.example\n    gss-tsig: {}\n"),
            "test.yaml:3: gss-tsig needs servers or discover");
  EXPECT_EQ(ErrorOf("forward-zones:\n  - name: corp.example\n    gss-tsig:\n      servers:\n"
                    "        - {host: ns1.corp.example}\n"),
            "test.yaml:5: a gss-tsig server needs host and address");
  EXPECT_NE(ErrorOf("forward-zones:\n  - name: corp.example\n    gss-tsig:\n"
                    "      servers: [{host: -bad-.example, address: 192.0.2.1}]\n")
                .find("test.yaml:4: gss-tsig.servers.host"),
            std::string::npos);
  EXPECT_EQ(ErrorOf("forward-zones:\n  - name: corp.example\n    gss-tsig:\n"
                    "      mechanism: ntlm\n      servers: [{host: a.example, address: 192.0.2.1}]\n"),
            "test.yaml:4: gss-tsig.mechanism must be spnego or kerberos");
  EXPECT_EQ(ErrorOf("forward-zones:\n  - name: corp.example\n    gss-tsig:\n"
                    "      client-keytab: /a\n      credential-cache: FILE:/b\n"
                    "      servers: [{host: a.example, address: 192.0.2.1}]\n"),
            "test.yaml:4: gss-tsig takes client-keytab or credential-cache, not both");
  EXPECT_EQ(ErrorOf("forward-zones:\n  - name: corp.example\n    gss-tsig:\n"
                    "      discover: {srv: _dns._tcp.corp.example}\n"),
            "test.yaml:4: gss-tsig.discover needs 'from': the servers to ask");
  EXPECT_EQ(ErrorOf("forward-zones:\n  - name: corp.example\n    gss-tsig:\n"
                    "      key-lifetime: 5\n      servers: [{host: a.example, address: 192.0.2.1}]\n"),
            "test.yaml:4: gss-tsig.key-lifetime must be a number of seconds from 60 to 86400");
  EXPECT_EQ(ErrorOf("forward-zones:\n  - name: corp.example\n    gss-tsig:\n"
                    "      keytab: /a\n"),
            "test.yaml:4: unknown setting 'keytab' in gss-tsig");
}

TEST(GssTsigConfigTest, TsigKeyAndGssTsigAreExclusiveAndHmacZonesStillNeedServers) {
  EXPECT_EQ(ErrorOf("tsig-keys: [{name: k, algorithm: hmac-sha256, secret: "
                    "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=}]\n"
                    "forward-zones:\n  - name: corp.example\n    tsig-key: k\n"
                    "    gss-tsig: {servers: [{host: a.example, address: 192.0.2.1}]}\n"),
            "test.yaml:3: forward zone corp.example takes tsig-key or gss-tsig, not both");
  EXPECT_EQ(ErrorOf("forward-zones:\n  - name: corp.example\n"),
            "test.yaml:2: forward zone corp.example needs servers");
}

}  // namespace
}  // namespace redoubt::resolver
