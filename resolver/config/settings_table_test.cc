#include "resolver/config/settings_table.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>

#include "resolver/config/config_loader.h"
#include "resolver/config/config_test_util.h"
#include "resolver/config/docs_table_testing.h"

namespace redoubt::resolver {
namespace {

using config_testing::ErrorOf;
using config_testing::Load;

bool IsNumberRow(const SettingDefinition& setting) { return setting.max != 0; }

// The YAML that sets `name` (dotted: inside its section) to `value`.
std::string YamlFor(std::string_view name, const std::string& value) {
  size_t dot = name.find('.');
  if (dot == std::string_view::npos) return std::string(name) + ": " + value + "\n";
  return std::string(name.substr(0, dot)) + ": {" + std::string(name.substr(dot + 1)) + ": " + value + "}\n";
}

// Simple rows are read by a generic reader; a row whose head is a row too is read by that row.
bool IsSimple(const SettingDefinition& setting) {
  const SettingAccess& a = setting.access;
  return a.show == nullptr && setting.type != SettingType::kSize;
}

TEST(SettingsTableTest, NamesAreUniqueKebabCaseAndRowsComplete) {
  std::set<std::string_view> names;
  for (const SettingDefinition& setting : SettingsTable()) {
    SCOPED_TRACE(std::string(setting.name));
    EXPECT_TRUE(names.insert(setting.name).second) << "given twice";
    EXPECT_TRUE(std::all_of(setting.name.begin(), setting.name.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
    }));
    EXPECT_FALSE(setting.help.empty());
    EXPECT_FALSE(setting.default_text.empty());
    EXPECT_LE(setting.min, setting.max);
    EXPECT_TRUE(setting.restart_when.empty() || setting.reload == SettingReload::kRestart);
    EXPECT_EQ(setting.help.find('\n'), std::string_view::npos);
    EXPECT_EQ(FindSetting(setting.name), &setting);
    const SettingAccess& a = setting.access;
    int accessors = (a.number != nullptr) + (a.flag != nullptr) + (a.text != nullptr) +
                    (a.texts != nullptr) + (a.choice != nullptr) + (a.show != nullptr);
    EXPECT_EQ(accessors, 1) << "a row reaches its value one way";
    EXPECT_EQ(a.number != nullptr, a.set_number != nullptr);
    EXPECT_EQ(a.choice != nullptr, a.set_choice != nullptr);
    EXPECT_EQ(a.choice != nullptr, setting.type == SettingType::kWord && !setting.choices.empty());
  }
  EXPECT_EQ(FindSetting("lisen"), nullptr);
}

// The loader reads exactly the table's settings: each row has a reader, each reader a row.
TEST(SettingsTableTest, EveryRowHasAReaderAndEveryReaderARow) {
  ConfigLoader loader("test.yaml", false);
  std::vector<std::string> readers = loader.ReaderNames();
  std::set<std::string> reader_set(readers.begin(), readers.end());
  EXPECT_EQ(reader_set.size(), readers.size()) << "a setting with two readers";
  std::set<std::string> rows;
  for (const SettingDefinition& setting : SettingsTable()) rows.emplace(setting.name);
  for (const std::string& row : rows) EXPECT_TRUE(reader_set.contains(row)) << row << " has no reader";
  for (const std::string& reader : reader_set) EXPECT_TRUE(rows.contains(reader)) << reader << " has no row";
}

// Each row's docs default is what Config::Defaults() holds, for every value the table renders
// exactly (numbers, sizes, bools, words).
TEST(SettingsTableTest, DocumentedDefaultsAreTheBuiltInOnes) {
  const Config defaults = Config::Defaults();
  for (const SettingDefinition& setting : SettingsTable()) {
    const SettingAccess& a = setting.access;
    if (a.number == nullptr && a.flag == nullptr && a.choice == nullptr) continue;
    EXPECT_EQ(setting.default_text, "`" + SettingValueText(setting, defaults) + "`") << setting.name;
  }
  EXPECT_EQ(SettingValueText(*FindSetting("workers"), defaults), "auto");
  EXPECT_EQ(FindSetting("workers")->default_text, "`auto`");
}

// The loader's bounds are the table's: the extremes load, one past them is refused.
TEST(SettingsTableTest, NumberBoundsComeFromTheTable) {
  for (const SettingDefinition& setting : SettingsTable()) {
    if (!IsNumberRow(setting) || setting.type == SettingType::kSize) continue;
    SCOPED_TRACE(std::string(setting.name));
    std::string name(setting.name);
    Config at_max = Load(YamlFor(name, std::to_string(setting.max)));
    EXPECT_EQ(SettingValueText(setting, at_max), std::to_string(setting.max));
    EXPECT_EQ(ErrorOf(YamlFor(name, std::to_string(setting.max + 1))),
              "test.yaml:1: " + name + " must be a whole number from 0 to " + std::to_string(setting.max));
    if (setting.min > 0) {
      EXPECT_EQ(ErrorOf(YamlFor(name, std::to_string(setting.min - 1))),
                "test.yaml:1: " + name + " must be at least " + std::to_string(setting.min));
      EXPECT_EQ(SettingValueText(setting, Load(YamlFor(name, std::to_string(setting.min)))),
                std::to_string(setting.min));
    }
  }
  const SettingDefinition& size = *FindSetting("cache.max-size");
  EXPECT_EQ(SettingRangeText(size), "1 to 16384G");
  EXPECT_EQ(Load("cache: {max-size: 16384G}\n").cache_max_size, size.max);
  EXPECT_EQ(ErrorOf("cache: {max-size: 16385G}\n"),
            "test.yaml:1: cache.max-size must be a size such as 512M, 2G or 1048576");
  EXPECT_EQ(ErrorOf("cache: {max-size: 0}\n"),
            "test.yaml:1: cache.max-size must be a size such as 512M, 2G or 1048576");
  // A size whose range starts at 0 takes 0 (off).
  EXPECT_EQ(Load("cache: {packet-cache-size: 0}\n").packet_cache_size, 0u);
  EXPECT_EQ(Load("cache: {packet-cache-size: 16M}\n").packet_cache_size, 16ull << 20);
  EXPECT_EQ(Config::Defaults().packet_cache_size, 4ull << 20);
  EXPECT_EQ(ErrorOf("cache: {packet-cache-size: 2G}\n"),
            "test.yaml:1: cache.packet-cache-size must be a size such as 512M, 2G or 1048576");
}

// Words and bools load and show as themselves (the enums follow the choices' order).
TEST(SettingsTableTest, WordsAndBoolsRoundTrip) {
  size_t words = 0;
  for (const SettingDefinition& setting : SettingsTable()) {
    SCOPED_TRACE(std::string(setting.name));
    if (setting.access.choice != nullptr) {
      ++words;
      for (std::string_view choice : setting.choices) {
        EXPECT_EQ(SettingValueText(setting, Load(YamlFor(setting.name, std::string(choice)))), choice);
      }
      EXPECT_EQ(ErrorOf(YamlFor(setting.name, "nonsense")),
                "test.yaml:1: " + std::string(setting.name) + " must be " + Alternatives(setting.choices));
    }
    if (setting.access.flag != nullptr) {
      for (std::string value : {"true", "false"}) {
        EXPECT_EQ(SettingValueText(setting, Load(YamlFor(setting.name, value))), value);
      }
    }
    if (IsSimple(setting) && setting.access.text != nullptr) {
      EXPECT_EQ(SettingValueText(setting, Load(YamlFor(setting.name, "/x/y"))), "/x/y");
    }
  }
  EXPECT_EQ(words, 3u);
}

// The words map to the enumerators they name (the choices follow the enums' order; config_test
// checks log-level's and log-format's).
TEST(SettingsTableTest, WordsSetTheirEnumerators) {
  EXPECT_EQ(Load("qname-minimisation: off\n").qname_minimisation, QnameMinimisation::kOff);
  EXPECT_EQ(Load("qname-minimisation: relaxed\n").qname_minimisation, QnameMinimisation::kRelaxed);
  EXPECT_EQ(Load("qname-minimisation: strict\n").qname_minimisation, QnameMinimisation::kStrict);
}

TEST(SettingsTableTest, CellsReadAsTheDocsShowThem) {
  EXPECT_EQ(SettingRangeText(*FindSetting("bogus-ttl")), "0 to 300");
  EXPECT_EQ(SettingRangeText(*FindSetting("workers")), "1 to 256 or auto");
  EXPECT_EQ(SettingRangeText(*FindSetting("qname-minimisation")), "off, relaxed or strict");
  EXPECT_EQ(SettingRangeText(*FindSetting("listen")), "");
  EXPECT_EQ(SettingReloadText(*FindSetting("listen")), "restart");
  EXPECT_EQ(SettingReloadText(*FindSetting("log-level")), "live");
  EXPECT_EQ(SettingReloadText(*FindSetting("tsig-keys")), "restart (a key mirror-zones uses)");
  EXPECT_EQ(SettingTypeName(FindSetting("limits.deadline-ms")->type), "milliseconds");
  std::string listing = SettingsListing();
  EXPECT_NE(listing.find("cache.max-ttl  seconds  default `86400`  range 1 to 604800  live\n    cap on"),
            std::string::npos) << listing;
}

// --check-config's lines: only what differs, rendered through the table, no secret.
TEST(SettingsTableTest, SettingsDifferingFromDefaults) {
  EXPECT_TRUE(SettingsDifferingFromDefaults(Config::Defaults()).empty());
  EXPECT_TRUE(SettingsDifferingFromDefaults(Load("workers: auto\ncache: {max-ttl: 86400}\n")).empty());
  Config config = Load(
      "cache: {max-ttl: 3600, max-size: 2G}\nworkers: 4\nlog-level: debug\ndo-ip6: false\n"
      "forward-zones: [{name: a.example, servers: ['192.0.2.1'], tsig-key: k},"
      " {name: b.example, servers: ['192.0.2.2']}]\n"
      "tsig-keys: [{name: k, algorithm: hmac-sha256, secret: 'c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0MTI='}]\n"
      "access-control: {allow: [192.0.2.0/24]}\nlimits: {referrals: 20}\n");
  std::vector<std::string> expected = {
      "workers: 4 (default auto)",
      "do-ip6: false (default true)",
      "access-control.allow: 192.0.2.0/24 (default 127.0.0.0/8, ::1/128)",
      "cache.max-size: 2G (default 512M)",
      "cache.max-ttl: 3600 (default 86400)",
      "forward-zones: 2 zones (default none)",
      "forward-zones.tsig-key: 1 zone (default none)",
      "tsig-keys: 1 key (default none)",
      "log-level: debug (default info)",
      "limits.referrals: 20 (default 130)",
  };
  EXPECT_EQ(SettingsDifferingFromDefaults(config), expected);
}

// The settings tables of docs/config.md are between these markers.
constexpr const char* kEnd = "<!-- settings-table end -->";
std::string BeginMarker(std::string_view section) {
  return "<!-- settings-table" + std::string(section.empty() ? "" : " ") + std::string(section) +
         " begin: generated from resolver/config/settings_table.cc -->";
}

// The drift test: the docs' tables are the code's table, row for row and word for word, in the
// same order (names, types, defaults, ranges, reload, help).
TEST(SettingsTableTest, DocsConfigMdHoldsExactlyTheTable) {
  for (std::string_view section : {"", "limits"}) {
    SCOPED_TRACE(section.empty() ? "## Settings" : "### limits");
    std::string error;
    std::string documented =
        docs_testing::LinesBetweenMarkers("docs/config.md", BeginMarker(section), kEnd, error);
    ASSERT_TRUE(error.empty()) << error;
    std::string expected = SettingsMarkdownTable(section);
    EXPECT_TRUE(documented == expected)
        << "docs/config.md and resolver/config/settings_table.cc have drifted apart:\n"
        << docs_testing::LinesOnlyIn(documented, expected, "docs: ")
        << docs_testing::LinesOnlyIn(expected, documented, "code: ")
        << "Replace the table between the markers with this:\n"
        << expected;
  }
}

}  // namespace
}  // namespace redoubt::resolver
