// What a reload does (issue #16; docs/operations.md "Reloading"), decided by pure functions over
// the running and the newly loaded settings, so that every case is tested without a daemon:
// apply, refuse (a setting that only a restart can change: SettingsNeedingRestart of
// resolver/config/settings_table.h, the one copy of that rule), or fail (no file, or a file with
// an error). Nothing here touches the workers or the cache; resolver/daemon/reloader.h acts on the
// plan.
#pragma once

#include <string>
#include <vector>

#include "net/base/result.h"
#include "net/dns/name.h"
#include "resolver/config/config.h"
#include "resolver/daemon/live_settings.h"
#include "resolver/validator/trust_anchor_store.h"

namespace redoubt::resolver {

// What cached statuses depend on, as a SHA-256 in hex: the anchors and negative anchors, the
// forward zones (they change where answers come from) and whether validation is on. The cache
// records it (cache::LmdbCache::AdoptTrustFingerprint).
std::string TrustFingerprint(const Config& config, const TrustAnchorStore& anchors);

// The cached answers a reload makes untrustworthy: everything when validation was switched on
// or off; otherwise the subtrees of the forward zones added, removed or changed (servers,
// signing) and of the zones whose trust anchors or configured negative anchors changed
// (RFC 4035 section 4.3: only names at or below an anchor's zone are validated from it).
struct CacheInvalidation {
  bool everything = false;
  std::vector<dns::Name> subtrees;  // Each zone once, in no particular order.
};
CacheInvalidation CacheInvalidatedBy(const LiveSettings& running, const LiveSettings& next);

// The reloadable groups of settings that differ, by their configuration names, from this list
// and in its order: forward-zones, tsig-keys, trust-anchors (trust-anchors, builtin-root-anchor,
// legacy-trust-anchors and the files' contents), negative-trust-anchors, validation,
// root-hints (the file's name or contents), log-level, log-format, log-queries. Other settings
// are applied too but not named.
std::vector<std::string> ChangedSettings(const LiveSettings& running, const LiveSettings& next);

enum class ReloadOutcome : uint8_t {
  kApply,    // Swap in `next`.
  kRefused,  // A setting needs a restart: nothing changes.
  kFailed,   // No configuration file, or it (or a file it names) has an error: nothing changes.
};

struct ReloadPlan {
  ReloadOutcome outcome = ReloadOutcome::kFailed;
  // kRefused and kFailed: the sentence for the operator, ending "; the running configuration
  // is kept". kApply: "reloaded PATH: X, Y changed" (or "no reloadable setting changed").
  std::string message;
  std::vector<std::string> changed;  // kApply: ChangedSettings.
  CacheInvalidation invalidation;    // kApply: what to drop from the cache.
};

// `running`: the settings in force (config_path "" when started on built-in defaults). `next`:
// what loading running.config_path again gave, or its error (file:line: reason). Total.
ReloadPlan PlanReload(const LiveSettings& running, const Result<LiveSettings, std::string>& next);

// The reload's result as it is logged and replied: `plan`'s message, and for an applied plan
// the cache's fate: "; cache kept (N entries dropped: ...)" or "; no answer cache".
std::string ReloadSummary(const ReloadPlan& plan, bool have_cache, size_t entries_dropped);

}  // namespace redoubt::resolver
