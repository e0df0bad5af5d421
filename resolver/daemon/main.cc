// redoubt: the daemon. Loads the configuration (built-in defaults when no file is given), starts
// one worker per core, switches to `user:` when started as root, tells systemd it is ready
// (sd_notify), serves until SIGTERM or SIGINT, then stops cleanly. Logs go to stderr, as text or
// JSON lines (resolver/daemon/log.h). Running as a service: docs/operations.md.
#include <CLI/CLI.hpp>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <thread>

#include "resolver/config/config.h"
#include "resolver/config/settings_table.h"
#include "resolver/daemon/anchor_maintainer.h"
#include "resolver/daemon/anchor_refresher.h"
#include "resolver/daemon/control_service.h"
#include "resolver/daemon/log.h"
#include "resolver/daemon/managed_anchor_file.h"
#include "resolver/daemon/metrics_endpoint.h"
#include "resolver/daemon/negative_anchor_file.h"
#include "resolver/daemon/reloader.h"
#include "resolver/daemon/service.h"
#include "resolver/daemon/shutdown_report.h"
#include "resolver/daemon/root_hints.h"
#include "resolver/daemon/trust_anchors.h"
#include "resolver/daemon/worker.h"
#include "resolver/mirror/mirror_service.h"
#include "resolver/mirror/notify.h"

