#include "resolver/daemon/reload_plan.h"

#include <algorithm>
#include <map>
#include <set>
#include <span>

#include "crypto/digest.h"
#include "resolver/config/settings_table.h"
#include "net/dns/base_encoding.h"

namespace redoubt::resolver {
namespace {

const TsigKeyConfig* FindKey(const Config& config, const dns::Name& name) {
  for (const TsigKeyConfig& key : config.tsig_keys) {
    if (key.name == name) return &key;
  }
  return nullptr;
}

bool SameKey(const TsigKeyConfig* a, const TsigKeyConfig* b) {
  if (a == nullptr || b == nullptr) return a == b;
  auto sa = a->secret.bytes(), sb = b->secret.bytes();
  return a->algorithm == b->algorithm && a->mac_bits == b->mac_bits &&
         std::equal(sa.begin(), sa.end(), sb.begin(), sb.end());
}

// Where a forward zone's answers come from: equal sources, equally trustworthy answers.
struct ForwardSource {
  std::vector<Endpoint> servers;
  std::optional<dns::Name> tsig_key;
  std::optional<GssTsigConfig> gss_tsig;
  friend bool operator==(const ForwardSource&, const ForwardSource&) = default;
};

// Zones whose entry in `a` and `b` differ, or that only one of them has.
template <typename Map>
void AddDifferingZones(const Map& a, const Map& b, std::vector<dns::Name>& zones) {
  for (const auto& [zone, value] : a) {
    auto other = b.find(zone);
    if (other == b.end() || other->second != value) zones.push_back(*dns::Name::FromText(zone));
  }
  for (const auto& [zone, value] : b) {
    if (a.find(zone) == a.end()) zones.push_back(*dns::Name::FromText(zone));
  }
}

std::map<std::string, ForwardSource> ForwardZonesByName(const Config& config) {
  std::map<std::string, ForwardSource> zones;
  for (const ForwardZone& zone : config.forward_zones) {
    zones[zone.name.ToLower().ToText()] = ForwardSource{zone.servers, zone.tsig_key, zone.gss_tsig};
  }
  return zones;
}

// The anchor store's fingerprint lines ("zone FORM data"), grouped by zone; `negative` picks
// the NTA lines, otherwise the keys.
std::map<std::string, std::string> AnchorLinesByZone(const TrustAnchorStore& anchors, bool negative) {
  std::map<std::string, std::string> zones;
  std::string all = anchors.Fingerprint();
  size_t start = 0;
  while (start < all.size()) {
    size_t end = all.find('\n', start);
    if (end == std::string::npos) end = all.size();
    std::string line = all.substr(start, end - start);
    start = end + 1;
    size_t space = line.find(' ');
    if (space == std::string::npos) continue;
    bool is_negative = line.compare(space, std::string::npos, " NTA") == 0;
    if (is_negative == negative) zones[line.substr(0, space)] += line + "\n";
  }
  return zones;
}

std::string Join(const std::vector<std::string>& words) {
  std::string text;
  for (const std::string& word : words) text += (text.empty() ? "" : ", ") + word;
  return text;
}

const char kKept[] = "; the running configuration is kept";

}  // namespace

std::string TrustFingerprint(const Config& config, const TrustAnchorStore& anchors) {
  std::string text = anchors.Fingerprint() + (config.validation ? "validation on\n" : "validation off\n");
  for (const auto& zone : config.forward_zones) {
    text += "forward " + zone.name.ToLower().ToText();
    for (const auto& server : zone.servers) text += " " + server.ToString();
    if (zone.tsig_key) text += " key " + zone.tsig_key->ToLower().ToText();  // Signed links only.
    text += "\n";
  }
  std::span<const uint8_t> bytes(reinterpret_cast<const uint8_t*>(text.data()), text.size());
  auto digest = crypto::ComputeDigest(crypto::DigestAlgorithm::kSha256, {bytes});
  return digest ? dns::EncodeHex(digest->bytes()) : text;
}

CacheInvalidation CacheInvalidatedBy(const LiveSettings& running, const LiveSettings& next) {
  CacheInvalidation invalidation;
  if (running.config->validation != next.config->validation) {
    invalidation.everything = true;
    return invalidation;
  }
  std::vector<dns::Name> zones;
  AddDifferingZones(ForwardZonesByName(*running.config), ForwardZonesByName(*next.config), zones);
  for (bool negative : {false, true}) {
    AddDifferingZones(AnchorLinesByZone(*running.anchors, negative), AnchorLinesByZone(*next.anchors, negative), zones);
  }
  for (const dns::Name& zone : zones) {
    if (std::find(invalidation.subtrees.begin(), invalidation.subtrees.end(), zone) == invalidation.subtrees.end()) {
      invalidation.subtrees.push_back(zone);
    }
  }
  return invalidation;
}

std::vector<std::string> ChangedSettings(const LiveSettings& running, const LiveSettings& next) {
  const Config &a = *running.config, &b = *next.config;
  std::vector<std::string> changed;
  auto check = [&](bool same, const char* name) {
    if (!same) changed.emplace_back(name);
  };
  check(ForwardZonesByName(a) == ForwardZonesByName(b), "forward-zones");
  bool same_keys = a.tsig_keys.size() == b.tsig_keys.size();
  for (const TsigKeyConfig& key : a.tsig_keys) same_keys = same_keys && SameKey(&key, FindKey(b, key.name));
  check(same_keys, "tsig-keys");
  check(AnchorLinesByZone(*running.anchors, false) == AnchorLinesByZone(*next.anchors, false), "trust-anchors");
  check(AnchorLinesByZone(*running.anchors, true) == AnchorLinesByZone(*next.anchors, true), "negative-trust-anchors");
  check(a.validation == b.validation, "validation");
  check(a.root_hints == b.root_hints, "root-hints");
  check(a.log_level == b.log_level, "log-level");
  check(a.log_format == b.log_format, "log-format");
  check(a.log_queries == b.log_queries, "log-queries");
  return changed;
}

ReloadPlan PlanReload(const LiveSettings& running, const Result<LiveSettings, std::string>& next) {
  ReloadPlan plan;
  if (running.config_path.empty()) {
    plan.message = std::string("no configuration file to reload (redoubt was started on its built-in defaults, "
                               "without -c)") + kKept;
    return plan;
  }
  if (!next) {
    plan.message = "reload of " + running.config_path + " failed: " + next.error() + kKept;
    return plan;
  }
  std::vector<std::string> restart = SettingsNeedingRestart(*running.config, *next->config);
  if (!restart.empty()) {
    plan.outcome = ReloadOutcome::kRefused;
    plan.message = "reload of " + running.config_path + " refused: " + Join(restart) +
                   (restart.size() == 1 ? " changed and needs" : " changed and need") + " a restart" + kKept;
    return plan;
  }
  plan.outcome = ReloadOutcome::kApply;
  plan.changed = ChangedSettings(running, *next);
  plan.invalidation = CacheInvalidatedBy(running, *next);
  plan.message = "reloaded " + running.config_path + ": " +
                 (plan.changed.empty() ? std::string("no reloadable setting changed") : Join(plan.changed) + " changed");
  return plan;
}

std::string ReloadSummary(const ReloadPlan& plan, bool have_cache, size_t entries_dropped) {
  if (plan.outcome != ReloadOutcome::kApply) return plan.message;
  if (!have_cache) return plan.message + "; no answer cache";
  if (plan.invalidation.everything) {
    return plan.message + "; cache emptied (" + std::to_string(entries_dropped) +
           " entries dropped: validation was switched on or off)";
  }
  if (plan.invalidation.subtrees.empty()) return plan.message + "; cache kept";
  return plan.message + "; cache kept (" + std::to_string(entries_dropped) +
         " entries dropped: at or below the changed forward zones and trust anchors)";
}

}  // namespace redoubt::resolver
