#include "resolver/daemon/daemon.h"

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <functional>
#include <thread>

#include "net/io/udp_socket.h"
#include "resolver/daemon/log.h"
#include "resolver/daemon/negative_anchor_file.h"
#include "resolver/daemon/shutdown_report.h"
#include "resolver/mirror/notify.h"

namespace redoubt::resolver {
namespace {

unsigned WorkerCount(const Config& config) {
  if (config.workers != 0) return config.workers;
  unsigned cores = std::thread::hardware_concurrency();
  return cores == 0 ? 1 : cores;
}

// The metrics endpoint (docs/metrics.md) over the workers' counters, the cache's and the
// mirrors'. Readiness: every worker started (they are, once here) and no signal received yet.
Result<std::unique_ptr<MetricsEndpoint>, std::string> StartMetrics(
    const Config& config, const std::vector<std::unique_ptr<Worker>>& workers,
    cache::LmdbCache* cache, const MirrorSet* mirrors,
    const MirrorService* mirror_service, const ReloadStats* reloads,
    const AnchorRefreshStats* anchor_refreshes, const std::atomic<bool>& stopping) {
  MetricsSources sources;
  for (const auto& w : workers) sources.workers.push_back(CountersOf(w->stats()));
  if (cache != nullptr) {
    sources.cache = &cache->stats();
    sources.cache_size = CacheSizeReader(*cache);
  }
  if (mirror_service != nullptr) sources.mirror = &mirror_service->stats();
  sources.reloads = reloads;
  sources.anchor_refreshes = anchor_refreshes;
  sources.start_time_seconds = static_cast<double>(RealClock().WallSeconds());
  size_t worker_count = workers.size(), mirror_zones = config.mirror_zones.size();
  auto readiness = [worker_count, mirror_zones, mirrors, &stopping] {
    ReadinessFacts facts;
    facts.workers = worker_count;
    facts.workers_listening = worker_count;
    facts.stopping = stopping.load();
    facts.mirror_zones = mirror_zones;
    if (mirrors != nullptr) {
      for (const auto& zone : mirrors->zones()) facts.mirror_copies += mirrors->Find(zone) != nullptr ? 1 : 0;
    }
    return facts;
  };
  return MetricsEndpoint::Start(*config.metrics_listen, std::move(sources), readiness);
}

// The control channel (docs/control.md) on config.control_socket. The default path's directory
// (/run/redoubt) is created when missing; when the default cannot be used (no permission, or
// another daemon holds it) the daemon goes on without a control channel and says why. A path
// written in the configuration must work. No server: no channel (the service is always there:
// it also ends runtime negative trust anchors).
struct ControlChannel {
  std::unique_ptr<ControlService> service;
  std::unique_ptr<io::UnixCommandServer> server;
};

Result<ControlChannel, std::string> StartControl(const Config& config,
                                                          ControlTargets targets) {
  ControlChannel channel;
  channel.service = std::make_unique<ControlService>(std::move(targets));
  if (config.control_socket.empty()) return channel;  // The service still expires NTAs.
  if (!config.control_socket_configured) {
    std::string directory = config.control_socket.substr(0, config.control_socket.rfind('/'));
    mkdir(directory.c_str(), 0755);  // Fails harmlessly when it exists; Start() names other failures.
  }
  auto* service = channel.service.get();
  auto started = io::UnixCommandServer::Start(
      config.control_socket,
      [service](std::string_view line, const io::CommandPeer& peer) { return service->Answer(line, peer); });
  if (!started) {
    if (config.control_socket_configured) return Unexpected(started.error());
    LogAt(LogLevel::kWarning,
          "warning: " + started.error() + "; going on without a control channel (set control.socket)");
    return channel;
  }
  channel.server = std::move(*started);
  return channel;
}

// What the control channel acts on (resolver/daemon/control_service.h).
ControlTargets ControlTargetsFor(const LiveState& live,
                                                   const std::vector<std::unique_ptr<Worker>>& workers,
                                                   cache::LmdbCache* cache,
                                                   MirrorService* mirror_service,
                                                   RuntimeNegativeAnchors* negative_anchors,
                                                   const std::string& negative_anchor_state) {
  ControlTargets control_targets;
  control_targets.negative_anchors = negative_anchors;
  control_targets.negative_anchor_state = negative_anchor_state;
  control_targets.live = &live;
  control_targets.workers = &workers;
  control_targets.cache = cache;
  control_targets.mirror_service = mirror_service;
  for (const auto& w : workers) control_targets.metrics.workers.push_back(CountersOf(w->stats()));
  if (cache) {
    control_targets.metrics.cache = &cache->stats();
    control_targets.metrics.cache_size = CacheSizeReader(*cache);
  }
  if (mirror_service) control_targets.metrics.mirror = &mirror_service->stats();
  static const RealClock wall_clock;
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
std::string LoadRuntimeNegativeAnchors(const Config& config, RuntimeNegativeAnchors& anchors,
                                       cache::LmdbCache* cache) {
  if (!config.validation || cache == nullptr) return "";
  std::string path = config.cache_directory + "/negative-anchors";
  if (auto loaded = LoadNegativeAnchorFile(path, anchors); !loaded) {
    LogAt(LogLevel::kWarning, "warning: " + loaded.error() + "; starting without runtime negative trust anchors");
    return path;
  }
  std::vector<dns::Name> expired = anchors.TakeExpired();
  for (const dns::Name& zone : expired) cache->FlushSubtree(zone);
  if (!expired.empty()) (void)SaveNegativeAnchorFile(path, anchors);
  if (size_t live = anchors.List().size(); live > 0) {
    Log(std::to_string(live) + " negative trust anchors added with nta-add are still in force (redoubt-control nta list)");
  }
  return path;
}

// A reload (SIGHUP or redoubt-control reload) framed for systemd: RELOADING=1 before, READY=1
// with the outcome as STATUS after (sd_notify; nothing without a notify socket).
ControlReply ReloadFramed(Reloader& reloader) {
  NotifyReloading();
  ControlReply reloaded = reloader.Reload();
  NotifyReloaded((reloaded.ok ? "" : "reload refused: ") + reloaded.message);
  return reloaded;
}

// The RFC 5011 refresher over `maintainer` (null: none): fetches spread over the workers, key
// changes swapped in through the reloader, counted in `stats`.
std::unique_ptr<AnchorRefresher> StartAnchorRefresher(
    AnchorMaintainer* maintainer, const std::vector<std::unique_ptr<Worker>>& workers,
    Reloader& reloader, AnchorRefreshStats* stats) {
  if (maintainer == nullptr) return nullptr;
  RefresherTargets targets;
  targets.maintainer = maintainer;
  targets.fetch = [&workers, next = size_t{0}](dns::Question question) mutable {
    return workers[next++ % workers.size()]->Fetch(std::move(question));
  };
  targets.apply = [&reloader](const ManagedAnchors& anchors) {
    Log(reloader.ApplyManagedAnchors(anchors).message);
  };
  targets.info = Log;
  targets.warning = LogWarning;
  targets.stats = stats;
  return std::make_unique<AnchorRefresher>(std::move(targets));
}

// The mirror service (resolver/mirror): its own thread, started before the workers so that
// stored copies answer from the first query. Copies live in <cache directory>/mirrors.
Result<void, std::string> StartMirrors(const Config& config, const Clock& clock,
                                                std::unique_ptr<MirrorSet>& mirrors,
                                                std::unique_ptr<MirrorService>& service) {
  std::vector<dns::Name> names;
  for (const auto& zone : config.mirror_zones) names.push_back(zone.name);
  mirrors = std::make_unique<MirrorSet>(names);
  MirrorServiceOptions options;
  options.zones = config.mirror_zones;
  options.keys = TsigKeysFrom(config);
  options.directory = config.cache_directory + "/mirrors";
  options.log = Log;
  service = std::make_unique<MirrorService>(*mirrors, std::move(options), clock);
  return service->Start();
}

// NOTIFY from the mirrored zones' primaries (resolver/mirror/notify.h): a refresh now.
NotifyHandler MirrorNotifyHandler(const Config& config,
                                                     const Clock& clock,
                                                     MirrorService& service) {
  auto keys = std::make_shared<std::vector<crypto::TsigKey>>(TsigKeysFrom(config));
  return [&service, &clock, zones = config.mirror_zones, keys](std::span<const uint8_t> request,
                                                               const IpAddress& source) {
    NotifyVerdict verdict = JudgeNotify(
        request, source, zones, *keys, static_cast<uint64_t>(clock.WallSeconds()));
    if (verdict.refresh) service.RefreshNow(*verdict.refresh);
    if (!verdict.why.empty()) Log(verdict.why);
    return std::move(verdict.reply);
  };
}

// The LMDB answer cache, its entries checked against the current trust fingerprint.
Result<std::unique_ptr<cache::LmdbCache>, std::string> OpenCache(
    const Config& config, const TrustAnchorStore& anchor_store) {
  cache::CacheOptions options;
  options.directory = config.cache_directory;
  options.max_size = config.cache_max_size;
  auto opened = cache::LmdbCache::Open(options, Log);
  if (!opened) return Unexpected(opened.error());
  std::unique_ptr<cache::LmdbCache> cache = std::move(*opened);
  size_t dropped = cache->AdoptTrustFingerprint(TrustFingerprint(config, anchor_store));
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
Result<void, std::string> OpenStorageAs(const Config& config,
                                                 const UserAccount& account,
                                                 const std::function<Result<void, std::string>()>& open) {
  if (config.cache_enabled || !config.mirror_zones.empty()) {
    auto writable = CheckCacheWritable(config.cache_directory, account);
    if (!writable) return writable;
  }
  auto opened = RunAsUser(account, open);
  if (!opened) {
    return Unexpected(opened.error() + " (opened as user '" + account.name +
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

// Starts WorkerCount(config) workers on `settings`; on a failure, stops those already started
// and returns the error (naming the address that could not be listened on).
Result<std::vector<std::unique_ptr<Worker>>, std::string> StartWorkers(
    const LiveSettings& settings, SharedServerFlags* checksum_capable,
    cache::LmdbCache* cache, const MirrorSet* mirrors,
    const NotifyHandler& on_notify) {
  std::vector<std::unique_ptr<Worker>> workers;
  for (unsigned i = 0; i < WorkerCount(*settings.config); ++i) {
    auto worker = std::make_unique<Worker>(settings.config, *settings.root_hints, checksum_capable,
                                                             cache, settings.anchors, mirrors, on_notify);
    if (auto started = worker->Start(); !started) {
      for (auto& w : workers) w->Stop();
      return Unexpected(started.error());
    }
    workers.push_back(std::move(worker));
  }
  std::string addresses;
  for (const auto& endpoint : settings.config->listen) addresses += " " + endpoint.ToString();
  Log("listening on" + addresses + " with " + std::to_string(workers.size()) + " workers");
  Log(io::KernelPortRangeIsWidest()
          ? "upstream UDP: sockets reused, each query on a fresh port the kernel picks from 1024-65535"
          : "upstream UDP: a socket per query on a random port; net.ipv4.ip_local_port_range = 1024 65535 "
            "lets redoubt reuse sockets (docs/operations.md)");
  return workers;
}

// The control socket is made before the switch to `user:` (the default directory may need root),
// then handed to that account (`new_owner`, null: no switch) so that the daemon can replace it at
// its next start.
void AnnounceControlSocket(const io::UnixCommandServer& server,
                           const UserAccount* new_owner) {
  if (new_owner != nullptr && chown(server.path().c_str(), new_owner->uid, new_owner->gid) != 0) {
    LogWarning("warning: cannot hand " + server.path() + " to user '" + new_owner->name + "': " + std::strerror(errno));
  }
  Log("control channel on " + server.path() + " (redoubt-control -s PATH)");
}

}  // namespace

Daemon::Daemon(PreparedStart prepared)
    : prepared_(std::move(prepared)),
      config_(*prepared_.settings.config),
      runtime_anchors_([] { return RealClock().WallSeconds(); }) {}

Daemon::~Daemon() = default;

int Daemon::Run() {
  if (config_.validation) {  // Runtime negative anchors (nta add) apply under every store.
    auto attached = std::make_shared<TrustAnchorStore>(*prepared_.settings.anchors);
    attached->AttachRuntimeNegativeAnchors(&runtime_anchors_);
    prepared_.settings.anchors = std::move(attached);
  }
  const std::optional<UserAccount>& account = prepared_.account;
  auto privileges = PlanPrivileges(geteuid(), config_.user, account ? std::optional<uid_t>(account->uid) : std::nullopt);
  switch_user_ = privileges == PrivilegeAction::kSwitch;
  if (std::string note = PlanMessage(privileges, config_.user, geteuid()); !note.empty()) {
    LogAt(privileges == PrivilegeAction::kAlreadyThatUser ? LogLevel::kInfo : LogLevel::kWarning, note);
  }
  signals_ = BlockTerminationSignals();  // Before any worker thread exists.
  if (auto opened = OpenStorage(); !opened) {
    LogError(opened.error());
    return 1;
  }
  nta_state_ = LoadRuntimeNegativeAnchors(config_, runtime_anchors_, cache_.get());
  NotifyHandler on_notify;
  if (mirror_service_) on_notify = MirrorNotifyHandler(config_, wall_clock_, *mirror_service_);
  auto started = StartWorkers(prepared_.settings, &checksum_capable_, cache_.get(), mirrors_.get(), on_notify);
  if (!started) {
    LogError(started.error());
    return 1;
  }
  workers_ = std::move(*started);
  if (auto serving = StartServices(); !serving) {
    LogError(serving.error());
    if (metrics_) metrics_->Stop();
    for (auto& w : workers_) w->Stop();
    return 1;
  }
  int received = WaitForTermination();
  Log(std::string("received ") + (received == SIGTERM ? "SIGTERM" : "SIGINT") + ", shutting down");
  Shutdown();
  return 0;
}

Result<void, std::string> Daemon::OpenStorage() {
  // With a user switch ahead, opened as that user so that the files belong to it, once its
  // right to write the directory is checked.
  auto open = [this]() -> Result<void, std::string> {
    if (config_.cache_enabled) {
      auto opened = OpenCache(config_, *prepared_.settings.anchors);
      if (!opened) return Unexpected(opened.error());
      cache_ = std::move(*opened);
    }
    if (prepared_.maintainer) {  // As the user redoubt runs as: a directory it cannot write fails now.
      if (auto saved = prepared_.maintainer->SaveAll(); !saved) return Unexpected("managed-trust-anchors: " + saved.error());
    }
    if (config_.mirror_zones.empty()) return {};
    return StartMirrors(config_, wall_clock_, mirrors_, mirror_service_);
  };
  return switch_user_ ? OpenStorageAs(config_, *prepared_.account, open) : open();
}

Result<void, std::string> Daemon::StartServices() {
  AnchorMaintainer* maintainer = prepared_.maintainer.get();
  const AnchorRefreshStats* refresh_stats = maintainer != nullptr ? &anchor_refreshes_ : nullptr;
  if (config_.metrics_listen) {
    auto started = StartMetrics(config_, workers_, cache_.get(), mirrors_.get(), mirror_service_.get(), &reload_stats_,
                                refresh_stats, stopping_);
    if (!started) return Unexpected(started.error());
    metrics_ = std::move(*started);
    Log("metrics on http://" + metrics_->local().ToString() + "/metrics (and /health, /ready)");
  }
  live_ = std::make_unique<LiveState>(prepared_.settings);  // What reload replaces; control reads it.
  ReloadTargets reload_targets{live_.get(), &workers_, cache_.get(), &runtime_anchors_, LogWarning, &reload_stats_, {}};
  if (maintainer != nullptr) reload_targets.managed_anchors = [maintainer] { return maintainer->Anchors(); };
  reloader_ = std::make_unique<Reloader>(std::move(reload_targets));
  auto control_targets = ControlTargetsFor(*live_, workers_, cache_.get(), mirror_service_.get(), &runtime_anchors_, nta_state_);
  control_targets.reload = [reloader = reloader_.get()] { return ReloadFramed(*reloader); };
  control_targets.metrics.reloads = &reload_stats_;
  control_targets.metrics.anchor_refreshes = refresh_stats;
  control_targets.managed_anchors = maintainer;
  auto control = StartControl(config_, std::move(control_targets));
  if (!control) return Unexpected(control.error());
  control_ = std::move(control->service);
  control_server_ = std::move(control->server);
  if (control_server_) AnnounceControlSocket(*control_server_, switch_user_ ? &*prepared_.account : nullptr);
  if (switch_user_) {
    const UserAccount& account = *prepared_.account;
    if (auto dropped = DropPrivileges(account); !dropped) return dropped;
    Log("switched to user '" + account.name + "' (uid " + std::to_string(account.uid) + ", gid " +
        std::to_string(account.gid) + "); root cannot be taken back");
  }
  std::optional<Endpoint> metrics_at;
  if (metrics_) metrics_at = metrics_->local();
  NotifyReady(config_.listen, workers_.size(), metrics_at);
  refresher_ = StartAnchorRefresher(maintainer, workers_, *reloader_, &anchor_refreshes_);
  return {};
}

int Daemon::WaitForTermination() {
  const timespec second{1, 0};
  while (true) {
    int received = sigtimedwait(&signals_, nullptr, &second);
    if (received == SIGTERM || received == SIGINT) return received;
    if (received == SIGHUP) {
      ControlReply reloaded = ReloadFramed(*reloader_);
      if (reloaded.ok) {
        Log("SIGHUP: " + reloaded.message);
      } else {
        LogWarning("warning: SIGHUP: " + reloaded.message);
      }
    }
    control_->ExpireNegativeAnchors();
    if (refresher_) refresher_->Tick(RealClock().WallSeconds());
  }
}

void Daemon::Shutdown() {
  NotifyStopping();
  stopping_ = true;  // /ready says 503 from now on.
  if (control_server_) control_server_->Stop();
  for (auto& w : workers_) w->Stop();
  if (metrics_) metrics_->Stop();
  if (mirror_service_) mirror_service_->Stop();
  LogShutdownReport(*live_->Snapshot().config, workers_, cache_.get(), mirror_service_.get());
}

}  // namespace redoubt::resolver
