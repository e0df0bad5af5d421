// SettingsNeedingRestart (settings_table.h): which changed settings a reload cannot apply.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "resolver/config/config_test_util.h"
#include "resolver/config/settings_table.h"

namespace redoubt::resolver {
namespace {

using config_testing::Load;
using Names = std::vector<std::string>;

constexpr const char* kKey =
    "tsig-keys: [{name: k, algorithm: hmac-sha256, secret: 'c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0MTI='}]\n";
constexpr const char* kOtherSecret =
    "tsig-keys: [{name: k, algorithm: hmac-sha256, secret: 'b3RoZXJvdGhlcm90aGVyb3RoZXJvdGhlcm90aGVyMTI='}]\n";

TEST(SettingsNeedingRestartTest, NothingChangedNeedsNothing) {
  EXPECT_EQ(SettingsNeedingRestart(Config::Defaults(), Config::Defaults()), Names{});
  std::string text = "listen: ['127.0.0.1:5300']\nworkers: 2\nmirror-zones: [{name: ., primaries: ['192.0.2.1'], tsig-key: k}]\n";
  text += kKey;
  EXPECT_EQ(SettingsNeedingRestart(Load(text), Load(text)), Names{});
}

// One change per restart row, each reported by its name and only it.
TEST(SettingsNeedingRestartTest, EachRestartRowIsReported) {
  const std::vector<std::pair<std::string, std::string>> changes = {
      {"listen", "listen: ['127.0.0.1:5300']\n"},
      {"workers", "workers: 3\n"},
      {"cache.enabled", "cache: {enabled: false}\n"},
      {"cache.directory", "cache: {directory: /tmp/elsewhere}\n"},
      {"cache.max-size", "cache: {max-size: 1G}\n"},
      {"mirror-zones", "mirror-zones: [{name: ., primaries: ['192.0.2.1']}]\n"},
      {"user", "user: redoubt\n"},
      {"metrics.listen", "metrics: {listen: '127.0.0.1:9153'}\n"},
      {"control.socket", "control: {socket: /tmp/control.sock}\n"},
      {"managed-trust-anchors", "managed-trust-anchors: [/var/lib/redoubt/root.key]\n"},
  };
  std::set<std::string> tested;
  for (const auto& [name, yaml] : changes) {
    EXPECT_EQ(SettingsNeedingRestart(Config::Defaults(), Load(yaml)), Names{name}) << yaml;
    EXPECT_EQ(SettingsNeedingRestart(Load(yaml), Config::Defaults()), Names{name}) << yaml;
    tested.insert(name);
  }
  tested.insert("tsig-keys");  // Below.
  std::set<std::string> restart_rows;
  for (const SettingDefinition& setting : SettingsTable()) {
    if (setting.reload == SettingReload::kRestart) restart_rows.emplace(setting.name);
  }
  EXPECT_EQ(restart_rows, tested) << "a restart row without a test";
}

// A mirror zone keeps its TSIG key until a restart; keys no mirror uses are live.
TEST(SettingsNeedingRestartTest, TsigKeysOnlyWhenAMirrorUsesTheKey) {
  std::string mirror = "mirror-zones: [{name: ., primaries: ['192.0.2.1'], tsig-key: k}]\n";
  std::string forward = "forward-zones: [{name: corp.example, servers: ['192.0.2.1'], tsig-key: k}]\n";
  EXPECT_EQ(SettingsNeedingRestart(Load(mirror + kKey), Load(mirror + kOtherSecret)),
            Names{"tsig-keys (a key mirror-zones uses)"});
  EXPECT_EQ(SettingsNeedingRestart(Load(forward + kKey), Load(forward + kOtherSecret)), Names{});
  EXPECT_EQ(SettingsNeedingRestart(Load(kKey), Load("")), Names{});
  std::string other_algorithm =
      "tsig-keys: [{name: k, algorithm: hmac-sha512, secret: 'c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0MTI='}]\n";
  EXPECT_EQ(SettingsNeedingRestart(Load(mirror + kKey), Load(mirror + other_algorithm)),
            Names{"tsig-keys (a key mirror-zones uses)"});
}

// Every live row: a change to it is not reported.
TEST(SettingsNeedingRestartTest, LiveRowsAreNotReported) {
  const std::vector<std::string> live_changes = {
      "log-level: debug\n", "cache: {max-ttl: 3600}\n", "limits: {referrals: 20}\n",
      "forward-zones: [{name: corp.example, servers: ['192.0.2.1']}]\n",
      "access-control: {allow: [192.0.2.0/24]}\n", "validation: false\n",
      "trust-anchors: [/x/root.ds]\n", "qname-minimisation: strict\n", std::string(kKey),
  };
  for (const std::string& yaml : live_changes) {
    EXPECT_EQ(SettingsNeedingRestart(Config::Defaults(), Load(yaml)), Names{}) << yaml;
  }
  size_t live = 0;
  for (const SettingDefinition& setting : SettingsTable()) live += setting.reload == SettingReload::kLive;
  EXPECT_GT(live, 30u);
}

TEST(SettingsNeedingRestartTest, SeveralChangesInTableOrder) {
  EXPECT_EQ(SettingsNeedingRestart(Config::Defaults(),
                                   Load("user: redoubt\nlisten: ['127.0.0.1:5300']\nlog-level: debug\n")),
            (Names{"listen", "user"}));
}

}  // namespace
}  // namespace redoubt::resolver
