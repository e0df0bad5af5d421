#include "resolver/daemon/reloader.h"

#include <algorithm>
#include <chrono>
#include <exception>
#include <future>
#include <optional>

#include "resolver/daemon/log.h"
#include "resolver/daemon/root_hints.h"
#include "resolver/daemon/trust_anchors.h"

namespace redoubt::resolver {

Result<LiveSettings, std::string> LoadLiveSettings(const std::string& path, AnchorCounts* counts) {
  auto config = path.empty() ? Config::Defaults() : LoadConfigFile(path);
  if (!config) return Unexpected(config.error().ToString());
  auto hints = LoadRootHints(config->root_hints);
  if (!hints) return Unexpected(hints.error().ToString());
  std::optional<RootAnchorChoice> root;  // builtin-root-anchor: the distribution's or ours.
  if (config->builtin_root_anchor) root = ChooseRootAnchors();
  auto anchors = LoadTrustAnchors(config->trust_anchors, root ? &*root : nullptr);
  if (!anchors) return Unexpected(anchors.error().ToString());
  auto legacy = LoadLegacyTrustAnchors(config->legacy_trust_anchors);
  if (!legacy) return Unexpected(legacy.error().ToString());
  if (counts != nullptr) {
    counts->records = anchors->size();
    counts->legacy_keys = legacy->size();
    if (root) {
      counts->root_source = root->source;
      counts->root_warning = root->warning;
    }
  }
  anchors->insert(anchors->end(), legacy->begin(), legacy->end());
  LiveSettings settings;
  settings.config_path = path;
  settings.anchors = std::make_shared<const TrustAnchorStore>(*anchors, config->negative_trust_anchors);
  settings.static_anchors = std::make_shared<const std::vector<dns::Record>>(std::move(*anchors));
  settings.root_hints = std::make_shared<const Delegation>(std::move(*hints));
  settings.config = std::make_shared<const Config>(std::move(*config));
  return settings;
}

LiveSettings WithManagedAnchors(LiveSettings settings, const ManagedAnchors& managed) {
  std::vector<dns::Record> records;
  if (settings.static_anchors) {
    for (const dns::Record& record : *settings.static_anchors) {
      bool modern = record.type == dns::RrType::DS || record.type == dns::RrType::DNSKEY;
      bool replaced = modern && std::find(managed.zones.begin(), managed.zones.end(), record.owner) != managed.zones.end();
      if (!replaced) records.push_back(record);
    }
  }
  records.insert(records.end(), managed.records.begin(), managed.records.end());
  settings.anchors = std::make_shared<const TrustAnchorStore>(records, settings.config->negative_trust_anchors);
  return settings;
}

ControlReply Reloader::Reload() {
  std::lock_guard lock(reloading_);
  ReloadOutcome outcome = ReloadOutcome::kFailed;
  ControlReply reply = ReloadLocked(outcome);
  if (targets_.stats != nullptr) {
    ReloadStats& stats = *targets_.stats;
    ++(outcome == ReloadOutcome::kApply ? stats.ok : outcome == ReloadOutcome::kRefused ? stats.refused : stats.failed);
  }
  return reply;
}

ControlReply Reloader::ReloadLocked(ReloadOutcome& outcome) {
  LiveSettings running = targets_.live->Snapshot();
  Result<LiveSettings, std::string> next = Unexpected(std::string("no file"));
  if (!running.config_path.empty()) {
    // The loaders return their errors; this catch is for what they do not expect (a YAML
    // library exception, memory), which must not end a running daemon.
    try {
      AnchorCounts found;
      next = LoadLiveSettings(running.config_path, &found);
      if (next && !found.root_warning.empty() && targets_.log) targets_.log(found.root_warning);
    } catch (const std::exception& e) {
      next = Unexpected(running.config_path + ": " + e.what());
    }
  }
  if (next && targets_.managed_anchors) next = WithManagedAnchors(std::move(*next), targets_.managed_anchors());
  ReloadPlan plan = PlanReload(running, next);
  outcome = plan.outcome;
  if (plan.outcome != ReloadOutcome::kApply) return ControlReply::Error(plan.message);
  if (targets_.log) {
    for (const std::string& warning : next->config->warnings) targets_.log("warning: " + warning);
  }
  SwitchResult done = SwitchTo(running, *next, plan.invalidation);
  SetLogOptions(next->config->log_format, next->config->log_level);
  ControlReply reply;
  reply.message = ReloadSummary(plan, targets_.cache != nullptr, done.dropped);
  if (done.silent > 0) reply.message += "; " + std::to_string(done.silent) + " workers did not confirm the swap";
  std::string changed;
  for (const std::string& setting : plan.changed) changed += (changed.empty() ? "" : ",") + setting;
  reply.items.push_back({{"file", running.config_path},
                         {"changed", changed},
                         {"cache_entries_dropped", static_cast<uint64_t>(done.dropped)}});
  return reply;
}

ControlReply Reloader::ApplyManagedAnchors(const ManagedAnchors& managed) {
  std::lock_guard lock(reloading_);
  LiveSettings running = targets_.live->Snapshot();
  LiveSettings next = WithManagedAnchors(running, managed);
  CacheInvalidation invalidation = CacheInvalidatedBy(running, next);
  SwitchResult done = SwitchTo(running, next, invalidation);
  std::string zones;
  for (const dns::Name& zone : invalidation.subtrees) zones += (zones.empty() ? "" : " ") + zone.ToText();
  ControlReply reply;
  reply.message = "managed trust anchors swapped in (changed: " + (zones.empty() ? std::string("none") : zones) + "); " +
                  (targets_.cache == nullptr ? std::string("no answer cache")
                                             : std::to_string(done.dropped) + " cache entries dropped below them");
  if (done.silent > 0) reply.message += "; " + std::to_string(done.silent) + " workers did not confirm the swap";
  return reply;
}

Reloader::SwitchResult Reloader::SwitchTo(const LiveSettings& running, LiveSettings next,
                                          const CacheInvalidation& invalidation) {
  if (next.config->validation && targets_.runtime_anchors != nullptr) {
    // The same runtime negative anchors (nta-add) apply under the new store.
    auto anchors = std::make_shared<TrustAnchorStore>(*next.anchors);
    anchors->AttachRuntimeNegativeAnchors(targets_.runtime_anchors);
    next.anchors = std::move(anchors);
  }
  SwitchResult done;
  done.silent = SwapEngines(next);
  targets_.live->Replace(next);
  done.dropped = UpdateCache(invalidation, next);
  if (invalidation.everything || !invalidation.subtrees.empty()) {
    WaitForOldEngines(std::chrono::milliseconds(running.config->limits.deadline_ms + 1000));
    done.dropped += UpdateCache(invalidation, next);  // What queries under the old ones cached.
  }
  return done;
}

size_t Reloader::SwapEngines(const LiveSettings& next) {
  std::vector<std::future<void>> swaps;
  for (const auto& worker : *targets_.workers) swaps.push_back(worker->SwapEngine(next.config, next.anchors, *next.root_hints));
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  size_t silent = 0;
  for (auto& swap : swaps) {
    if (swap.wait_until(deadline) != std::future_status::ready) {
      ++silent;  // Its swap is still queued and happens when the loop gets to it.
      continue;
    }
    try {
      swap.get();
    } catch (const std::future_error&) {  // The worker stopped first.
      ++silent;
    }
  }
  return silent;
}

void Reloader::WaitForOldEngines(std::chrono::milliseconds limit) {
  std::vector<std::future<void>> drained;
  for (const auto& worker : *targets_.workers) drained.push_back(worker->WhenDrained());
  auto deadline = std::chrono::steady_clock::now() + limit;
  // A worker that stopped breaks its promise, which counts as drained.
  for (auto& worker_drained : drained) (void)worker_drained.wait_until(deadline);
}

size_t Reloader::UpdateCache(const CacheInvalidation& invalidation, const LiveSettings& next) {
  if (targets_.cache == nullptr) return 0;
  size_t dropped = 0;
  if (invalidation.everything) {
    dropped = targets_.cache->FlushAll();
  } else {
    for (const dns::Name& zone : invalidation.subtrees) dropped += targets_.cache->FlushSubtree(zone);
  }
  targets_.cache->RecordTrustFingerprint(TrustFingerprint(*next.config, *next.anchors));
  return dropped;
}

}  // namespace redoubt::resolver
