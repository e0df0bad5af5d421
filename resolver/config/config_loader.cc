// The strict YAML loader for Config. yaml-cpp throws on malformed YAML; that happens only at
// start-up and is turned into a ConfigError here (design guide section 3).
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <sstream>
#include <type_traits>
#include <utility>
#include <vector>

#include "crypto/gss_name.h"
#include "resolver/config/bind_key_file.h"
#include "resolver/config/config.h"
#include "resolver/config/tsig_keys.h"

namespace redoubt::resolver {
namespace {

using Handler = std::function<bool(const YAML::Node&)>;

// "a", "a or b", "a, b or c": the accepted words in an error.
template <class T>
std::string Alternatives(const std::vector<std::pair<std::string, T>>& choices) {
  std::string text;
  for (size_t i = 0; i < choices.size(); ++i) {
    if (i > 0) text += i + 1 == choices.size() ? " or " : ", ";
    text += choices[i].first;
  }
  return text;
}

class Loader {
 public:
  // `is_file`: `file` names a file on disk, whose mode matters when it holds a TSIG secret.
  Loader(std::string file, bool is_file) : file_(std::move(file)), is_file_(is_file) {}

  Result<Config, ConfigError> Load(const YAML::Node& root) {
    if (root.IsNull()) return config_;
    if (!root.IsMap()) return Unexpected(Error(root, "the configuration must be a mapping of settings"));
    if (!ReadMap(root, TopLevelHandlers()) || !CheckTsigKeyReferences()) return Unexpected(*error_);
    return config_;
  }

 private:
  ConfigError Error(const YAML::Node& node, std::string reason) {
    return ConfigError{file_, static_cast<size_t>(node.Mark().line + 1), std::move(reason)};
  }
  bool Fails(const YAML::Node& node, std::string reason) {
    if (!error_) error_ = Error(node, std::move(reason));
    return false;
  }
  bool Fails(ConfigError error) {
    if (!error_) error_ = std::move(error);
    return false;
  }
  std::string Where(const YAML::Node& node) const {
    return file_ + ":" + std::to_string(node.Mark().line + 1);
  }

