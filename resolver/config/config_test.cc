#include "resolver/config/config.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "resolver/config/config_test_util.h"

namespace redoubt::resolver {
namespace {

using config_testing::ErrorOf;
using config_testing::Load;

TEST(ConfigTest, EmptyFileGivesTheDefaults) {
  for (const char* text : {"", "# nothing\n"}) {
    Config config = Load(text);
    ASSERT_EQ(config.listen.size(), 2u);
    EXPECT_EQ(config.listen[0].ToString(), "127.0.0.1:53");
    EXPECT_EQ(config.listen[1].ToString(), "[::1]:53");
    EXPECT_EQ(config.workers, 0u);
    EXPECT_FALSE(config.allow_loopback_upstreams);
    ASSERT_EQ(config.access_allow.size(), 2u);
    EXPECT_TRUE(config.access_allow[0].Contains(*IpAddress::Parse("127.1.2.3")));
    EXPECT_FALSE(config.access_allow[0].Contains(*IpAddress::Parse("192.0.2.1")));
    EXPECT_EQ(config.cache_max_size, 512ull << 20);
    EXPECT_EQ(config.edns_buffer_size, 1232);
    EXPECT_EQ(config.checksum_option_code, 65434);
    EXPECT_TRUE(config.checksum);
    EXPECT_TRUE(config.cache_enabled);
    EXPECT_EQ(config.cache_max_ttl, 86400u);
    EXPECT_EQ(config.serve_stale, 0u);
    EXPECT_EQ(config.qname_minimisation, QnameMinimisation::kRelaxed);
  }
}

TEST(ConfigTest, TheIssueExampleLoads) {
  Config config = Load(R"(
listen: ["127.0.0.1:53", "[::1]:53"]
workers: 2
root-hints: /path/to/hints.zone
trust-anchors: [/path/to/root.key]
allow-loopback-upstreams: false
access-control: { allow: [127.0.0.0/8, "::1/128"] }
cache: { directory: /var/cache/redoubt, max-size: 512M }
forward-zones: [{ name: corp.example, servers: ["192.0.2.1:53"] }]
)");
  EXPECT_EQ(config.workers, 2u);
  EXPECT_EQ(config.root_hints, "/path/to/hints.zone");
  ASSERT_EQ(config.trust_anchors.size(), 1u);
  ASSERT_EQ(config.forward_zones.size(), 1u);
  EXPECT_EQ(config.forward_zones[0].name.ToText(), "corp.example.");
  EXPECT_EQ(config.forward_zones[0].servers[0].ToString(), "192.0.2.1:53");
  EXPECT_EQ(config.cache_directory, "/var/cache/redoubt");
}

TEST(ConfigTest, SettingsReplaceDefaults) {
  Config config = Load(
      "listen: ['127.53.1.1:5300']\nworkers: auto\nallow-loopback-upstreams: true\n"
      "cache: {max-size: 2G, max-ttl: 3600, serve-stale: 86400, enabled: false}\nqname-minimisation: strict\nedns-buffer-size: 1400\n"
      "checksum: false\nchecksum-option-code: 65001\nlimits: {upstream-queries: 50, deadline-ms: 3000}\n");
  ASSERT_EQ(config.listen.size(), 1u);
  EXPECT_EQ(config.listen[0].port, 5300);
  EXPECT_EQ(config.workers, 0u);
  EXPECT_TRUE(config.allow_loopback_upstreams);
  EXPECT_EQ(config.cache_max_size, 2ull << 30);
  EXPECT_EQ(config.cache_max_ttl, 3600u);
  EXPECT_EQ(config.serve_stale, 86400u);
  EXPECT_FALSE(config.cache_enabled);
  EXPECT_EQ(config.qname_minimisation, QnameMinimisation::kStrict);
  EXPECT_EQ(config.edns_buffer_size, 1400);
  EXPECT_EQ(config.checksum_option_code, 65001);
  EXPECT_FALSE(config.checksum);
  EXPECT_EQ(config.limits.upstream_queries, 50u);
  EXPECT_EQ(config.limits.deadline_ms, 3000u);
  EXPECT_EQ(config.limits.cname_hops, 11u);  // Untouched.
}

// The DNSSEC settings of issue #12: fixed key names, KeyTrap limits under limits:.
TEST(ConfigTest, ValidationSettings) {
  Config config = Load(
      "validation: false\nnegative-trust-anchors: [broken.example, Other.Test.]\n"
      "aggressive-nsec: false\nbogus-ttl: 30\nlegacy-trust-anchors: [/etc/redoubt/legacy.key]\n"
      "limits: {signature-checks: 16, signatures-per-rrset: 4, nsec3-iterations: 100}\n");
  EXPECT_FALSE(config.validation);
  ASSERT_EQ(config.negative_trust_anchors.size(), 2u);
  EXPECT_EQ(config.negative_trust_anchors[1].ToText(), "Other.Test.");
  EXPECT_FALSE(config.aggressive_nsec);
  EXPECT_EQ(config.bogus_ttl, 30u);
  ASSERT_EQ(config.legacy_trust_anchors.size(), 1u);  // Issue #13's fixed key name.
  EXPECT_EQ(config.legacy_trust_anchors[0], "/etc/redoubt/legacy.key");
  EXPECT_EQ(config.validation_limits.signature_checks, 16u);
  EXPECT_EQ(config.validation_limits.signatures_per_rrset, 4u);
  EXPECT_EQ(config.validation_limits.nsec3_iterations, 100u);
  EXPECT_EQ(config.validation_limits.key_tag_collisions, 4u);  // Untouched.
  Config defaults = Config::Defaults();
  EXPECT_TRUE(defaults.validation);
  EXPECT_TRUE(defaults.aggressive_nsec);
  EXPECT_EQ(defaults.bogus_ttl, 60u);
  EXPECT_EQ(defaults.validation_limits.signature_checks, 32u);
  EXPECT_EQ(defaults.validation_limits.nsec3_iterations, 50u);
  EXPECT_EQ(ErrorOf("negative-trust-anchors: [\"bad..name\"]\n"),
            "test.yaml:1: 'bad..name' is not a domain name");
  EXPECT_EQ(ErrorOf("bogus-ttl: 3600\n"), "test.yaml:1: bogus-ttl must be a whole number from 0 to 300");
}

TEST(ConfigTest, ErrorsNameFileLineAndReason) {
  EXPECT_EQ(ErrorOf("workers: 2\nlisen: []\n"), "test.yaml:2: unknown setting 'lisen'");
  EXPECT_EQ(ErrorOf("workers: 2\nworkers: 3\n"),
            "test.yaml:2: 'workers' given twice (first on line 1)");
  EXPECT_EQ(ErrorOf("\n\nworkers: many\n"),
            "test.yaml:3: workers must be a whole number from 0 to 256");
  EXPECT_EQ(ErrorOf("workers: 0\n"), "test.yaml:1: workers must be at least 1");
  EXPECT_EQ(ErrorOf("allow-loopback-upstreams: yes\n"),
            "test.yaml:1: allow-loopback-upstreams must be true or false");
  EXPECT_EQ(ErrorOf("cache:\n  directory: /x\n  size: 1G\n"), "test.yaml:3: unknown setting 'size'");
  EXPECT_EQ(ErrorOf("cache: {max-size: 12X}\n"),
            "test.yaml:1: cache.max-size must be a size such as 512M, 2G or 1048576");
  EXPECT_EQ(ErrorOf("listen: 127.0.0.1\n"), "test.yaml:1: listen must be a list");
  EXPECT_EQ(ErrorOf("listen:\n  - 127.0.0.1\n  - nowhere:53\n"),
            "test.yaml:3: 'nowhere:53' is not an address or address:port");
  EXPECT_EQ(ErrorOf("qname-minimisation: maybe\n"),
            "test.yaml:1: qname-minimisation must be off, relaxed or strict");
  EXPECT_EQ(ErrorOf("- just\n- a list\n"),
            "test.yaml:1: the configuration must be a mapping of settings");
}

TEST(ConfigTest, AccessControlPrefixesAreChecked) {
  EXPECT_EQ(ErrorOf("access-control: {allow: [10.0.0.1/8]}\n"),
            "test.yaml:1: '10.0.0.1/8' is not an address prefix (such as 192.0.2.0/24) with no "
            "bits set past its length");
  EXPECT_FALSE(ErrorOf("access-control: {allow: [10.0.0.0/33]}\n").empty());
  Config config = Load("access-control: {allow: [192.0.2.0/24, '2001:db8::/32', 198.51.100.7]}\n");
  ASSERT_EQ(config.access_allow.size(), 3u);
  EXPECT_TRUE(config.access_allow[1].Contains(*IpAddress::Parse("2001:db8::53")));
  EXPECT_EQ(config.access_allow[2].length, 32u);
  EXPECT_FALSE(config.access_allow[0].Contains(*IpAddress::Parse("127.0.0.1")));
}

TEST(ConfigTest, ForwardZonesAreValidated) {
  EXPECT_EQ(ErrorOf("forward-zones: [{name: corp.example}]\n"),
            "test.yaml:1: forward zone corp.example needs servers");
  EXPECT_EQ(ErrorOf("forward-zones:\n  - servers: ['192.0.2.1']\n"),
            "test.yaml:2: a forward zone needs a name");
  EXPECT_EQ(ErrorOf("forward-zones:\n  - {name: a.example, servers: ['192.0.2.1']}\n"
                    "  - {name: A.example., servers: ['192.0.2.2']}\n"),
            "test.yaml:3: forward zone A.example. given twice");
  EXPECT_EQ(ErrorOf("forward-zones: [{name: a.example, servers: ['192.0.2.1'], tsig: x}]\n"),
            "test.yaml:1: unknown setting 'tsig'");
}

// The plain true/false settings operators know from Unbound.
TEST(ConfigTest, UnboundStyleSwitchesHaveDefaultsAndAreChecked) {
  struct Switch {
    const char* key;
    bool Config::*field;
    bool default_value;
  };
  const Switch kSwitches[] = {
      {"do-ip4", &Config::do_ip4, true},
      {"do-ip6", &Config::do_ip6, true},
      {"validation", &Config::validation, true},
      {"builtin-root-anchor", &Config::builtin_root_anchor, true},
      {"minimal-responses", &Config::minimal_responses, true},
      {"log-queries", &Config::log_queries, false},
      {"root-key-sentinel", &Config::root_key_sentinel, true},
      {"trust-anchor-signaling", &Config::trust_anchor_signaling, true},
  };
  Config defaults = Load("");
  for (const Switch& s : kSwitches) {
    std::string key = s.key;
    EXPECT_EQ(defaults.*s.field, s.default_value) << key;
    Config flipped = Load(key + ": " + (s.default_value ? "false" : "true") + "\n");
    EXPECT_EQ(flipped.*s.field, !s.default_value) << key;
    EXPECT_EQ(ErrorOf("workers: 2\n" + key + ": maybe\n"),
              "test.yaml:2: " + key + " must be true or false");
    EXPECT_EQ(ErrorOf(key + ": [true]\n"), "test.yaml:1: " + key + " must be a single value");
  }
}

TEST(ConfigTest, OneAddressFamilyMustStayOn) {
  Config v6_only = Load("do-ip4: false\n");
  EXPECT_FALSE(v6_only.do_ip4);
  EXPECT_TRUE(v6_only.do_ip6);
  EXPECT_EQ(ErrorOf("do-ip4: false\ndo-ip6: false\n"),
            "test.yaml:2: do-ip4 and do-ip6 are both false: no address family is left to reach "
            "authorities");
  EXPECT_EQ(ErrorOf("do-ip6: false\nworkers: 2\ndo-ip4: false\n").rfind("test.yaml:3: ", 0), 0u);
  EXPECT_TRUE(Load("do-ip4: true\ndo-ip6: false\n").do_ip4);
}

// metrics: {listen: ADDRESS:PORT} turns the Prometheus endpoint on (docs/metrics.md).
TEST(ConfigTest, MetricsListenIsAnAddressWithAPort) {
  EXPECT_FALSE(Load("").metrics_listen.has_value());
  EXPECT_FALSE(Load("metrics: {}\n").metrics_listen.has_value());
  Config v4 = Load("metrics: {listen: \"127.0.0.1:9153\"}\n");
  ASSERT_TRUE(v4.metrics_listen.has_value());
  EXPECT_EQ(v4.metrics_listen->ToString(), "127.0.0.1:9153");
  Config v6 = Load("metrics:\n  listen: \"[::1]:9153\"\n");
  ASSERT_TRUE(v6.metrics_listen.has_value());
  EXPECT_EQ(v6.metrics_listen->ToString(), "[::1]:9153");
  EXPECT_EQ(ErrorOf("metrics: {listen: 127.0.0.1}\n"),
            "test.yaml:1: metrics.listen needs a port, such as 127.0.0.1:9153");
  EXPECT_EQ(ErrorOf("metrics: {listen: \"no:9153\"}\n"),
            "test.yaml:1: 'no:9153' is not an address or address:port");
  EXPECT_EQ(ErrorOf("metrics: \"127.0.0.1:9153\"\n"),
            "test.yaml:1: metrics must be a mapping with 'listen'");
  EXPECT_EQ(ErrorOf("workers: 1\nmetrics: {port: 9153}\n").rfind("test.yaml:2: ", 0), 0u);
}

// control: {socket: PATH} (docs/control.md): a default path that may fall back, a written one
// that must work, "" for none.
TEST(ConfigTest, ControlSocketIsAnAbsolutePathOrNone) {
  Config defaults = Load("");
  EXPECT_EQ(defaults.control_socket, "/run/redoubt/control.sock");
  EXPECT_FALSE(defaults.control_socket_configured);
  Config written = Load("control: {socket: /tmp/r/control.sock}\n");
  EXPECT_EQ(written.control_socket, "/tmp/r/control.sock");
  EXPECT_TRUE(written.control_socket_configured);
  Config off = Load("control:\n  socket: \"\"\n");
  EXPECT_EQ(off.control_socket, "");
  EXPECT_TRUE(off.control_socket_configured);
  EXPECT_EQ(ErrorOf("workers: 1\ncontrol: {socket: run/control.sock}\n"),
            "test.yaml:2: control.socket must be an absolute path, or \"\" for none");
  EXPECT_EQ(ErrorOf("control: /run/x.sock\n"), "test.yaml:1: control must be a mapping with 'socket'");
  EXPECT_EQ(ErrorOf("control: {path: /x}\n").rfind("test.yaml:1: ", 0), 0u);
}

TEST(ConfigTest, OutgoingInterfacesAreAddresses) {
  EXPECT_TRUE(Load("").outgoing_interfaces.empty());  // The kernel chooses.
  Config config = Load("outgoing-interface: [192.0.2.7, '2001:db8::53']\n");
  ASSERT_EQ(config.outgoing_interfaces.size(), 2u);
  EXPECT_EQ(config.outgoing_interfaces[0], *IpAddress::Parse("192.0.2.7"));
  EXPECT_EQ(config.outgoing_interfaces[1], *IpAddress::Parse("2001:db8::53"));
  EXPECT_EQ(ErrorOf("outgoing-interface:\n  - 192.0.2.7\n  - eth0\n"),
            "test.yaml:3: 'eth0' is not an IP address (such as 192.0.2.1 or 2001:db8::1)");
  EXPECT_EQ(ErrorOf("outgoing-interface: ['192.0.2.7:53']\n"),
            "test.yaml:1: '192.0.2.7:53' is not an IP address (such as 192.0.2.1 or 2001:db8::1)");
  EXPECT_EQ(ErrorOf("outgoing-interface: 192.0.2.7\n"),
            "test.yaml:1: outgoing-interface must be a list");
  EXPECT_EQ(ErrorOf("outgoing-interface:\n  - 192.0.2.7\n  - 192.0.2.7\n"),
            "test.yaml:3: '192.0.2.7' given twice in outgoing-interface");
}

// log-format: text|json (resolver/daemon/log.h).
TEST(ConfigTest, LogFormatIsTextOrJson) {
  EXPECT_EQ(Load("").log_format, LogFormat::kText);
  EXPECT_EQ(Load("log-format: text\n").log_format, LogFormat::kText);
  EXPECT_EQ(Load("log-format: json\n").log_format, LogFormat::kJson);
  EXPECT_EQ(ErrorOf("log-level: info\nlog-format: JSON\n"), "test.yaml:2: log-format must be text or json");
  EXPECT_EQ(ErrorOf("log-format: [json]\n"), "test.yaml:1: log-format must be a single value");
}

// user: the account to switch to after binding (resolver/daemon/service.h); empty: none.
TEST(ConfigTest, UserIsANonEmptyName) {
  EXPECT_EQ(Load("").user, "");
  EXPECT_EQ(Load("user: redoubt\n").user, "redoubt");
  EXPECT_EQ(Load("user: \"nobody\"\n").user, "nobody");
  EXPECT_EQ(ErrorOf("user: \"\"\n"), "test.yaml:1: user must not be empty");
  EXPECT_EQ(ErrorOf("user: [a, b]\n"), "test.yaml:1: user must be a single value");
  EXPECT_EQ(ErrorOf("user: a\nworkers: 1\nuser: b\n"), "test.yaml:3: 'user' given twice (first on line 1)");
}

TEST(ConfigTest, LogLevelIsOneOfFourWords) {
  EXPECT_EQ(Load("").log_level, LogLevel::kInfo);
  EXPECT_EQ(Load("log-level: error\n").log_level, LogLevel::kError);
  EXPECT_EQ(Load("log-level: warning\n").log_level, LogLevel::kWarning);
  EXPECT_EQ(Load("log-level: info\n").log_level, LogLevel::kInfo);
  EXPECT_EQ(Load("log-level: debug\n").log_level, LogLevel::kDebug);
  EXPECT_EQ(ErrorOf("log-queries: true\nlog-level: verbose\n"),
            "test.yaml:2: log-level must be error, warning, info or debug");
  EXPECT_EQ(ErrorOf("log-level: DEBUG\n"),
            "test.yaml:1: log-level must be error, warning, info or debug");
  EXPECT_EQ(ErrorOf("log-level: info\nlog-level: debug\n"),
            "test.yaml:2: 'log-level' given twice (first on line 1)");
}

TEST(ConfigTest, MalformedYamlIsAnErrorWithALine) {
  std::string error = ErrorOf("workers: 2\nlisten: [\"127.0.0.1\"\n");
  EXPECT_EQ(error.rfind("test.yaml:", 0), 0u) << error;
}

TEST(ConfigTest, FilesAreReadAndMissingOnesReported) {
  std::string path = ::testing::TempDir() + "/redoubt-config-test.yaml";
  std::ofstream(path) << "workers: 3\n";
  auto config = LoadConfigFile(path);
  ASSERT_TRUE(config.has_value());
  EXPECT_EQ(config->workers, 3u);
  std::remove(path.c_str());
  auto missing = LoadConfigFile("/nonexistent/redoubt.yaml");
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().ToString(), "/nonexistent/redoubt.yaml:0: cannot open the file");
}

}  // namespace
}  // namespace redoubt::resolver
