// The loader's core: the accepted keys are the settings table's, nested ones read through their
// section (cache, limits, metrics, control, access-control); each key once, each value by its
// row's reader (config_loader.h).
#include "resolver/config/config_loader.h"

#include <charconv>
#include <fstream>
#include <sstream>
#include <utility>

namespace redoubt::resolver {

Result<Config, ConfigError> ConfigLoader::Load(const YAML::Node& root) {
  if (root.IsNull()) return config_;
  if (!root.IsMap()) return Unexpected(Error(root, "the configuration must be a mapping of settings"));
  if (!ReadMap(root, TopLevelHandlers()) || !CheckTsigKeyReferences()) return Unexpected(*error_);
  return config_;
}

ConfigError ConfigLoader::Error(const YAML::Node& node, std::string reason) const {
  return ConfigError{file_, static_cast<size_t>(node.Mark().line + 1), std::move(reason)};
}

bool ConfigLoader::Fails(const YAML::Node& node, std::string reason) {
  if (!error_) error_ = Error(node, std::move(reason));
  return false;
}

bool ConfigLoader::Fails(ConfigError error) {
  if (!error_) error_ = std::move(error);
  return false;
}

std::string ConfigLoader::Where(const YAML::Node& node) const {
  return file_ + ":" + std::to_string(node.Mark().line + 1);
}

// Every key must be known and appear once; each value goes to its handler. With `redacted`, an
// unknown key is not quoted but said to be one in `redacted` (a mistyped "secret:BASE64" must
// not reach a log).
bool ConfigLoader::ReadMap(const YAML::Node& map, const std::map<std::string, Handler>& handlers,
                           const char* redacted) {
  std::map<std::string, int> seen;
  for (auto it = map.begin(); it != map.end(); ++it) {
    if (!it->first.IsScalar()) return Fails(it->first, "a key must be a plain name");
    std::string key = it->first.Scalar();
    auto handler = handlers.find(key);
    if (handler == handlers.end()) {
      return Fails(it->first, redacted ? std::string("unknown setting in ") + redacted
                                       : "unknown setting '" + key + "'");
    }
    if (seen.contains(key)) {
      return Fails(it->first, "'" + key + "' given twice (first on line " +
                                  std::to_string(seen[key]) + ")");
    }
    seen[key] = it->first.Mark().line + 1;
    if (!handler->second(it->second)) return false;
  }
  return true;
}

// Top-level rows are read by their own reader; a dotted row under another row (forward-zones.
// tsig-key) by that row's reader; the other dotted rows through their section's mapping.
std::map<std::string, ConfigLoader::Handler> ConfigLoader::TopLevelHandlers() {
  std::map<std::string, Handler> handlers;
  std::map<std::string, std::vector<const SettingDefinition*>> sections;
  for (const SettingDefinition& setting : SettingsTable()) {
    size_t dot = setting.name.find('.');
    if (dot == std::string_view::npos) {
      handlers[std::string(setting.name)] = ReaderFor(setting);
      continue;
    }
    std::string head(setting.name.substr(0, dot));
    if (FindSetting(head) == nullptr) sections[head].push_back(&setting);
  }
  for (const auto& [section, rows] : sections) handlers[section] = SectionReader(section, rows);
  return handlers;
}

// A section is a mapping of its rows' last parts; "metrics must be a mapping with 'listen'"
// names the key when there is only one.
ConfigLoader::Handler ConfigLoader::SectionReader(const std::string& section,
                                                  const std::vector<const SettingDefinition*>& rows) {
  std::map<std::string, Handler> handlers;
  for (const SettingDefinition* setting : rows) {
    handlers[std::string(setting->name.substr(section.size() + 1))] = ReaderFor(*setting);
  }
  std::string shape = section + " must be a mapping";
  if (handlers.size() == 1) shape += " with '" + handlers.begin()->first + "'";
  return [this, handlers = std::move(handlers), shape](const YAML::Node& node) {
    if (!node.IsMap()) return Fails(node, shape);
    return ReadMap(node, handlers);
  };
}

ConfigLoader::Handler ConfigLoader::ReaderFor(const SettingDefinition& setting) {
  if (custom_readers_.empty()) custom_readers_ = CustomReaders();
  auto custom = custom_readers_.find(std::string(setting.name));
  if (custom != custom_readers_.end()) return custom->second;
  if (Handler generic = GenericReader(setting)) return generic;
  // settings_table_test keeps this from happening: every row has a reader.
  return [this, name = std::string(setting.name)](const YAML::Node& node) {
    return Fails(node, "internal error: no reader for setting '" + name + "'");
  };
}

// Simple rows: a bool, a bounded number, a word of the row's choices, a non-empty text, a list
// of texts. Null for the others, which need a custom reader.
ConfigLoader::Handler ConfigLoader::GenericReader(const SettingDefinition& setting) {
  const SettingAccess& access = setting.access;
  std::string name(setting.name);
  if (access.flag != nullptr) return Bool(name, config_.*access.flag);
  if (access.number != nullptr && setting.type != SettingType::kSize && setting.max != 0) {
    auto store = access.set_number;
    return UnsignedInto(name, setting.min, setting.max,
                        [this, store](uint64_t value) { store(config_, value); });
  }
  if (access.choice != nullptr && !setting.choices.empty()) return OneOf(setting);
  if (access.text != nullptr) return String(name, config_.*access.text);
  if (access.texts != nullptr) return Strings(name, config_.*access.texts);
  return nullptr;
}

std::vector<std::string> ConfigLoader::ReaderNames() {
  std::vector<std::string> names;
  std::map<std::string, Handler> custom = CustomReaders();
  for (const auto& [name, reader] : custom) names.push_back(name);
  for (const SettingDefinition& setting : SettingsTable()) {
    if (!custom.contains(std::string(setting.name)) && GenericReader(setting)) {
      names.emplace_back(setting.name);
    }
  }
  // Keys of a forward-zones entry documented as rows of their own (ZoneEntryFrom reads them).
  names.push_back("forward-zones.tsig-key");
  names.push_back("forward-zones.gss-tsig");
  return names;
}

namespace {

Result<Config, ConfigError> LoadText(std::string_view text, const std::string& display_name,
                                     bool is_file) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    return Unexpected(ConfigError{display_name, static_cast<size_t>(e.mark.line + 1), e.msg});
  }
  return ConfigLoader(display_name, is_file).Load(root);
}

}  // namespace