  // Every key must be known and appear once; each value goes to its handler. With `redacted`, an
  // unknown key is not quoted but said to be one in `redacted` (a mistyped "secret:BASE64"
  // must not reach a log).
  bool ReadMap(const YAML::Node& map, const std::map<std::string, Handler>& handlers,
               const char* redacted = nullptr) {
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

  bool Scalar(const YAML::Node& node, const std::string& what, std::string& out) {
    if (!node.IsScalar()) return Fails(node, what + " must be a single value");
    out = node.Scalar();
    return true;
  }

  bool Unsigned(const YAML::Node& node, const std::string& what, uint64_t max, uint64_t& out) {
    std::string text;
    if (!Scalar(node, what, text)) return false;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    if (ec != std::errc() || end != text.data() + text.size() || out > max) {
      return Fails(node, what + " must be a whole number from 0 to " + std::to_string(max));
    }
    return true;
  }

  template <class T>
  Handler UnsignedInto(const std::string& what, uint64_t min, uint64_t max, T& field) {
    return [this, what, min, max, &field](const YAML::Node& node) {
      uint64_t value = 0;
      if (!Unsigned(node, what, max, value)) return false;
      if (value < min) return Fails(node, what + " must be at least " + std::to_string(min));
      field = static_cast<T>(value);
      return true;
    };
  }

  Handler Bool(const std::string& what, bool& field) {
    return [this, what, &field](const YAML::Node& node) {
      std::string text;
      if (!Scalar(node, what, text)) return false;
      if (text != "true" && text != "false") return Fails(node, what + " must be true or false");
      field = text == "true";
      return true;
    };
  }

  // do-ip4 / do-ip6: a bool, and at least one family must stay on or no authority could be
  // reached. Keys are read in file order, so the error names the line that turned off the last.
  Handler AddressFamily(const std::string& what, bool& field) {
    return [this, what, &field](const YAML::Node& node) {
      if (!Bool(what, field)(node)) return false;
      if (config_.do_ip4 || config_.do_ip6) return true;
      return Fails(node, "do-ip4 and do-ip6 are both false: no address family is left to reach "
                         "authorities");
    };
  }

  // A word from a fixed list, such as qname-minimisation's modes.
  template <class T>
  Handler OneOf(const std::string& what, std::vector<std::pair<std::string, T>> choices, T& field) {
    return [this, what, choices = std::move(choices), &field](const YAML::Node& node) {
      std::string text;
      if (!Scalar(node, what, text)) return false;
      for (const auto& [word, value] : choices) {
        if (text != word) continue;
        field = value;
        return true;
      }
      return Fails(node, what + " must be " + Alternatives(choices));
    };
  }

  Handler String(const std::string& what, std::string& field) {
    return [this, what, &field](const YAML::Node& node) {
      if (!Scalar(node, what, field)) return false;
      return !field.empty() || Fails(node, what + " must not be empty");
    };
  }

  // A sequence whose every element goes through `each`.
  bool Sequence(const YAML::Node& node, const std::string& what,
                const std::function<bool(const YAML::Node&)>& each) {
    if (!node.IsSequence()) return Fails(node, what + " must be a list");
    for (const auto& element : node) {
      if (!each(element)) return false;
    }
    return true;
  }

  bool EndpointFrom(const YAML::Node& node, const std::string& what, Endpoint& out) {
    std::string text;
    if (!Scalar(node, what, text)) return false;
    auto endpoint = Endpoint::Parse(text);
    if (!endpoint) return Fails(node, "'" + text + "' is not an address or address:port");
    out = *endpoint;
    return true;
  }

  Handler Endpoints(const std::string& what, std::vector<Endpoint>& field) {
    return [this, what, &field](const YAML::Node& node) {
      field.clear();
      return Sequence(node, what, [&](const YAML::Node& element) {
        Endpoint endpoint;
        if (!EndpointFrom(element, what, endpoint)) return false;
        field.push_back(endpoint);
        return true;
      });
    };
  }

  // Bare IP addresses (no port), each once.
  Handler Addresses(const std::string& what, std::vector<IpAddress>& field) {
    return [this, what, &field](const YAML::Node& node) {
      field.clear();
      return Sequence(node, what, [&](const YAML::Node& element) {
        std::string text;
        if (!Scalar(element, what, text)) return false;
        auto address = IpAddress::Parse(text);
        if (!address) {
          return Fails(element, "'" + text + "' is not an IP address (such as 192.0.2.1 or 2001:db8::1)");
        }
        if (std::find(field.begin(), field.end(), *address) != field.end()) {
          return Fails(element, "'" + text + "' given twice in " + what);
        }
        field.push_back(*address);
        return true;
      });
    };
  }

  Handler Strings(const std::string& what, std::vector<std::string>& field) {
    return [this, what, &field](const YAML::Node& node) {
      field.clear();
      return Sequence(node, what, [&](const YAML::Node& element) {
        std::string text;
        if (!Scalar(element, what, text)) return false;
        field.push_back(text);
        return true;
      });
    };
  }

  bool Workers(const YAML::Node& node) {
    if (node.IsScalar() && node.Scalar() == "auto") {
      config_.workers = 0;
      return true;
    }
    return UnsignedInto("workers", 1, 256, config_.workers)(node);
  }

  bool AccessControl(const YAML::Node& node) {
    if (!node.IsMap()) return Fails(node, "access-control must be a mapping with 'allow'");
    return ReadMap(node, {{"allow", [this](const YAML::Node& list) {
      config_.access_allow.clear();
      return Sequence(list, "access-control.allow", [&](const YAML::Node& element) {
        std::string text;
        if (!Scalar(element, "an access-control prefix", text)) return false;
        auto prefix = Prefix::Parse(text);
        if (!prefix) return Fails(element, "'" + text + "' is not an address prefix (such as "
                                           "192.0.2.0/24) with no bits set past its length");
        config_.access_allow.push_back(*prefix);
        return true;
      });
    }}});
  }

  bool Size(const YAML::Node& node, const std::string& what, uint64_t& out) {
    std::string text;
    if (!Scalar(node, what, text)) return false;
    uint64_t unit = 1;
    if (!text.empty() && std::string_view("KMG").find(text.back()) != std::string_view::npos) {
      unit = text.back() == 'K' ? 1ull << 10 : text.back() == 'M' ? 1ull << 20 : 1ull << 30;
      text.pop_back();
    }
    uint64_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || value == 0 ||
        value > (1ull << 44) / unit) {
      return Fails(node, what + " must be a size such as 512M, 2G or 1048576");
    }
    out = value * unit;
    return true;
  }

