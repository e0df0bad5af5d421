// THE table of settings (docs/config.md): one row per key a configuration file may hold, as it
// is written in YAML (dotted for nested keys: `cache.max-ttl`, `limits.upstream-queries`,
// `forward-zones.tsig-key`), with its type, default, range or choices, how a reload applies it,
// and its help text. The loader takes the accepted keys, the numeric bounds, the word choices and
// the readers of simple values from it; `--check-config` renders values through it; the settings
// tables of docs/config.md are generated from it (SettingsMarkdownTable), and
// settings_table_test fails when the docs and this table drift apart (PowerDNS's one-table idea).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "resolver/config/config.h"

namespace redoubt::resolver {

// What kind of value a setting takes; SettingTypeName gives the word docs/config.md shows.
enum class SettingType : uint8_t {
  kBool,          // true or false.
  kCount,         // A whole number of things.
  kNumber,        // A whole number that is a code (an EDNS option code).
  kSeconds,       // A whole number of seconds.
  kMilliseconds,  // A whole number of milliseconds.
  kOctets,        // A whole number of octets (no unit suffix).
  kSize,          // Bytes, or a number with K, M or G (powers of 1024).
  kWord,          // One word: one of `choices`, or free text when there are none.
  kName,          // A domain name.
  kPath,          // A file or directory path.
  kPathList,      // A list of file paths.
  kAddress,       // ADDRESS:PORT.
  kAddressList,   // A list of addresses (with or without ports, as the help says).
  kPrefixList,    // A list of address prefixes (RFC 4632 section 3.1, RFC 4291 section 2.3).
  kNameList,      // A list of domain names.
  kMapping,       // A mapping of sub-settings, read by its own reader.
  kMappingList,   // A list of mappings, read by its own reader.
};
std::string_view SettingTypeName(SettingType type);

// How a reload (the daemon re-reading its file while running) applies a changed value.
enum class SettingReload : uint8_t {
  kLive,     // Applied by the reload.
  kRestart,  // Kept as it is until the daemon restarts (the reload reports it).
};

// How a row reaches its value in a Config: exactly one of `number` (with `set_number`), `flag`,
// `text`, `texts`, `choice` (with `set_choice`) or `show`. The loader reads a row with its custom
// reader when it has one (composite rows, and simple ones with extra rules such as do-ip4 or
// control.socket), else with the generic reader of the accessor set; a `show`-only row always
// has a custom reader. `same`, when set, replaces the comparison of rendered values in
// SettingsNeedingRestart.
struct SettingAccess {
  uint64_t (*number)(const Config&) = nullptr;
  void (*set_number)(Config&, uint64_t) = nullptr;
  bool Config::*flag = nullptr;
  std::string Config::*text = nullptr;
  std::vector<std::string> Config::*texts = nullptr;
  size_t (*choice)(const Config&) = nullptr;  // Index into SettingDefinition::choices.
  void (*set_choice)(Config&, size_t) = nullptr;
  std::string (*show)(const Config&) = nullptr;  // Composite rows: the value, maybe summarised.
  bool (*same)(const Config&, const Config&) = nullptr;
};

struct SettingDefinition {
  std::string_view name = {};     // As written in YAML, dotted for nested keys.
  SettingType type = SettingType::kMapping;
  std::string_view default_text = {};  // The docs' default cell (markdown).
  uint64_t min = 0, max = 0;      // Numbers and sizes: the bounds the loader enforces.
  std::vector<std::string_view> choices = {};  // Words: the accepted ones, in the errors' order.
  SettingReload reload = SettingReload::kLive;
  // Restart rows whose value matters only in part: when it applies ("a key mirror-zones uses").
  std::string_view restart_when = {};
  std::string_view help = {};     // The docs' meaning cell (markdown), word for word.
  SettingAccess access = {};
};

// Every setting, in the docs' order. Built once; valid for the whole program.
const std::vector<SettingDefinition>& SettingsTable();
// The row named `name` (dotted), or null.
const SettingDefinition* FindSetting(std::string_view name);

// "a", "a or b", "a, b or c".
std::string Alternatives(const std::vector<std::string_view>& words);
// The range cell: "0 to 300", "1 to 256 or auto", "off, relaxed or strict"; empty when none.
std::string SettingRangeText(const SettingDefinition& setting);
// The reload cell: "live", "restart" or "restart (WHEN)".
std::string SettingReloadText(const SettingDefinition& setting);

// `setting`'s value in `config` as text, for --check-config and comparisons: numbers in decimal
// (sizes with K, M or G when exact), words, lists joined by ", ", "none" for an empty value.
// Composite settings are summarised ("2 zones") and TSIG secrets never appear.
std::string SettingValueText(const SettingDefinition& setting, const Config& config);

// The settings whose value in `config` differs from Config::Defaults(), one line each in table
// order: "cache.max-ttl: 3600 (default 86400)".
std::vector<std::string> SettingsDifferingFromDefaults(const Config& config);

// The names of restart-only settings whose value differs between the running configuration and
// the next one (a reload keeps them as they run); empty: a reload can apply everything. A
// conditional row is reported with its condition: "tsig-keys (a key mirror-zones uses)" when a
// key named by a mirror zone changed (algorithm, MAC length or secret), appeared or vanished.
std::vector<std::string> SettingsNeedingRestart(const Config& running, const Config& next);

// The markdown table of docs/config.md for the rows under `section` ("limits": the rows named
// "limits.*"), or for every other row when `section` is empty: a header row (key | type |
// default | range | reload | meaning), then one row per setting. Every line ends with '\n'.
std::string SettingsMarkdownTable(std::string_view section);

// The table as plain text for `redoubt --list-settings`: per setting a line
// "NAME  TYPE  default DEFAULT  range RANGE  RELOAD" and its help indented below.
std::string SettingsListing();

}  // namespace redoubt::resolver
