// The running daemon (docs/operations.md): what main() starts once the configuration is loaded
// and checked. Daemon::Run opens the cache and the mirrors' store (as `user:` when redoubt
// switches to it), starts the workers, the metrics endpoint, the reloader and the control
// channel, drops privileges, tells systemd it is ready, then serves until SIGTERM or SIGINT:
// every second it ends expired runtime negative trust anchors and ticks the RFC 5011 refresher;
// SIGHUP reloads. Then it stops everything in order and logs the shutdown report.
#pragma once

#include <signal.h>

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cache/lmdb_cache.h"
#include "net/base/clock.h"
#include "net/io/unix_command_server.h"
#include "resolver/daemon/anchor_maintainer.h"
#include "resolver/daemon/anchor_refresher.h"
#include "resolver/daemon/control_service.h"
#include "resolver/daemon/live_settings.h"
#include "resolver/daemon/metrics_endpoint.h"
#include "resolver/daemon/reloader.h"
#include "resolver/daemon/service.h"
#include "resolver/daemon/worker.h"
#include "resolver/metrics/metrics_source.h"
#include "resolver/mirror/mirror_service.h"
#include "resolver/validator/runtime_negative_anchors.h"

namespace redoubt::resolver {

// What main() loads and checks before anything starts.
struct PreparedStart {
  LiveSettings settings;  // The anchors include the managed ones (WithManagedAnchors).
  std::unique_ptr<AnchorMaintainer> maintainer;  // Null without managed-trust-anchors.
  std::optional<UserAccount> account;            // `user:`, looked up.
};

class Daemon {
 public:
  explicit Daemon(PreparedStart prepared);
  ~Daemon();
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;

  // Starts, serves until SIGTERM or SIGINT, stops. Returns the exit code: 0, or 1 when the
  // start failed (the error is logged and what had started is stopped).
  int Run();

 private:
  // The cache, the managed anchors' first save and the mirrors, as `user:` when switching.
  Result<void, std::string> OpenStorage();
  // Metrics, reloader, control channel, the switch to `user:`, READY=1.
  Result<void, std::string> StartServices();
  // Waits for SIGTERM or SIGINT (see the file comment) and returns it.
  int WaitForTermination();
  void Shutdown();

  // Declared in the order they are made, so they go in reverse: the workers before the cache
  // and the mirrors they read, the control channel and the refresher before the workers.
  PreparedStart prepared_;
  const Config& config_;
  bool switch_user_ = false;
  sigset_t signals_{};
  const RealClock wall_clock_;  // The mirror service's clock.
  RuntimeNegativeAnchors runtime_anchors_;
  SharedServerFlags checksum_capable_;
  std::unique_ptr<cache::LmdbCache> cache_;
  std::unique_ptr<MirrorSet> mirrors_;
  std::unique_ptr<MirrorService> mirror_service_;
  std::string nta_state_;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::atomic<bool> stopping_{false};  // /ready says 503 once set.
  ReloadStats reload_stats_;
  AnchorRefreshStats anchor_refreshes_;
  std::unique_ptr<MetricsEndpoint> metrics_;
  std::unique_ptr<LiveState> live_;
  std::unique_ptr<Reloader> reloader_;
  std::unique_ptr<ControlService> control_;
  std::unique_ptr<io::UnixCommandServer> control_server_;
  std::unique_ptr<AnchorRefresher> refresher_;
};

}  // namespace redoubt::resolver
