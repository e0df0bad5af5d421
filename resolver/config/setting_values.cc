#include "resolver/config/setting_values.h"

#include <algorithm>
#include <functional>
#include <vector>

namespace redoubt::resolver::setting_values {
namespace {

// `items` rendered by `text`, joined by ", "; "none" when there are none.
template <class T>
std::string Joined(const std::vector<T>& items, const std::function<std::string(const T&)>& text) {
  if (items.empty()) return "none";
  std::string out;
  for (const T& item : items) out += (out.empty() ? "" : ", ") + text(item);
  return out;
}

// "none", "1 zone", "2 zones".
std::string Count(size_t count, const std::string& thing) {
  if (count == 0) return "none";
  return std::to_string(count) + " " + thing + (count == 1 ? "" : "s");
}

template <class Zone, class Predicate>
std::string CountZones(const std::vector<Zone>& zones, Predicate has) {
  return Count(static_cast<size_t>(std::count_if(zones.begin(), zones.end(), has)), "zone");
}

bool SameKey(const TsigKeyConfig* a, const TsigKeyConfig* b) {
  if (a == nullptr || b == nullptr) return a == b;
  return a->algorithm == b->algorithm && a->mac_bits == b->mac_bits &&
         std::ranges::equal(a->secret.bytes(), b->secret.bytes());
}

}  // namespace

std::string ShowListen(const Config& config) {
  return Joined<Endpoint>(config.listen, [](const Endpoint& e) { return e.ToString(); });
}

std::string ShowWorkers(const Config& config) {
  return config.workers == 0 ? "auto" : std::to_string(config.workers);
}

std::string ShowNegativeTrustAnchors(const Config& config) {
  return Joined<dns::Name>(config.negative_trust_anchors, [](const dns::Name& n) { return n.ToText(); });
}

std::string ShowOutgoingInterfaces(const Config& config) {
  return Joined<IpAddress>(config.outgoing_interfaces, [](const IpAddress& a) { return a.ToString(); });
}

std::string ShowAccessAllow(const Config& config) {
  return Joined<Prefix>(config.access_allow, [](const Prefix& p) {
    return p.network.ToString() + "/" + std::to_string(p.length);
  });
}

std::string ShowForwardZones(const Config& config) {
  return Count(config.forward_zones.size(), "zone");
}

std::string ShowForwardZoneKeys(const Config& config) {
  return CountZones(config.forward_zones, [](const ForwardZone& z) { return z.tsig_key.has_value(); });
}

std::string ShowForwardZoneGss(const Config& config) {
  return CountZones(config.forward_zones, [](const ForwardZone& z) { return z.gss_tsig.has_value(); });
}

std::string ShowMirrorZones(const Config& config) { return Count(config.mirror_zones.size(), "zone"); }

std::string ShowTsigKeys(const Config& config) { return Count(config.tsig_keys.size(), "key"); }

std::string ShowMetricsListen(const Config& config) {
  return config.metrics_listen ? config.metrics_listen->ToString() : "none";
}

bool SameMirrorZones(const Config& a, const Config& b) {
  return std::ranges::equal(a.mirror_zones, b.mirror_zones, [](const MirrorZoneConfig& x, const MirrorZoneConfig& y) {
    return x.name == y.name && x.primaries == y.primaries && x.tsig_key == y.tsig_key;
  });
}

bool SameMirrorKeys(const Config& a, const Config& b) {
  for (const Config* config : {&a, &b}) {
    for (const MirrorZoneConfig& zone : config->mirror_zones) {
      if (zone.tsig_key && !SameKey(a.FindTsigKey(*zone.tsig_key), b.FindTsigKey(*zone.tsig_key))) {
        return false;
      }
    }
  }
  return true;
}

}  // namespace redoubt::resolver::setting_values