  // metrics: {listen: ADDRESS:PORT}, the port written out (no default: 53 is the resolver's).
  bool Metrics(const YAML::Node& node) {
    if (!node.IsMap()) return Fails(node, "metrics must be a mapping with 'listen'");
    return ReadMap(node, {{"listen", [this](const YAML::Node& n) {
      Endpoint endpoint;
      if (!EndpointFrom(n, "metrics.listen", endpoint)) return false;
      if (Endpoint::Parse(n.Scalar(), 0)->port != Endpoint::Parse(n.Scalar(), 1)->port) {
        return Fails(n, "metrics.listen needs a port, such as 127.0.0.1:9153");
      }
      config_.metrics_listen = endpoint;
      return true;
    }}});
  }

  // control: {socket: PATH}: the control channel's Unix socket (docs/control.md); "" turns it off.
  bool Control(const YAML::Node& node) {
    if (!node.IsMap()) return Fails(node, "control must be a mapping with 'socket'");
    return ReadMap(node, {{"socket", [this](const YAML::Node& n) {
      std::string path;
      if (!Scalar(n, "control.socket", path)) return false;
      if (!path.empty() && path.front() != '/') return Fails(n, "control.socket must be an absolute path, or \"\" for none");
      config_.control_socket = path;
      config_.control_socket_configured = true;
      return true;
    }}});
  }

  bool Cache(const YAML::Node& node) {
    if (!node.IsMap()) return Fails(node, "cache must be a mapping");
    return ReadMap(node, {
        {"enabled", Bool("cache.enabled", config_.cache_enabled)},
        {"directory", String("cache.directory", config_.cache_directory)},
        {"min-ttl", UnsignedInto("cache.min-ttl", 0, 86400, config_.cache_min_ttl)},
        {"max-ttl", UnsignedInto("cache.max-ttl", 1, 604800, config_.cache_max_ttl)},
        {"max-negative-ttl", UnsignedInto("cache.max-negative-ttl", 0, 86400, config_.cache_max_negative_ttl)},
        {"serve-stale", UnsignedInto("cache.serve-stale", 0, 604800, config_.serve_stale)},
        {"max-size", [this](const YAML::Node& n) { return Size(n, "cache.max-size", config_.cache_max_size); }},
    });
  }

