// The settings table as text: the docs' cells, --check-config's lines, --list-settings, and the
// reload's question of which changes need a restart (settings_table.h).
#include <array>

#include "resolver/config/settings_table.h"

namespace redoubt::resolver {
namespace {

// Sections that docs/config.md describes in a table of their own.
constexpr std::array<std::string_view, 1> kSectionsWithOwnTable = {"limits"};

bool InSection(std::string_view name, std::string_view section) {
  return name.size() > section.size() && name.starts_with(section) && name[section.size()] == '.';
}

bool IsNumber(SettingType type) {
  switch (type) {
    case SettingType::kCount:
    case SettingType::kNumber:
    case SettingType::kSeconds:
    case SettingType::kMilliseconds:
    case SettingType::kOctets:
    case SettingType::kSize:
      return true;
    default:
      return false;
  }
}

// Bytes with the largest unit that divides them exactly: "512M", "16384G", "1000".
std::string SizeText(uint64_t bytes) {
  for (auto [unit, suffix] : {std::pair{1ull << 30, "G"}, {1ull << 20, "M"}, {1ull << 10, "K"}}) {
    if (bytes != 0 && bytes % unit == 0) return std::to_string(bytes / unit) + suffix;
  }
  return std::to_string(bytes);
}

std::string JoinedOrNone(const std::vector<std::string>& items) {
  if (items.empty()) return "none";
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

}  // namespace

std::string_view SettingTypeName(SettingType type) {
  switch (type) {
    case SettingType::kBool: return "bool";
    case SettingType::kCount: return "count";
    case SettingType::kNumber: return "number";
    case SettingType::kSeconds: return "seconds";
    case SettingType::kMilliseconds: return "milliseconds";
    case SettingType::kOctets: return "octets";
    case SettingType::kSize: return "size";
    case SettingType::kWord: return "word";
    case SettingType::kName: return "name";
    case SettingType::kPath: return "path";
    case SettingType::kPathList: return "file list";
    case SettingType::kAddress: return "address";
    case SettingType::kAddressList: return "address list";
    case SettingType::kPrefixList: return "prefix list";
    case SettingType::kNameList: return "name list";
    case SettingType::kMapping: return "mapping";
    case SettingType::kMappingList: return "mapping list";
  }
  return "?";
}

std::string Alternatives(const std::vector<std::string_view>& words) {
  std::string text;
  for (size_t i = 0; i < words.size(); ++i) {
    if (i > 0) text += i + 1 == words.size() ? " or " : ", ";
    text += words[i];
  }
  return text;
}

std::string SettingRangeText(const SettingDefinition& setting) {
  if (!IsNumber(setting.type) || setting.max == 0) return Alternatives(setting.choices);
  bool size = setting.type == SettingType::kSize;
  std::string text = (size ? SizeText(setting.min) : std::to_string(setting.min)) + " to " +
                     (size ? SizeText(setting.max) : std::to_string(setting.max));
  if (!setting.choices.empty()) text += " or " + Alternatives(setting.choices);
  return text;
}

std::string SettingReloadText(const SettingDefinition& setting) {
  if (setting.reload == SettingReload::kLive) return "live";
  if (setting.restart_when.empty()) return "restart";
  return "restart (" + std::string(setting.restart_when) + ")";
}

std::string SettingValueText(const SettingDefinition& setting, const Config& config) {
  const SettingAccess& access = setting.access;
  if (access.show != nullptr) return access.show(config);
  if (access.number != nullptr) {
    uint64_t value = access.number(config);
    return setting.type == SettingType::kSize ? SizeText(value) : std::to_string(value);
  }
  if (access.flag != nullptr) return config.*access.flag ? "true" : "false";
  if (access.text != nullptr) {
    const std::string& text = config.*access.text;
    return text.empty() ? "none" : text;
  }
  if (access.texts != nullptr) return JoinedOrNone(config.*access.texts);
  if (access.choice != nullptr) {
    size_t index = access.choice(config);
    return index < setting.choices.size() ? std::string(setting.choices[index]) : "?";
  }
  return "?";
}

std::vector<std::string> SettingsDifferingFromDefaults(const Config& config) {
  const Config defaults = Config::Defaults();
  std::vector<std::string> lines;
  for (const SettingDefinition& setting : SettingsTable()) {
    std::string value = SettingValueText(setting, config);
    std::string default_value = SettingValueText(setting, defaults);
    if (value != default_value) {
      lines.push_back(std::string(setting.name) + ": " + value + " (default " + default_value + ")");
    }
  }
  return lines;
}

std::vector<std::string> SettingsNeedingRestart(const Config& running, const Config& next) {
  std::vector<std::string> names;
  for (const SettingDefinition& setting : SettingsTable()) {
    if (setting.reload != SettingReload::kRestart) continue;
    bool same = setting.access.same != nullptr
                    ? setting.access.same(running, next)
                    : SettingValueText(setting, running) == SettingValueText(setting, next);
    if (same) continue;
    std::string name(setting.name);
    if (!setting.restart_when.empty()) name += " (" + std::string(setting.restart_when) + ")";
    names.push_back(std::move(name));
  }
  return names;
}

std::string SettingsMarkdownTable(std::string_view section) {
  std::string table = "| key | type | default | range | reload | meaning |\n|---|---|---|---|---|---|\n";
  for (const SettingDefinition& setting : SettingsTable()) {
    bool own_table = false;
    for (std::string_view s : kSectionsWithOwnTable) own_table |= InSection(setting.name, s);
    if (section.empty() ? own_table : !InSection(setting.name, section)) continue;
    table += "| `" + std::string(setting.name) + "` | " + std::string(SettingTypeName(setting.type)) +
             " | " + std::string(setting.default_text) + " | " + SettingRangeText(setting) + " | " +
             SettingReloadText(setting) + " | " + std::string(setting.help) + " |\n";
  }
  return table;
}

std::string SettingsListing() {
  std::string text;
  for (const SettingDefinition& setting : SettingsTable()) {
    std::string range = SettingRangeText(setting);
    text += std::string(setting.name) + "  " + std::string(SettingTypeName(setting.type)) +
            "  default " + std::string(setting.default_text) + (range.empty() ? "" : "  range " + range) +
            "  " + SettingReloadText(setting) + "\n    " + std::string(setting.help) + "\n";
  }
  return text;
}

}  // namespace redoubt::resolver
