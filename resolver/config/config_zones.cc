// The loader's composite readers for zones and keys (config_loader.h): forward-zones and
// mirror-zones entries, and tsig-keys (RFC 8945) with their secrets and BIND key files.
#include <algorithm>
#include <type_traits>

#include "crypto/gss_name.h"
#include "resolver/config/bind_key_file.h"
#include "resolver/config/config_loader.h"
#include "resolver/config/tsig_keys.h"

namespace redoubt::resolver {

bool ConfigLoader::ForwardZones(const YAML::Node& node) {
  return Sequence(node, "forward-zones", [this](const YAML::Node& entry) {
    return ZoneEntryFrom(entry, "forward-zones", "forward zone", "servers", &ForwardZone::servers,
                         config_.forward_zones);
  });
}

bool ConfigLoader::MirrorZones(const YAML::Node& node) {
  return Sequence(node, "mirror-zones", [this](const YAML::Node& entry) {
    return ZoneEntryFrom(entry, "mirror-zones", "mirror zone", "primaries",
                         &MirrorZoneConfig::primaries, config_.mirror_zones);
  });
}

bool ConfigLoader::TsigKeys(const YAML::Node& node) {
  return Sequence(node, "tsig-keys", [this](const YAML::Node& entry) { return TsigKeyFrom(entry); });
}

// A zone's name: text in `text`, the name in `out`. An internationalised name in UTF-8 becomes
// its A-labels (RFC 5890 section 2.3.2.1).
bool ConfigLoader::ZoneName(const YAML::Node& node, const std::string& list, std::string& text,
                            dns::Name& out) {
  if (!Scalar(node, list + ".name", text)) return false;
  bool unicode = std::any_of(text.begin(), text.end(), [](char c) { return static_cast<uint8_t>(c) >= 0x80; });
  if (unicode) {
    auto ascii = crypto::NormaliseGssHostName(text);
    if (!ascii) return Fails(node, "'" + text + "': " + ascii.error());
    text = *ascii + ".";
  }
  auto parsed = dns::Name::FromText(text);
  if (!parsed) return Fails(node, "'" + text + "' is not a domain name");
  out = *parsed;
  return true;
}

// One forward-zones or mirror-zones entry: {name, SERVERS_KEY: [ADDRESS, ...], tsig-key},
// each zone name once in its list; a tsig-key is checked once every tsig-keys entry is read.
template <class Zone>
bool ConfigLoader::ZoneEntryFrom(const YAML::Node& node, const std::string& list,
                                 const std::string& what, const std::string& servers_key,
                                 std::vector<Endpoint> Zone::*servers, std::vector<Zone>& zones) {
  if (!node.IsMap()) return Fails(node, "each " + what + " must be a mapping");
  Zone zone;
  std::string name;
  YAML::Node key_node;
  std::map<std::string, Handler> handlers{
      {"name", [&](const YAML::Node& n) { return ZoneName(n, list, name, zone.name); }},
      {servers_key, Endpoints(list + "." + servers_key, zone.*servers)},
      {"tsig-key", [&](const YAML::Node& n) {
        std::string text;
        if (!Scalar(n, list + ".tsig-key", text)) return false;
        auto key = ParseTsigKeyName(text);
        if (!key) return Fails(n, key.error());
        zone.tsig_key = *key;
        key_node = n;
        return true;
      }},
  };
  if constexpr (std::is_same_v<Zone, ForwardZone>) {
    handlers["gss-tsig"] = [&](const YAML::Node& n) {
      auto gss = ReadGssTsigConfig(n);
      if (!gss) return Fails(ConfigError{file_, gss.error().line, gss.error().reason});
      zone.gss_tsig = std::move(*gss);
      return true;
    };
  }
  bool ok = ReadMap(node, handlers);
  if (!ok) return false;
  if (name.empty()) return Fails(node, "a " + what + " needs a name");
  bool gss = false;
  if constexpr (std::is_same_v<Zone, ForwardZone>) {
    gss = zone.gss_tsig.has_value();
    if (gss && zone.tsig_key) {
      return Fails(node, what + " " + name + " takes tsig-key or gss-tsig, not both");
    }
  }
  if ((zone.*servers).empty() && !gss) return Fails(node, what + " " + name + " needs " + servers_key);
  for (const Zone& other : zones) {
    if (other.name == zone.name) return Fails(node, what + " " + name + " given twice");
  }
  if (zone.tsig_key) {
    tsig_key_references_.push_back({*zone.tsig_key, key_node, what + " " + zone.name.ToText()});
  }
  zones.push_back(std::move(zone));
  return true;
}

// tsig-keys (RFC 8945, issue #14): each entry {name, algorithm, secret or secret-file} or
// {key-file}; every value a non-empty single value, the secret's text never quoted back.
bool ConfigLoader::TsigKeyFrom(const YAML::Node& node) {
  if (!node.IsMap()) return Fails(node, "each TSIG key must be a mapping");
  std::map<std::string, std::string> parts;
  std::map<std::string, Handler> handlers;
  for (const char* field : {"name", "algorithm", "secret", "secret-file", "key-file"}) {
    handlers[field] = [this, field, &parts](const YAML::Node& n) {
      return String(std::string("tsig-keys.") + field, parts[field])(n);
    };
  }
  if (!ReadMap(node, handlers, "a TSIG key (name, algorithm, secret, secret-file or key-file)")) {
    return false;
  }
  if (parts.contains("key-file")) {
    if (parts.size() == 1) return KeyFile(node["key-file"], parts["key-file"]);
    return Fails(node,
                 "a TSIG key entry with key-file has nothing else (the file names its keys)");
  }
  if (!parts.contains("name")) return Fails(node, "a TSIG key needs a name (or a key-file)");
  auto name = ParseTsigKeyName(parts["name"]);
  if (!name) return Fails(node["name"], name.error());
  std::string key = "TSIG key " + name->ToText();
  if (!parts.contains("algorithm")) {
    return Fails(node, key + " needs an algorithm (such as hmac-sha256)");
  }
  if (parts.contains("secret") == parts.contains("secret-file")) {
    return Fails(node, key + " needs either secret or secret-file");
  }
  return InlineKey(node, *name, parts);
}

// A key written in this file, its secret inline or in a secret-file.
bool ConfigLoader::InlineKey(const YAML::Node& node, const dns::Name& name,
                             std::map<std::string, std::string>& parts) {
  TsigKeyConfig key;
  key.name = name;
  key.origin = Where(node);
  auto algorithm = ParseTsigKeyAlgorithmFor(name, parts["algorithm"]);
  if (!algorithm) return Fails(node["algorithm"], algorithm.error());
  key.algorithm = algorithm->algorithm;
  key.mac_bits = algorithm->mac_bits;
  bool in_file = parts.contains("secret-file");
  const YAML::Node where = node[in_file ? "secret-file" : "secret"];
  std::string base64 = parts["secret"];
  if (in_file) {
    auto text = ReadKeyMaterial(parts["secret-file"]);
    if (!text) return Fails(where, "TSIG key " + name.ToText() + ": " + text.error());
    base64 = std::move(*text);
    WarnAboutMode(where, parts["secret-file"]);
  } else if (is_file_ && !warned_inline_secret_) {
    warned_inline_secret_ = WarnAboutMode(where, file_);
  }
  auto secret = DecodeTsigSecret(name, base64);
  std::fill(base64.begin(), base64.end(), '\0');
  if (!secret) {
    return Fails(where, secret.error() + (in_file ? " (in " + parts["secret-file"] + ")" : ""));
  }
  key.secret = std::move(*secret);
  return AddTsigKey(std::move(key), node, /*from_key_file=*/false);
}

// A BIND key file (bind_key_file.h): all its keys.
bool ConfigLoader::KeyFile(const YAML::Node& node, const std::string& path) {
  auto text = ReadKeyMaterial(path);
  if (!text) return Fails(node, "key-file: " + text.error());
  WarnAboutMode(node, path);
  auto keys = ParseBindKeyFile(*text, path);
  std::fill(text->begin(), text->end(), '\0');
  if (!keys) return Fails(keys.error());
  for (TsigKeyConfig& key : *keys) {
    if (!AddTsigKey(std::move(key), node, /*from_key_file=*/true)) return false;
  }
  return true;
}

// Group or others may read `path`, which holds a secret: a warning at `node`. True if warned.
bool ConfigLoader::WarnAboutMode(const YAML::Node& node, const std::string& path) {
  auto warning = KeyFileModeWarning(path);
  if (warning) config_.warnings.push_back(Where(node) + ": " + *warning);
  return warning.has_value();
}

// Each key name once across the file and every key file (names compare as DNS names).
bool ConfigLoader::AddTsigKey(TsigKeyConfig key, const YAML::Node& node, bool from_key_file) {
  if (const TsigKeyConfig* first = config_.FindTsigKey(key.name)) {
    std::string which = key.name.ToText() + (from_key_file ? " of " + key.origin : "");
    return Fails(node, "TSIG key " + which + " given twice (first at " + first->origin + ")");
  }
  for (std::string& warning : TsigKeyWarnings(key)) {
    config_.warnings.push_back(std::move(warning));
  }
  config_.tsig_keys.push_back(std::move(key));
  return true;
}

// Every forward or mirror zone's tsig-key names a key of tsig-keys, which may come later in
// the file.
bool ConfigLoader::CheckTsigKeyReferences() {
  for (const TsigKeyReference& reference : tsig_key_references_) {
    if (config_.FindTsigKey(reference.key) == nullptr) {
      return Fails(reference.node, reference.user + " names TSIG key " +
                                       reference.key.ToText() +
                                       ", which tsig-keys does not define");
    }
  }
  return true;
}

}  // namespace redoubt::resolver