namespace {

using redoubt::resolver::Config;

using redoubt::resolver::LogAt;  // Lines above `log-level` are left out; errors always print.

void Log(const std::string& line) { LogAt(redoubt::resolver::LogLevel::kInfo, line); }
void LogError(const std::string& line) { LogAt(redoubt::resolver::LogLevel::kError, line); }
void LogWarning(const std::string& line) { LogAt(redoubt::resolver::LogLevel::kWarning, line); }

// The loader's warnings (unwise but legal settings, such as TSIG secrets others may read). They
// name keys and files, never secrets. --check-config prints them whatever the log level.
void LogConfigWarnings(const Config& config, bool always) {
  for (const std::string& warning : config.warnings) {
    LogAt(always ? redoubt::resolver::LogLevel::kError : redoubt::resolver::LogLevel::kWarning,
          "warning: " + warning);
  }
}

// tsig-keys (RFC 8945): how many, and how many forward zones sign with them. Names only.
void LogTsigKeys(const Config& config) {
  if (config.tsig_keys.empty()) return;
  size_t zones = 0;
  for (const auto& zone : config.forward_zones) zones += zone.tsig_key.has_value();
  Log("TSIG keys: " + std::to_string(config.tsig_keys.size()) + " loaded and checked, named by " +
      std::to_string(zones) + " forward zone(s): queries to those zones' servers are signed");
}

unsigned WorkerCount(const Config& config) {
  if (config.workers != 0) return config.workers;
  unsigned cores = std::thread::hardware_concurrency();
  return cores == 0 ? 1 : cores;
}

// The metrics endpoint (docs/metrics.md) over the workers' counters, the cache's and the
// mirrors'. Readiness: every worker started (they are, once here) and no signal received yet.
redoubt::Result<std::unique_ptr<redoubt::resolver::MetricsEndpoint>, std::string> StartMetrics(
    const redoubt::resolver::Config& config, const std::vector<std::unique_ptr<redoubt::resolver::Worker>>& workers,
    redoubt::cache::LmdbCache* cache, const redoubt::resolver::MirrorSet* mirrors,
    const redoubt::resolver::MirrorService* mirror_service, const redoubt::resolver::ReloadStats* reloads,
    const redoubt::resolver::AnchorRefreshStats* anchor_refreshes, const std::atomic<bool>& stopping) {
  redoubt::resolver::MetricsSources sources;
  for (const auto& w : workers) sources.workers.push_back(redoubt::resolver::CountersOf(w->stats()));
  if (cache != nullptr) {
    sources.cache = &cache->stats();
    sources.cache_size = redoubt::resolver::CacheSizeReader(*cache);
  }
  if (mirror_service != nullptr) sources.mirror = &mirror_service->stats();
  sources.reloads = reloads;
  sources.anchor_refreshes = anchor_refreshes;
  sources.start_time_seconds = static_cast<double>(redoubt::RealClock().WallSeconds());
  size_t worker_count = workers.size(), mirror_zones = config.mirror_zones.size();
  auto readiness = [worker_count, mirror_zones, mirrors, &stopping] {
    redoubt::resolver::ReadinessFacts facts;
    facts.workers = worker_count;
    facts.workers_listening = worker_count;
    facts.stopping = stopping.load();
    facts.mirror_zones = mirror_zones;
    if (mirrors != nullptr) {
      for (const auto& zone : mirrors->zones()) facts.mirror_copies += mirrors->Find(zone) != nullptr ? 1 : 0;
    }
    return facts;
  };
  return redoubt::resolver::MetricsEndpoint::Start(*config.metrics_listen, std::move(sources), readiness);
}

// The control channel (docs/control.md) on config.control_socket. The default path's directory
// (/run/redoubt) is created when missing; when the default cannot be used (no permission, or
// another daemon holds it) the daemon goes on without a control channel and says why. A path
// written in the configuration must work. No server: no channel (the service is always there:
// it also ends runtime negative trust anchors).
struct ControlChannel {
  std::unique_ptr<redoubt::resolver::ControlService> service;
  std::unique_ptr<redoubt::io::UnixCommandServer> server;
};

redoubt::Result<ControlChannel, std::string> StartControl(const Config& config,
                                                          redoubt::resolver::ControlTargets targets) {
  ControlChannel channel;
  channel.service = std::make_unique<redoubt::resolver::ControlService>(std::move(targets));
  if (config.control_socket.empty()) return channel;  // The service still expires NTAs.
  if (!config.control_socket_configured) {
    std::string directory = config.control_socket.substr(0, config.control_socket.rfind('/'));
    mkdir(directory.c_str(), 0755);  // Fails harmlessly when it exists; Start() names other failures.
  }
  auto* service = channel.service.get();
  auto started = redoubt::io::UnixCommandServer::Start(
      config.control_socket,
      [service](std::string_view line, const redoubt::io::CommandPeer& peer) { return service->Answer(line, peer); });
  if (!started) {
    if (config.control_socket_configured) return redoubt::Unexpected(started.error());
    LogAt(redoubt::resolver::LogLevel::kWarning,
          "warning: " + started.error() + "; going on without a control channel (set control.socket)");
    return channel;
  }
  channel.server = std::move(*started);
  return channel;
}

// What the control channel acts on (resolver/daemon/control_service.h).
redoubt::resolver::ControlTargets ControlTargetsFor(const redoubt::resolver::LiveState& live,
                                                   const std::vector<std::unique_ptr<redoubt::resolver::Worker>>& workers,
                                                   redoubt::cache::LmdbCache* cache,
                                                   redoubt::resolver::MirrorService* mirror_service,
                                                   redoubt::resolver::RuntimeNegativeAnchors* negative_anchors,
                                                   const std::string& negative_anchor_state) {
  redoubt::resolver::ControlTargets control_targets;
  control_targets.negative_anchors = negative_anchors;
  control_targets.negative_anchor_state = negative_anchor_state;
  control_targets.live = &live;
  control_targets.workers = &workers;
  control_targets.cache = cache;
  control_targets.mirror_service = mirror_service;
  for (const auto& w : workers) control_targets.metrics.workers.push_back(redoubt::resolver::CountersOf(w->stats()));
  if (cache) {
    control_targets.metrics.cache = &cache->stats();
    control_targets.metrics.cache_size = redoubt::resolver::CacheSizeReader(*cache);
  }
  if (mirror_service) control_targets.metrics.mirror = &mirror_service->stats();
  static const redoubt::RealClock wall_clock;
  control_targets.start_time_seconds = wall_clock.WallSeconds();
  control_targets.metrics.start_time_seconds = static_cast<double>(control_targets.start_time_seconds);
  control_targets.now_seconds = [] { return wall_clock.WallSeconds(); };
  control_targets.log = Log;
  return control_targets;
}

// Negative trust anchors added at run time (nta-add) are kept in <cache directory>/negative-
// anchors across restarts; those whose lifetime ended while the daemon was down are dropped
// here and what was cached below them is flushed. Returns the state file's path ("": none kept,
// as without a cache or with validation off).
std::string LoadRuntimeNegativeAnchors(const Config& config, redoubt::resolver::RuntimeNegativeAnchors& anchors,
                                       redoubt::cache::LmdbCache* cache) {
  if (!config.validation || cache == nullptr) return "";
  std::string path = config.cache_directory + "/negative-anchors";
  if (auto loaded = redoubt::resolver::LoadNegativeAnchorFile(path, anchors); !loaded) {
    LogAt(redoubt::resolver::LogLevel::kWarning, "warning: " + loaded.error() + "; starting without runtime negative trust anchors");
    return path;
  }
  std::vector<redoubt::dns::Name> expired = anchors.TakeExpired();
  for (const redoubt::dns::Name& zone : expired) cache->FlushSubtree(zone);
  if (!expired.empty()) (void)redoubt::resolver::SaveNegativeAnchorFile(path, anchors);
  if (size_t live = anchors.List().size(); live > 0) {
    Log(std::to_string(live) + " negative trust anchors added with nta-add are still in force (redoubt-control nta list)");
  }
  return path;
}

// A reload (SIGHUP or redoubt-control reload) framed for systemd: RELOADING=1 before, READY=1
// with the outcome as STATUS after (sd_notify; nothing without a notify socket).
redoubt::resolver::ControlReply ReloadFramed(redoubt::resolver::Reloader& reloader) {
  redoubt::resolver::NotifyReloading();
  redoubt::resolver::ControlReply reloaded = reloader.Reload();
  redoubt::resolver::NotifyReloaded((reloaded.ok ? "" : "reload refused: ") + reloaded.message);
  return reloaded;
}

// Waits for SIGTERM or SIGINT and returns it. Meanwhile, every second, ends the runtime negative
// trust anchors whose lifetime is over and ticks the RFC 5011 refresher (null: no managed
// anchors); SIGHUP reloads, as `redoubt-control reload` does.
int WaitForTermination(const sigset_t& signals, redoubt::resolver::ControlService& service,
                       redoubt::resolver::Reloader& reloader, redoubt::resolver::AnchorRefresher* refresher) {
  const timespec second{1, 0};
  while (true) {
    int received = sigtimedwait(&signals, nullptr, &second);
    if (received == SIGTERM || received == SIGINT) return received;
    if (received == SIGHUP) {
      redoubt::resolver::ControlReply reloaded = ReloadFramed(reloader);
      if (reloaded.ok) {
        Log("SIGHUP: " + reloaded.message);
      } else {
        LogAt(redoubt::resolver::LogLevel::kWarning, "warning: SIGHUP: " + reloaded.message);
      }
    }
    service.ExpireNegativeAnchors();
    if (refresher != nullptr) refresher->Tick(redoubt::RealClock().WallSeconds());
  }
}

// managed-trust-anchors (RFC 5011): the maintained trust points, whose anchors replace the
// others of their zones in `settings`. Null without managed files; the error names the file.
redoubt::Result<std::unique_ptr<redoubt::resolver::AnchorMaintainer>, std::string> LoadManagedAnchors(
    redoubt::resolver::LiveSettings& settings) {
  const Config& config = *settings.config;
  if (config.managed_trust_anchors.empty()) return std::unique_ptr<redoubt::resolver::AnchorMaintainer>();
  std::vector<std::string> dropped;
  auto maintainer = redoubt::resolver::AnchorMaintainer::Load(
      config.managed_trust_anchors, redoubt::RealClock().WallSeconds(), config.validation_limits, &dropped);
  if (!maintainer) return maintainer;
  for (const std::string& line : dropped) LogWarning("warning: " + line);
  redoubt::resolver::ManagedAnchors anchors = (*maintainer)->Anchors();
  settings = redoubt::resolver::WithManagedAnchors(std::move(settings), anchors);
  std::string zones;
  for (const auto& zone : anchors.zones) zones += " " + zone.ToText();
  std::string states;
  for (const std::string& file : config.managed_trust_anchors) {
    states += (states.empty() ? "" : ", ") + redoubt::resolver::ManagedStatePath(file);
  }
  Log("managed trust anchors (RFC 5011) for" + zones + ": " + std::to_string(anchors.records.size()) +
      " trusted records; state in " + states);
  return maintainer;
}

// The RFC 5011 refresher over `maintainer` (null: none): fetches spread over the workers, key
// changes swapped in through the reloader, counted in `stats`.
std::unique_ptr<redoubt::resolver::AnchorRefresher> StartAnchorRefresher(
    redoubt::resolver::AnchorMaintainer* maintainer, const std::vector<std::unique_ptr<redoubt::resolver::Worker>>& workers,
    redoubt::resolver::Reloader& reloader, redoubt::resolver::AnchorRefreshStats* stats) {
  if (maintainer == nullptr) return nullptr;
  redoubt::resolver::RefresherTargets targets;
  targets.maintainer = maintainer;
  targets.fetch = [&workers, next = size_t{0}](redoubt::dns::Question question) mutable {
    return workers[next++ % workers.size()]->Fetch(std::move(question));
  };
  targets.apply = [&reloader](const redoubt::resolver::ManagedAnchors& anchors) {
    Log(reloader.ApplyManagedAnchors(anchors).message);
  };
  targets.info = Log;
  targets.warning = LogWarning;
  targets.stats = stats;
  return std::make_unique<redoubt::resolver::AnchorRefresher>(std::move(targets));
}

// The mirror service (resolver/mirror): its own thread, started before the workers so that
// stored copies answer from the first query. Copies live in <cache directory>/mirrors.
redoubt::Result<void, std::string> StartMirrors(const redoubt::resolver::Config& config, const redoubt::Clock& clock,
                                                std::unique_ptr<redoubt::resolver::MirrorSet>& mirrors,
                                                std::unique_ptr<redoubt::resolver::MirrorService>& service) {
  std::vector<redoubt::dns::Name> names;
  for (const auto& zone : config.mirror_zones) names.push_back(zone.name);
  mirrors = std::make_unique<redoubt::resolver::MirrorSet>(names);
  redoubt::resolver::MirrorServiceOptions options;
  options.zones = config.mirror_zones;
  options.keys = redoubt::resolver::TsigKeysFrom(config);
  options.directory = config.cache_directory + "/mirrors";
  options.log = Log;
  service = std::make_unique<redoubt::resolver::MirrorService>(*mirrors, std::move(options), clock);
  return service->Start();
}

// NOTIFY from the mirrored zones' primaries (resolver/mirror/notify.h): a refresh now.
redoubt::resolver::NotifyHandler MirrorNotifyHandler(const redoubt::resolver::Config& config,
                                                     const redoubt::Clock& clock,
                                                     redoubt::resolver::MirrorService& service) {
  auto keys = std::make_shared<std::vector<redoubt::crypto::TsigKey>>(redoubt::resolver::TsigKeysFrom(config));
  return [&service, &clock, zones = config.mirror_zones, keys](std::span<const uint8_t> request,
                                                               const redoubt::IpAddress& source) {
    redoubt::resolver::NotifyVerdict verdict = redoubt::resolver::JudgeNotify(
        request, source, zones, *keys, static_cast<uint64_t>(clock.WallSeconds()));
    if (verdict.refresh) service.RefreshNow(*verdict.refresh);
    if (!verdict.why.empty()) Log(verdict.why);
    return std::move(verdict.reply);
  };
}

// The LMDB answer cache, its entries checked against the current trust fingerprint.
redoubt::Result<std::unique_ptr<redoubt::cache::LmdbCache>, std::string> OpenCache(
    const redoubt::resolver::Config& config, const redoubt::resolver::TrustAnchorStore& anchor_store) {
  redoubt::cache::CacheOptions options;
  options.directory = config.cache_directory;
  options.max_size = config.cache_max_size;
  auto opened = redoubt::cache::LmdbCache::Open(options, Log);
  if (!opened) return redoubt::Unexpected(opened.error());
  std::unique_ptr<redoubt::cache::LmdbCache> cache = std::move(*opened);
  size_t dropped = cache->AdoptTrustFingerprint(redoubt::resolver::TrustFingerprint(config, anchor_store));
  if (dropped > 0) {
    Log("cache: trust anchors, negative trust anchors, forward zones or validation changed; "
        "dropped " + std::to_string(dropped) + " entries validated under the old ones");
  }
  Log("cache " + config.cache_directory + ": " + std::to_string(cache->EntryCount()) + " entries, at most " +
      std::to_string(config.cache_max_size >> 20) + " MiB");
  return cache;
}

// Before a switch to `user:`: the cache directory must stay writable by that user, and the
// storage is opened with its IDs so that new files belong to it (service.h).
redoubt::Result<void, std::string> OpenStorageAs(const redoubt::resolver::Config& config,
                                                 const redoubt::resolver::UserAccount& account,
                                                 const std::function<redoubt::Result<void, std::string>()>& open) {
  if (config.cache_enabled || !config.mirror_zones.empty()) {
    auto writable = redoubt::resolver::CheckCacheWritable(config.cache_directory, account);
    if (!writable) return writable;
  }
  auto opened = redoubt::resolver::RunAsUser(account, open);
  if (!opened) {
    return redoubt::Unexpected(opened.error() + " (opened as user '" + account.name +
                               "', which redoubt switches to: user:)");
  }
  return {};
}

// The signals the main thread waits for (WaitForTermination), blocked in every thread so that
// the workers started after this never take them; SIGPIPE is ignored (a client that went away).
sigset_t BlockTerminationSignals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);
  return signals;
}

