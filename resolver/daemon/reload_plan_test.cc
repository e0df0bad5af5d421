// The reload decision (reload_plan.h) as pure functions: every outcome from a table of running
// and next settings, the settings a restart needs, what the cache must drop, what is reported.
#include "resolver/daemon/reload_plan.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>

#include "net/dns/rdata.h"
#include "resolver/config/settings_table.h"

namespace redoubt::resolver {
namespace {

dns::Name N(const char* text) { return *dns::Name::FromText(text); }

dns::Record AnchorDs(const char* zone, uint16_t tag) {
  dns::Record record;
  record.owner = N(zone);
  record.type = dns::RrType::DS;
  record.klass = dns::RrClass::IN;
  record.ttl = 3600;
  record.rdata = *dns::RdataToBytes(dns::rdata::DS{tag, dns::DnssecAlgorithm{8}, 2, std::vector<uint8_t>(32, static_cast<uint8_t>(tag))});
  return record;
}

ForwardZone Forward(const char* zone, const char* server) {
  ForwardZone forward;
  forward.name = N(zone);
  forward.servers = {*Endpoint::Parse(server, 53)};
  return forward;
}

LiveSettings Settings(const std::function<void(Config&)>& change = {},
                      std::vector<dns::Record> anchors = {AnchorDs(".", 20326)}) {
  Config config = Config::Defaults();
  config.forward_zones = {Forward("corp.example.", "192.0.2.1")};
  config.negative_trust_anchors = {N("broken.example.")};
  if (change) change(config);
  LiveSettings settings;
  settings.config_path = "/etc/redoubt/redoubt.yaml";
  settings.anchors = std::make_shared<const TrustAnchorStore>(anchors, config.negative_trust_anchors);
  settings.root_hints = std::make_shared<const Delegation>();
  settings.config = std::make_shared<const Config>(std::move(config));
  return settings;
}

std::vector<std::string> Texts(const std::vector<dns::Name>& names) {
  std::vector<std::string> texts;
  for (const dns::Name& name : names) texts.push_back(name.ToText());
  std::sort(texts.begin(), texts.end());
  return texts;
}

TEST(ReloadPlan, OutcomesTruthTable) {
  struct Row {
    const char* what;
    bool have_file;
    bool loads;
    std::function<void(Config&)> change;
    ReloadOutcome outcome;
    const char* message_start;
  };
  const Row rows[] = {
      {"built-in defaults", false, true, {}, ReloadOutcome::kFailed, "no configuration file to reload"},
      {"bad file", true, false, {}, ReloadOutcome::kFailed, "reload of /etc/redoubt/redoubt.yaml failed: f.yaml:7: "},
      {"listen", true, true, [](Config& c) { c.listen = {*Endpoint::Parse("127.0.0.1:5300", 53)}; },
       ReloadOutcome::kRefused, "reload of /etc/redoubt/redoubt.yaml refused: listen changed and needs a restart"},
      {"workers and user", true, true, [](Config& c) { c.workers = 3, c.user = "nobody"; },
       ReloadOutcome::kRefused, "reload of /etc/redoubt/redoubt.yaml refused: workers, user changed and need"},
      {"forward zone", true, true, [](Config& c) { c.forward_zones[0].servers[0] = *Endpoint::Parse("192.0.2.2", 53); },
       ReloadOutcome::kApply, "reloaded /etc/redoubt/redoubt.yaml: forward-zones changed"},
      {"nothing", true, true, {}, ReloadOutcome::kApply, "reloaded /etc/redoubt/redoubt.yaml: no reloadable setting changed"},
      {"log level", true, true, [](Config& c) { c.log_level = LogLevel::kDebug; }, ReloadOutcome::kApply,
       "reloaded /etc/redoubt/redoubt.yaml: log-level changed"},
  };
  for (const Row& row : rows) {
    LiveSettings running = Settings();
    if (!row.have_file) running.config_path.clear();
    Result<LiveSettings, std::string> next =
        row.loads ? Result<LiveSettings, std::string>(Settings(row.change))
                  : Result<LiveSettings, std::string>(Unexpected(std::string("f.yaml:7: unknown key 'forwad-zones'")));
    ReloadPlan plan = PlanReload(running, next);
    EXPECT_EQ(plan.outcome, row.outcome) << row.what;
    EXPECT_EQ(plan.message.rfind(row.message_start, 0), 0u) << row.what << ": " << plan.message;
    if (row.outcome != ReloadOutcome::kApply) {
      EXPECT_TRUE(plan.message.ends_with("; the running configuration is kept")) << row.what;
    }
  }
}

// The refusal names what settings_table.h's SettingsNeedingRestart names, all of them.
TEST(ReloadPlan, RefusalNamesEverySettingNeedingARestart) {
  LiveSettings next = Settings([](Config& c) {
    c.cache_max_size = 1 << 20;
    c.control_socket = "/tmp/control.sock";
    c.log_level = LogLevel::kDebug;  // Reloadable: not named.
  });
  ReloadPlan plan = PlanReload(Settings(), next);
  ASSERT_EQ(plan.outcome, ReloadOutcome::kRefused);
  for (const std::string& setting : SettingsNeedingRestart(*Settings().config, *next.config)) {
    EXPECT_NE(plan.message.find(setting), std::string::npos) << setting << ": " << plan.message;
  }
  EXPECT_NE(plan.message.find("cache.max-size"), std::string::npos) << plan.message;
  EXPECT_NE(plan.message.find("control.socket"), std::string::npos) << plan.message;
  EXPECT_EQ(plan.message.find("log-level"), std::string::npos) << plan.message;
}

TEST(ReloadPlan, CacheDropsOnlyTheChangedForwardZonesAndAnchors) {
  LiveSettings running = Settings([](Config& c) { c.forward_zones.push_back(Forward("lab.example.", "192.0.2.9")); });
  LiveSettings next = Settings(
      [](Config& c) {
        c.forward_zones[0].servers[0] = *Endpoint::Parse("192.0.2.2", 53);  // corp.example changed.
        c.forward_zones.push_back(Forward("new.example.", "192.0.2.3"));    // Added; lab.example removed.
        c.negative_trust_anchors = {N("broken.example."), N("other.example.")};
      },
      {AnchorDs(".", 20326), AnchorDs("island.example.", 4242)});
  CacheInvalidation invalidation = CacheInvalidatedBy(running, next);
  EXPECT_FALSE(invalidation.everything);
  EXPECT_EQ(Texts(invalidation.subtrees),
            (std::vector<std::string>{"corp.example.", "island.example.", "lab.example.", "new.example.",
                                      "other.example."}));
  EXPECT_EQ(ChangedSettings(running, next),
            (std::vector<std::string>{"forward-zones", "trust-anchors", "negative-trust-anchors"}));
  EXPECT_TRUE(CacheInvalidatedBy(running, running).subtrees.empty());
}

TEST(ReloadPlan, SwitchingValidationDropsEverything) {
  LiveSettings next = Settings([](Config& c) { c.validation = false; });
  EXPECT_TRUE(CacheInvalidatedBy(Settings(), next).everything);
  EXPECT_NE(TrustFingerprint(*Settings().config, *Settings().anchors), TrustFingerprint(*next.config, *next.anchors));
}

TEST(ReloadPlan, SummarySaysWhatTheCacheLost) {
  ReloadPlan plan = PlanReload(Settings(), Settings([](Config& c) { c.forward_zones.clear(); }));
  ASSERT_EQ(plan.outcome, ReloadOutcome::kApply);
  EXPECT_EQ(ReloadSummary(plan, true, 12),
            "reloaded /etc/redoubt/redoubt.yaml: forward-zones changed; cache kept (12 entries dropped: at or below "
            "the changed forward zones and trust anchors)");
  EXPECT_EQ(ReloadSummary(plan, false, 0), "reloaded /etc/redoubt/redoubt.yaml: forward-zones changed; no answer cache");
  ReloadPlan same = PlanReload(Settings(), Settings());
  EXPECT_EQ(ReloadSummary(same, true, 0), "reloaded /etc/redoubt/redoubt.yaml: no reloadable setting changed; cache kept");
}

}  // namespace
}  // namespace redoubt::resolver