Result<Prefix> Prefix::Parse(std::string_view text) {
  size_t slash = text.find('/');
  ASSIGN_OR_RETURN(IpAddress network, IpAddress::Parse(text.substr(0, slash)));
  unsigned max = network.is_v4() ? 32 : 128, length = max;
  if (slash != std::string_view::npos) {
    std::string_view digits = text.substr(slash + 1);
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), length);
    if (ec != std::errc() || end != digits.data() + digits.size() || length > max) {
      return Fail(Errc::kSyntax);
    }
  }
  for (unsigned bit = length; bit < max; ++bit) {
    if (network.data()[bit / 8] & (0x80 >> (bit % 8))) return Fail(Errc::kInvalidArgument);
  }
  return Prefix{network, length};
}

Config Config::Defaults() {
  Config config;
  config.listen = {*Endpoint::Parse("127.0.0.1:53"), *Endpoint::Parse("[::1]:53")};
  config.access_allow = {*Prefix::Parse("127.0.0.0/8"), *Prefix::Parse("::1/128")};
  return config;
}

const TsigKeyConfig* Config::FindTsigKey(const dns::Name& name) const {
  for (const TsigKeyConfig& key : tsig_keys) {
    if (key.name == name) return &key;
  }
  return nullptr;
}

Result<Config, ConfigError> LoadConfigText(std::string_view text, const std::string& display_name) {
  return LoadText(text, display_name, /*is_file=*/false);
}

Result<Config, ConfigError> LoadConfigFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Unexpected(ConfigError{path, 0, "cannot open the file"});
  std::stringstream text;
  text << in.rdbuf();
  return LoadText(text.str(), path, /*is_file=*/true);
}

}  // namespace redoubt::resolver