void LogValidationState(const Config& config, const redoubt::resolver::AnchorCounts& counts) {
  Log(config.validation
          ? "DNSSEC validation on: " + std::to_string(counts.records) + " trust anchor records (root: " +
                counts.root_source + "), " + std::to_string(counts.legacy_keys) +
                " legacy (RFC 2065) trust anchor KEYs, " + std::to_string(config.negative_trust_anchors.size()) +
                " negative trust anchors"
          : std::string("DNSSEC validation off (validation: false)"));
}

// Starts WorkerCount(config) workers on `settings`; on a failure, stops those already started
// and returns the error (naming the address that could not be listened on).
redoubt::Result<std::vector<std::unique_ptr<redoubt::resolver::Worker>>, std::string> StartWorkers(
    const redoubt::resolver::LiveSettings& settings, redoubt::resolver::SharedServerFlags* checksum_capable,
    redoubt::cache::LmdbCache* cache, const redoubt::resolver::MirrorSet* mirrors,
    const redoubt::resolver::NotifyHandler& on_notify) {
  std::vector<std::unique_ptr<redoubt::resolver::Worker>> workers;
  for (unsigned i = 0; i < WorkerCount(*settings.config); ++i) {
    auto worker = std::make_unique<redoubt::resolver::Worker>(settings.config, *settings.root_hints, checksum_capable,
                                                             cache, settings.anchors, mirrors, on_notify);
    if (auto started = worker->Start(); !started) {
      for (auto& w : workers) w->Stop();
      return redoubt::Unexpected(started.error());
    }
    workers.push_back(std::move(worker));
  }
  std::string addresses;
  for (const auto& endpoint : settings.config->listen) addresses += " " + endpoint.ToString();
  Log("listening on" + addresses + " with " + std::to_string(workers.size()) + " workers");
  return workers;
}

