// The loader's value readers (config_loader.h): the generic ones the settings table's simple
// rows use, and the custom ones of composite rows. Bounds and choices come from the table.
#include <algorithm>
#include <charconv>

#include "resolver/config/config_loader.h"

namespace redoubt::resolver {
namespace {

// The row `name` of the settings table; settings_table_test checks that every custom reader
// has one, so a missing row is a programming error caught there.
const SettingDefinition& Row(std::string_view name) {
  const SettingDefinition* setting = FindSetting(name);
  if (setting == nullptr) {
    static const SettingDefinition kMissing{.name = "?", .type = SettingType::kMapping};
    return kMissing;
  }
  return *setting;
}

}  // namespace

// Composite settings: lists of addresses, prefixes, names, zones and keys; `workers` (a number
// or auto), `do-ip4`/`do-ip6` (a bool with a cross-check), cache.max-size (units),
// metrics.listen (a port required) and control.socket (an absolute path or "").
std::map<std::string, ConfigLoader::Handler> ConfigLoader::CustomReaders() {
  auto member = [this](bool (ConfigLoader::*read)(const YAML::Node&)) -> Handler {
    return [this, read](const YAML::Node& node) { return (this->*read)(node); };
  };
  return {
      {"listen", Endpoints("listen", config_.listen)},
      {"workers", member(&ConfigLoader::Workers)},
      {"negative-trust-anchors", member(&ConfigLoader::NegativeTrustAnchors)},
      {"do-ip4", AddressFamily("do-ip4", config_.do_ip4)},
      {"do-ip6", AddressFamily("do-ip6", config_.do_ip6)},
      {"outgoing-interface", Addresses("outgoing-interface", config_.outgoing_interfaces)},
      {"access-control.allow", member(&ConfigLoader::AccessAllow)},
      {"cache.max-size", [this](const YAML::Node& node) {
        return Size(node, Row("cache.max-size"), config_.cache_max_size);
      }},
      {"cache.packet-cache-size", [this](const YAML::Node& node) {
        return Size(node, Row("cache.packet-cache-size"), config_.packet_cache_size);
      }},
      {"forward-zones", member(&ConfigLoader::ForwardZones)},
      {"mirror-zones", member(&ConfigLoader::MirrorZones)},
      {"tsig-keys", member(&ConfigLoader::TsigKeys)},
      {"metrics.listen", member(&ConfigLoader::MetricsListen)},
      {"control.socket", member(&ConfigLoader::ControlSocket)},
  };
}

bool ConfigLoader::Scalar(const YAML::Node& node, const std::string& what, std::string& out) {
  if (!node.IsScalar()) return Fails(node, what + " must be a single value");
  out = node.Scalar();
  return true;
}

bool ConfigLoader::Unsigned(const YAML::Node& node, const std::string& what, uint64_t max,
                            uint64_t& out) {
  std::string text;
  if (!Scalar(node, what, text)) return false;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  if (ec != std::errc() || end != text.data() + text.size() || out > max) {
    return Fails(node, what + " must be a whole number from 0 to " + std::to_string(max));
  }
  return true;
}

ConfigLoader::Handler ConfigLoader::UnsignedInto(const std::string& what, uint64_t min, uint64_t max,
                                                 std::function<void(uint64_t)> store) {
  return [this, what, min, max, store = std::move(store)](const YAML::Node& node) {
    uint64_t value = 0;
    if (!Unsigned(node, what, max, value)) return false;
    if (value < min) return Fails(node, what + " must be at least " + std::to_string(min));
    store(value);
    return true;
  };
}

ConfigLoader::Handler ConfigLoader::Bool(const std::string& what, bool& field) {
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
ConfigLoader::Handler ConfigLoader::AddressFamily(const std::string& what, bool& field) {
  return [this, what, &field](const YAML::Node& node) {
    if (!Bool(what, field)(node)) return false;
    if (config_.do_ip4 || config_.do_ip6) return true;
    return Fails(node, "do-ip4 and do-ip6 are both false: no address family is left to reach "
                       "authorities");
  };
}

// A word of the row's choices, such as qname-minimisation's modes.
ConfigLoader::Handler ConfigLoader::OneOf(const SettingDefinition& setting) {
  return [this, &setting](const YAML::Node& node) {
    std::string what(setting.name), text;
    if (!Scalar(node, what, text)) return false;
    auto word = std::find(setting.choices.begin(), setting.choices.end(), text);
    if (word == setting.choices.end()) return Fails(node, what + " must be " + Alternatives(setting.choices));
    setting.access.set_choice(config_, static_cast<size_t>(word - setting.choices.begin()));
    return true;
  };
}

ConfigLoader::Handler ConfigLoader::String(const std::string& what, std::string& field) {
  return [this, what, &field](const YAML::Node& node) {
    if (!Scalar(node, what, field)) return false;
    return !field.empty() || Fails(node, what + " must not be empty");
  };
}

ConfigLoader::Handler ConfigLoader::Strings(const std::string& what, std::vector<std::string>& field) {
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

// A sequence whose every element goes through `each`.
bool ConfigLoader::Sequence(const YAML::Node& node, const std::string& what,
                            const std::function<bool(const YAML::Node&)>& each) {
  if (!node.IsSequence()) return Fails(node, what + " must be a list");
  for (const auto& element : node) {
    if (!each(element)) return false;
  }
  return true;
}

bool ConfigLoader::EndpointFrom(const YAML::Node& node, const std::string& what, Endpoint& out) {
  std::string text;
  if (!Scalar(node, what, text)) return false;
  auto endpoint = Endpoint::Parse(text);
  if (!endpoint) return Fails(node, "'" + text + "' is not an address or address:port");
  out = *endpoint;
  return true;
}

ConfigLoader::Handler ConfigLoader::Endpoints(const std::string& what, std::vector<Endpoint>& field) {
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
ConfigLoader::Handler ConfigLoader::Addresses(const std::string& what, std::vector<IpAddress>& field) {
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

// A number in the row's bounds, or `auto` (0: one worker per core).
bool ConfigLoader::Workers(const YAML::Node& node) {
  if (node.IsScalar() && node.Scalar() == "auto") {
    config_.workers = 0;
    return true;
  }
  const SettingDefinition& row = Row("workers");
  return UnsignedInto("workers", row.min, row.max,
                      [this](uint64_t value) { config_.workers = static_cast<unsigned>(value); })(node);
}

bool ConfigLoader::NegativeTrustAnchors(const YAML::Node& node) {
  return Sequence(node, "negative-trust-anchors", [this](const YAML::Node& element) {
    std::string text;
    if (!Scalar(element, "a negative trust anchor", text)) return false;
    auto name = dns::Name::FromText(text);
    if (!name) return Fails(element, "'" + text + "' is not a domain name");
    config_.negative_trust_anchors.push_back(*name);
    return true;
  });
}

bool ConfigLoader::AccessAllow(const YAML::Node& node) {
  config_.access_allow.clear();
  return Sequence(node, "access-control.allow", [&](const YAML::Node& element) {
    std::string text;
    if (!Scalar(element, "an access-control prefix", text)) return false;
    auto prefix = Prefix::Parse(text);
    if (!prefix) return Fails(element, "'" + text + "' is not an address prefix (such as "
                                       "192.0.2.0/24) with no bits set past its length");
    config_.access_allow.push_back(*prefix);
    return true;
  });
}

// Bytes, or a number with K, M or G (powers of 1024), from the row's min to its max in bytes.
bool ConfigLoader::Size(const YAML::Node& node, const SettingDefinition& setting, uint64_t& out) {
  std::string what(setting.name), text;
  if (!Scalar(node, what, text)) return false;
  uint64_t unit = 1;
  if (!text.empty() && std::string_view("KMG").find(text.back()) != std::string_view::npos) {
    unit = text.back() == 'K' ? 1ull << 10 : text.back() == 'M' ? 1ull << 20 : 1ull << 30;
    text.pop_back();
  }
  uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || (value == 0 && setting.min > 0) ||
      value > setting.max / unit || value * unit < setting.min) {
    return Fails(node, what + " must be a size such as 512M, 2G or 1048576");
  }
  out = value * unit;
  return true;
}

// metrics.listen: ADDRESS:PORT, the port written out (no default: 53 is the resolver's).
bool ConfigLoader::MetricsListen(const YAML::Node& node) {
  Endpoint endpoint;
  if (!EndpointFrom(node, "metrics.listen", endpoint)) return false;
  if (Endpoint::Parse(node.Scalar(), 0)->port != Endpoint::Parse(node.Scalar(), 1)->port) {
    return Fails(node, "metrics.listen needs a port, such as 127.0.0.1:9153");
  }
  config_.metrics_listen = endpoint;
  return true;
}

// control.socket: the control channel's Unix socket (docs/control.md); "" turns it off.
bool ConfigLoader::ControlSocket(const YAML::Node& node) {
  std::string path;
  if (!Scalar(node, "control.socket", path)) return false;
  if (!path.empty() && path.front() != '/') {
    return Fails(node, "control.socket must be an absolute path, or \"\" for none");
  }
  config_.control_socket = path;
  config_.control_socket_configured = true;
  return true;
}

}  // namespace redoubt::resolver
