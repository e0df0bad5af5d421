// The daemon's control channel (docs/control.md; issue #16): turns each request of
// redoubt-control (resolver/control/control_request.h) into an action on the running daemon and
// its reply (control_reply.h). It runs on the control socket's thread (net/io/
// unix_command_server.h) and touches the daemon only in thread-safe ways: the LMDB cache through
// its own transactions, the workers' counters by loads, the workers' own memories by tasks
// posted to their loops (Worker::ForgetBogus, ForgetDelegations), the mirror service through
// RefreshNow, the configuration through the live settings' snapshots (live_settings.h), reload
// through the Reloader. Every request is logged with the command and the caller's uid.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "net/io/unix_command_server.h"
#include "resolver/config/config.h"
#include "resolver/control/control_reply.h"
#include "resolver/control/control_request.h"
#include "resolver/daemon/anchor_maintainer.h"
#include "resolver/daemon/live_settings.h"
#include "resolver/daemon/worker.h"
#include "resolver/metrics/metrics_source.h"
#include "resolver/mirror/mirror_service.h"
#include "resolver/validator/trust_anchor_store.h"

namespace redoubt::resolver {

// What the control channel acts on. Every pointer may be null where the daemon runs without
// that part (no cache, no mirrors); everything pointed at must outlive the service.
struct ControlTargets {
  // The configuration and trust anchors in force, read afresh by each request (a reload
  // replaces them). Required.
  const LiveState* live = nullptr;
  const std::vector<std::unique_ptr<Worker>>* workers = nullptr;
  cache::LmdbCache* cache = nullptr;
  MirrorService* mirror_service = nullptr;
  MetricsSources metrics;             // For stats: the metric table's readers.
  int64_t start_time_seconds = 0;     // Wall clock, for status's uptime.
  std::function<int64_t()> now_seconds;  // Wall clock now (dump-cache's remaining TTLs, uptime).
  std::function<void(const std::string&)> log;
  // Negative trust anchors added at run time (nta-add; null: the commands are refused), and the
  // file that keeps them across restarts ("": not kept).
  RuntimeNegativeAnchors* negative_anchors = nullptr;
  std::string negative_anchor_state;
  // reload (resolver/daemon/reloader.h); unset: the command is refused.
  std::function<ControlReply()> reload;
  // The RFC 5011 managed trust anchors (trust-anchors shows their keys' states); null: none.
  const AnchorMaintainer* managed_anchors = nullptr;
};

class ControlService {
 public:
  explicit ControlService(ControlTargets targets);

  // Parses, executes and encodes one request line (the socket handler). Refused lines get an
  // ERROR reply in text form saying why.
  std::string Answer(std::string_view line, const io::CommandPeer& peer);
  // Executes a parsed request.
  ControlReply Execute(const ControlRequest& request);
  // Ends the runtime negative trust anchors whose lifetime is over (RFC 7646 section 2): their
  // subtrees are flushed and the workers forget their verdicts, as for nta-remove. The daemon's
  // main thread calls it every second. Returns how many ended.
  size_t ExpireNegativeAnchors();

 private:
  ControlReply Status() const;
  ControlReply Stats() const;
  ControlReply Flush(const ControlRequest& request);
  ControlReply FlushBogus();
  ControlReply DumpCache() const;
  ControlReply ForwardZones() const;
  ControlReply TrustAnchors() const;
  ControlReply MirrorRefresh(const dns::Name& zone);
  ControlReply NtaAdd(const ControlRequest& request);
  ControlReply NtaRemove(const dns::Name& zone);
  ControlReply NtaList() const;
  // After a negative anchor came or went at `zone`: what was cached below it was validated (or
  // not) under the other rule, so it is flushed, the workers forget their verdicts, and the set
  // is saved. Returns the cache entries removed. Call with nta_mutex_ held.
  size_t AfterNegativeAnchorChange(const dns::Name& zone);
  // Posts `forget` to every worker and sums the answers (workers that do not answer within a
  // second are counted in `silent`).
  size_t ForgetInWorkers(const std::function<std::future<size_t>(Worker&)>& forget, size_t& silent);

  ControlTargets targets_;
  std::mutex nta_mutex_;  // nta-add/remove (control thread) against expiry (main thread).
};

}  // namespace redoubt::resolver