// The control socket is made before the switch to `user:` (the default directory may need root),
// then handed to that account (`new_owner`, null: no switch) so that the daemon can replace it at
// its next start.
void AnnounceControlSocket(const redoubt::io::UnixCommandServer& server,
                           const redoubt::resolver::UserAccount* new_owner) {
  if (new_owner != nullptr && chown(server.path().c_str(), new_owner->uid, new_owner->gid) != 0) {
    LogWarning("warning: cannot hand " + server.path() + " to user '" + new_owner->name + "': " + std::strerror(errno));
  }
  Log("control channel on " + server.path() + " (redoubt-control -s PATH)");
}

// A failed start after the workers are up: the error, then what runs is stopped. Returns 1.
int FailStart(const std::string& error, redoubt::resolver::MetricsEndpoint* metrics,
              const std::vector<std::unique_ptr<redoubt::resolver::Worker>>& workers) {
  LogError(error);
  if (metrics != nullptr) metrics->Stop();
  for (auto& w : workers) w->Stop();
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"redoubt: a recursive, validating DNS resolver"};
  std::string config_path;
  bool check_only = false;
  app.add_option("-c,--config", config_path, "YAML configuration file (default: built-in settings)");
  app.add_flag("--check-config", check_only,
               "check the configuration and root hints, print the settings that differ from the defaults, then exit");
  bool list_settings = false;
  app.add_flag("--list-settings", list_settings, "print every setting (type, default, range, reload, help), then exit");
  CLI11_PARSE(app, argc, argv);
  if (list_settings) {
    std::fputs(redoubt::resolver::SettingsListing().c_str(), stdout);
    return 0;
  }

  redoubt::resolver::AnchorCounts anchor_counts;
  auto loaded = redoubt::resolver::LoadLiveSettings(config_path, &anchor_counts);
  if (!loaded) {
    LogError(loaded.error());
    return 1;
  }
  auto maintainer = LoadManagedAnchors(*loaded);
  if (!maintainer) {
    LogError(maintainer.error());
    return 1;
  }
  const std::shared_ptr<const Config>& config = loaded->config;
  redoubt::resolver::SetLogOptions(config->log_format, config->log_level);
  LogConfigWarnings(*config, check_only);
  if (!anchor_counts.root_warning.empty()) LogAt(redoubt::resolver::LogLevel::kWarning, anchor_counts.root_warning);
  LogTsigKeys(*config);
  std::optional<redoubt::resolver::UserAccount> account;  // `user:`, looked up now: a typo fails early.
  if (!config->user.empty()) {
    auto found = redoubt::resolver::LookUpUser(config->user);
    if (!found) {
      LogError(found.error());
      return 1;
    }
    account = std::move(*found);
  }
  if (check_only) {
    Log("configuration OK (" + (config_path.empty() ? std::string("built-in defaults") : config_path) + ")");
    for (const std::string& line : redoubt::resolver::SettingsDifferingFromDefaults(*config)) {
      std::printf("  %s\n", line.c_str());
    }
    return 0;
  }
  static const redoubt::RealClock nta_clock;
  redoubt::resolver::RuntimeNegativeAnchors runtime_anchors([] { return nta_clock.WallSeconds(); });
  if (config->validation) {
    auto attached = std::make_shared<redoubt::resolver::TrustAnchorStore>(*loaded->anchors);
    attached->AttachRuntimeNegativeAnchors(&runtime_anchors);
    loaded->anchors = std::move(attached);
  }
  const redoubt::resolver::TrustAnchorStore& anchor_store = *loaded->anchors;
  auto privileges = redoubt::resolver::PlanPrivileges(geteuid(), config->user,
                                                      account ? std::optional<uid_t>(account->uid) : std::nullopt);
  bool switch_user = privileges == redoubt::resolver::PrivilegeAction::kSwitch;
  if (std::string note = redoubt::resolver::PlanMessage(privileges, config->user, geteuid()); !note.empty()) {
    LogAt(privileges == redoubt::resolver::PrivilegeAction::kAlreadyThatUser ? redoubt::resolver::LogLevel::kInfo
                                                                             : redoubt::resolver::LogLevel::kWarning,
          note);
  }
  LogValidationState(*config, anchor_counts);
  const sigset_t signals = BlockTerminationSignals();  // Before any worker thread exists.

  redoubt::resolver::SharedServerFlags checksum_capable;  // Outlives the workers.
  std::unique_ptr<redoubt::cache::LmdbCache> cache;        // Outlives the workers too.
  static const redoubt::RealClock wall_clock;
  std::unique_ptr<redoubt::resolver::MirrorSet> mirrors;            // Outlives the workers.
  std::unique_ptr<redoubt::resolver::MirrorService> mirror_service;
  // The cache and the mirrors' store; with a user switch ahead, opened as that user so that the
  // files belong to it, once its right to write the directory is checked.
  auto open_storage = [&]() -> redoubt::Result<void, std::string> {
    if (config->cache_enabled) {
      auto opened = OpenCache(*config, anchor_store);
      if (!opened) return redoubt::Unexpected(opened.error());
      cache = std::move(*opened);
    }
    if (*maintainer) {  // As the user redoubt runs as, so that a directory it cannot write fails now.
      if (auto saved = (*maintainer)->SaveAll(); !saved) return redoubt::Unexpected("managed-trust-anchors: " + saved.error());
    }
    if (config->mirror_zones.empty()) return {};
    return StartMirrors(*config, wall_clock, mirrors, mirror_service);
  };
  auto storage = switch_user ? OpenStorageAs(*config, *account, open_storage) : open_storage();
  if (!storage) {
    LogError(storage.error());
    return 1;
  }
  std::string nta_state = LoadRuntimeNegativeAnchors(*config, runtime_anchors, cache.get());
  redoubt::resolver::NotifyHandler on_notify;
  if (mirror_service) on_notify = MirrorNotifyHandler(*config, wall_clock, *mirror_service);
  auto started_workers = StartWorkers(*loaded, &checksum_capable, cache.get(), mirrors.get(), on_notify);
  if (!started_workers) {
    LogError(started_workers.error());
    return 1;
  }
  std::vector<std::unique_ptr<redoubt::resolver::Worker>> workers = std::move(*started_workers);
  std::atomic<bool> stopping{false};
  redoubt::resolver::ReloadStats reload_stats;  // The Reloader counts, metrics and stats read.
  redoubt::resolver::AnchorRefreshStats anchor_refreshes;  // The RFC 5011 refresher counts.
  const redoubt::resolver::AnchorRefreshStats* refresh_stats = *maintainer ? &anchor_refreshes : nullptr;
  std::unique_ptr<redoubt::resolver::MetricsEndpoint> metrics;  // Stopped before the workers go.
  if (config->metrics_listen) {
    auto started = StartMetrics(*config, workers, cache.get(), mirrors.get(), mirror_service.get(), &reload_stats,
                                refresh_stats, stopping);
    if (!started) return FailStart(started.error(), nullptr, workers);
    metrics = std::move(*started);
    Log("metrics on http://" + metrics->local().ToString() + "/metrics (and /health, /ready)");
  }
  redoubt::resolver::LiveState live(*loaded);  // What reload replaces; the control channel reads it.
  redoubt::resolver::ReloadTargets reload_targets{&live, &workers, cache.get(), &runtime_anchors, LogWarning, &reload_stats, {}};
  if (*maintainer) reload_targets.managed_anchors = [m = maintainer->get()] { return m->Anchors(); };
  redoubt::resolver::Reloader reloader(std::move(reload_targets));
  auto control_targets = ControlTargetsFor(live, workers, cache.get(), mirror_service.get(), &runtime_anchors, nta_state);
  control_targets.reload = [&reloader] { return ReloadFramed(reloader); };
  control_targets.metrics.reloads = &reload_stats;
  control_targets.metrics.anchor_refreshes = refresh_stats;
  control_targets.managed_anchors = maintainer->get();
  auto control = StartControl(*config, std::move(control_targets));
  if (!control) return FailStart(control.error(), metrics.get(), workers);
  if (control->server) AnnounceControlSocket(*control->server, switch_user ? &*account : nullptr);
  if (switch_user) {
    if (auto dropped = redoubt::resolver::DropPrivileges(*account); !dropped) {
      return FailStart(dropped.error(), metrics.get(), workers);
    }
    Log("switched to user '" + account->name + "' (uid " + std::to_string(account->uid) + ", gid " +
        std::to_string(account->gid) + "); root cannot be taken back");
  }
  std::optional<redoubt::Endpoint> metrics_at;
  if (metrics) metrics_at = metrics->local();
  redoubt::resolver::NotifyReady(config->listen, workers.size(), metrics_at);

  auto refresher = StartAnchorRefresher(maintainer->get(), workers, reloader, &anchor_refreshes);
  int received = WaitForTermination(signals, *control->service, reloader, refresher.get());
  Log(std::string("received ") + (received == SIGTERM ? "SIGTERM" : "SIGINT") + ", shutting down");
  redoubt::resolver::NotifyStopping();
  stopping = true;  // /ready says 503 from now on.
  if (control->server) control->server->Stop();
  for (auto& w : workers) w->Stop();
  if (metrics) metrics->Stop();
  if (mirror_service) mirror_service->Stop();
  redoubt::resolver::LogShutdownReport(*live.Snapshot().config, workers, cache.get(), mirror_service.get());
  return 0;
}