  // One forward-zones or mirror-zones entry: {name, SERVERS_KEY: [ADDRESS, ...], tsig-key},
  // each zone name once in its list; a tsig-key is checked once every tsig-keys entry is read.
  template <class Zone>
  bool ZoneEntryFrom(const YAML::Node& node, const std::string& list, const std::string& what,
                     const std::string& servers_key, std::vector<Endpoint> Zone::*servers,
                     std::vector<Zone>& zones) {
    if (!node.IsMap()) return Fails(node, "each " + what + " must be a mapping");
    Zone zone;
    std::string name;
    YAML::Node key_node;
    std::map<std::string, Handler> handlers{
        {"name", [&](const YAML::Node& n) {
          if (!Scalar(n, list + ".name", name)) return false;
          // An internationalised name in UTF-8 becomes its A-labels (RFC 5890 section 2.3.2.1).
          bool unicode = std::any_of(name.begin(), name.end(), [](char c) { return static_cast<uint8_t>(c) >= 0x80; });
          if (unicode) {
            auto ascii = crypto::NormaliseGssHostName(name);
            if (!ascii) return Fails(n, "'" + name + "': " + ascii.error());
            name = *ascii + ".";
          }
          auto parsed = dns::Name::FromText(name);
          if (!parsed) return Fails(n, "'" + name + "' is not a domain name");
          zone.name = *parsed;
          return true;
        }},
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
  bool TsigKeyFrom(const YAML::Node& node) {
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
  bool InlineKey(const YAML::Node& node, const dns::Name& name,
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
  bool KeyFile(const YAML::Node& node, const std::string& path) {
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
  bool WarnAboutMode(const YAML::Node& node, const std::string& path) {
    auto warning = KeyFileModeWarning(path);
    if (warning) config_.warnings.push_back(Where(node) + ": " + *warning);
    return warning.has_value();
  }

  // Each key name once across the file and every key file (names compare as DNS names).
  bool AddTsigKey(TsigKeyConfig key, const YAML::Node& node, bool from_key_file) {
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
  bool CheckTsigKeyReferences() {
    for (const TsigKeyReference& reference : tsig_key_references_) {
      if (config_.FindTsigKey(reference.key) == nullptr) {
        return Fails(reference.node, reference.user + " names TSIG key " +
                                         reference.key.ToText() +
                                         ", which tsig-keys does not define");
      }
    }
    return true;
  }

  bool Limits(const YAML::Node& node) {
    if (!node.IsMap()) return Fails(node, "limits must be a mapping");
    QueryLimits& l = config_.limits;
    ValidationLimits& v = config_.validation_limits;
    return ReadMap(node, {
        {"upstream-queries", UnsignedInto("limits.upstream-queries", 1, 10000, l.upstream_queries)},
        {"queries-per-name", UnsignedInto("limits.queries-per-name", 1, 10000, l.queries_per_name)},
        {"cname-hops", UnsignedInto("limits.cname-hops", 0, 100, l.cname_hops)},
        {"dependency-depth", UnsignedInto("limits.dependency-depth", 1, 100, l.dependency_depth)},
        {"referrals", UnsignedInto("limits.referrals", 1, 10000, l.referrals)},
        {"ns-per-delegation", UnsignedInto("limits.ns-per-delegation", 1, 100, l.ns_per_delegation)},
        {"ns-address-lookups", UnsignedInto("limits.ns-address-lookups", 0, 100, l.ns_address_lookups)},
        {"deadline-ms", UnsignedInto("limits.deadline-ms", 100, 600000, l.deadline_ms)},
        {"signature-checks", UnsignedInto("limits.signature-checks", 1, 10000, v.signature_checks)},
        {"signatures-per-rrset", UnsignedInto("limits.signatures-per-rrset", 1, 1000, v.signatures_per_rrset)},
        {"key-tag-collisions", UnsignedInto("limits.key-tag-collisions", 1, 100, v.key_tag_collisions)},
        {"nsec3-hashes", UnsignedInto("limits.nsec3-hashes", 1, 100000, v.nsec3_hashes)},
        {"nsec3-iterations", UnsignedInto("limits.nsec3-iterations", 0, 2500, v.nsec3_iterations)},
    });
  }

  std::map<std::string, Handler> TopLevelHandlers() {
    return {
        {"listen", Endpoints("listen", config_.listen)},
        {"workers", [this](const YAML::Node& n) { return Workers(n); }},
        {"root-hints", String("root-hints", config_.root_hints)},
        {"trust-anchors", Strings("trust-anchors", config_.trust_anchors)},
        {"legacy-trust-anchors", Strings("legacy-trust-anchors", config_.legacy_trust_anchors)},
        {"builtin-root-anchor", Bool("builtin-root-anchor", config_.builtin_root_anchor)},
        {"validation", Bool("validation", config_.validation)},
        {"negative-trust-anchors", [this](const YAML::Node& n) {
          return Sequence(n, "negative-trust-anchors", [this](const YAML::Node& e) {
            std::string text;
            if (!Scalar(e, "a negative trust anchor", text)) return false;
            auto name = dns::Name::FromText(text);
            if (!name) return Fails(e, "'" + text + "' is not a domain name");
            config_.negative_trust_anchors.push_back(*name);
            return true;
          });
        }},
        {"aggressive-nsec", Bool("aggressive-nsec", config_.aggressive_nsec)},
        {"bogus-ttl", UnsignedInto("bogus-ttl", 0, 300, config_.bogus_ttl)},
        {"allow-loopback-upstreams", Bool("allow-loopback-upstreams", config_.allow_loopback_upstreams)},
        {"do-ip4", AddressFamily("do-ip4", config_.do_ip4)},
        {"do-ip6", AddressFamily("do-ip6", config_.do_ip6)},
        {"outgoing-interface", Addresses("outgoing-interface", config_.outgoing_interfaces)},
        {"access-control", [this](const YAML::Node& n) { return AccessControl(n); }},
        {"cache", [this](const YAML::Node& n) { return Cache(n); }},
        {"metrics", [this](const YAML::Node& n) { return Metrics(n); }},
        {"control", [this](const YAML::Node& n) { return Control(n); }},
        {"forward-zones", [this](const YAML::Node& n) {
          return Sequence(n, "forward-zones", [this](const YAML::Node& e) {
            return ZoneEntryFrom(e, "forward-zones", "forward zone", "servers", &ForwardZone::servers,
                                 config_.forward_zones);
          });
        }},
        {"mirror-zones", [this](const YAML::Node& n) {
          return Sequence(n, "mirror-zones", [this](const YAML::Node& e) {
            return ZoneEntryFrom(e, "mirror-zones", "mirror zone", "primaries",
                                 &MirrorZoneConfig::primaries, config_.mirror_zones);
          });
        }},
        {"tsig-keys", [this](const YAML::Node& n) {
          return Sequence(n, "tsig-keys", [this](const YAML::Node& e) { return TsigKeyFrom(e); });
        }},
        {"qname-minimisation", OneOf<QnameMinimisation>("qname-minimisation", {
            {"off", QnameMinimisation::kOff}, {"relaxed", QnameMinimisation::kRelaxed},
            {"strict", QnameMinimisation::kStrict}}, config_.qname_minimisation)},
        {"edns-buffer-size", UnsignedInto("edns-buffer-size", 512, 4096, config_.edns_buffer_size)},
        {"minimal-responses", Bool("minimal-responses", config_.minimal_responses)},
        {"root-key-sentinel", Bool("root-key-sentinel", config_.root_key_sentinel)},
        {"checksum", Bool("checksum", config_.checksum)},
        {"checksum-option-code", UnsignedInto("checksum-option-code", 1, 65535, config_.checksum_option_code)},
        {"limits", [this](const YAML::Node& n) { return Limits(n); }},
        {"log-level", OneOf<LogLevel>("log-level", {
            {"error", LogLevel::kError}, {"warning", LogLevel::kWarning},
            {"info", LogLevel::kInfo}, {"debug", LogLevel::kDebug}}, config_.log_level)},
        {"log-queries", Bool("log-queries", config_.log_queries)},
        {"log-format", OneOf<LogFormat>("log-format", {
            {"text", LogFormat::kText}, {"json", LogFormat::kJson}}, config_.log_format)},
        {"user", String("user", config_.user)},
    };
  }

  std::string file_;
  bool is_file_ = false;
  bool warned_inline_secret_ = false;
  Config config_ = Config::Defaults();
  // Where a zone names a TSIG key, checked against tsig-keys once the file is read.
  struct TsigKeyReference {
    dns::Name key;
    YAML::Node node;
    std::string user;  // "forward zone NAME", "mirror zone NAME".
  };
  std::vector<TsigKeyReference> tsig_key_references_;
  std::optional<ConfigError> error_;
};

Result<Config, ConfigError> LoadText(std::string_view text, const std::string& display_name,
                                     bool is_file) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    return Unexpected(ConfigError{display_name, static_cast<size_t>(e.mark.line + 1), e.msg});
  }
  return Loader(display_name, is_file).Load(root);
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
