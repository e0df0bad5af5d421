// reload and SIGHUP (issue #16; docs/operations.md "Reloading"): re-reads the configuration
// file, the root hints and the trust anchor files, and applies them to the running daemon
// without a restart and without losing the cache where it is still valid. The same Reloader
// serves `redoubt-control reload` (control thread) and SIGHUP (main thread), one at a time.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "cache/lmdb_cache.h"
#include "net/base/result.h"
#include "resolver/control/control_reply.h"
#include "resolver/daemon/live_settings.h"
#include "resolver/daemon/reload_plan.h"
#include "resolver/daemon/worker.h"
#include "resolver/metrics/metrics_source.h"
#include "resolver/validator/runtime_negative_anchors.h"

namespace redoubt::resolver {

// What LoadLiveSettings found about the anchors, for the log.
struct AnchorCounts {
  size_t records = 0;      // DS and DNSKEY (the root's and trust-anchors files).
  size_t legacy_keys = 0;  // KEY records of legacy-trust-anchors files.
  std::string root_source = "none built in";  // ChooseRootAnchors' source with builtin-root-anchor.
  std::string root_warning;  // Why the distribution's root key file was passed over; empty: it was not.
};

// Loads `path` ("": the built-in defaults) and everything it names: the root hints and the
// trust anchor files, modern and legacy, with the root's anchors from ChooseRootAnchors() when
// builtin-root-anchor is on (so a reload also takes a distribution's updated root key file);
// builds the anchor store (configured negative anchors
// included, runtime ones not attached). The error is "file:line: reason" for the file at fault.
// Exceptions are not thrown (the loaders return errors).
Result<LiveSettings, std::string> LoadLiveSettings(const std::string& path, AnchorCounts* counts = nullptr);

// `settings` with its anchor store rebuilt from its static anchors, where the DS and DNSKEY
// records of each of `managed`'s zones are replaced by `managed`'s (RFC 5011 maintenance owns
// those zones' anchors). No runtime negative anchors are attached.
LiveSettings WithManagedAnchors(LiveSettings settings, const ManagedAnchors& managed);

// What a reload acts on; every pointer must outlive the Reloader. `cache` and
// `runtime_anchors` may be null (no cache; no runtime negative anchors); they are attached to
// every new anchor store whose file has validation on.
struct ReloadTargets {
  LiveState* live = nullptr;
  const std::vector<std::unique_ptr<Worker>>* workers = nullptr;
  cache::LmdbCache* cache = nullptr;
  const RuntimeNegativeAnchors* runtime_anchors = nullptr;
  std::function<void(const std::string&)> log;  // Warnings of the new file (never secrets).
  ReloadStats* stats = nullptr;  // Counted by result when set (redoubt_reloads_total).
  // The anchors RFC 5011 maintenance keeps now (unset: none), put into every reload's settings.
  std::function<ManagedAnchors()> managed_anchors;
};

class Reloader {
 public:
  explicit Reloader(ReloadTargets targets) : targets_(std::move(targets)) {}

  // Loads the live settings' file again and plans (reload_plan.h). A failed or refused plan
  // changes nothing: the reply is an error naming file:line or the settings that need a
  // restart. Otherwise: every worker swaps in an engine built from the new settings (queries
  // in flight finish on the old one), the new settings are published, the cache drops what the
  // changed forward zones and anchors make untrustworthy and records the new trust
  // fingerprint (again once the old engines' last queries have ended, at most the old
  // deadline-ms later, for what those queries cached), and the log options are applied. The reply's message says what changed and
  // what the cache lost. Thread-safe: concurrent calls run one after the other.
  ControlReply Reload();
  // The managed trust anchors changed (RFC 5011, anchor_refresher.h): the running settings with
  // `managed` in place of the old managed anchors are swapped in as by Reload() (engines, live
  // settings, the changed zones' cached answers dropped twice). The configuration is not read
  // again. Thread-safe, one at a time with Reload().
  ControlReply ApplyManagedAnchors(const ManagedAnchors& managed);

 private:
  struct SwitchResult {
    size_t silent = 0;   // Workers that did not confirm their engine swap.
    size_t dropped = 0;  // Cache entries dropped.
  };
  // Puts `next` in force in place of `running`: runtime negative anchors attached, engines
  // swapped, settings published, `invalidation`'s cached answers dropped (again after the old
  // engines' last queries).
  SwitchResult SwitchTo(const LiveSettings& running, LiveSettings next, const CacheInvalidation& invalidation);
  // Reload() under reloading_; `outcome` says how it ended.
  ControlReply ReloadLocked(ReloadOutcome& outcome);
  // Swaps every worker's engine; returns how many did not confirm within a few seconds.
  size_t SwapEngines(const LiveSettings& next);
  // Drops what `invalidation` names and records `next`'s fingerprint; returns entries dropped.
  size_t UpdateCache(const CacheInvalidation& invalidation, const LiveSettings& next);
  // Waits, `limit` at most, until no worker's old engine has a query in flight (Worker::
  // WhenDrained), so that what they cached under the old settings can be dropped too.
  void WaitForOldEngines(std::chrono::milliseconds limit);

  ReloadTargets targets_;
  std::mutex reloading_;
};

}  // namespace redoubt::resolver
