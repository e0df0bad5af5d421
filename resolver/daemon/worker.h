// One worker thread: its own libuv loop, its own listeners on every configured address
// (SO_REUSEPORT lets the kernel spread clients across workers), its own iterator state and pipeline. Workers
// share nothing (design guide section 4) but the set of servers known to speak CHECKSUM (a
// mutex-guarded set) and the LMDB cache.
#pragma once

#include <uv.h>

#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <stop_token>
#include <thread>
#include <vector>

#include "net/base/clock.h"
#include "net/io/listener.h"
#include "net/io/loop_yielder.h"
#include "cache/lmdb_cache.h"
#include "resolver/cache_store/lmdb_answer_store.h"
#include "resolver/config/config.h"
#include "resolver/forwarder/forwarder.h"
#include "resolver/iterator/iterator.h"
#include "resolver/mirror/mirror_set.h"
#include "resolver/pipeline/pipeline.h"
#include "resolver/server/responder.h"
#include "resolver/upstream/upstream.h"
#include "resolver/validator/dnssec_validator.h"

namespace redoubt::resolver {

// Everything the worker counts. Only the worker's thread writes it; any thread may read it, or
// copy it for a snapshot, while the worker runs (each field is a net/base/counter.h Counter).
// Readers sum across workers.
struct WorkerStats {
  io::ListenerStats listener;
  UpstreamStats upstream;
  ResponderStats responder;
  PipelineStats pipeline;
  AnswerStoreStats store;
  ValidatorStats validator;
  LocalZoneStats local_zones;  // Answers from mirrored zones' copies.
};

// The configured TSIG keys (resolver/config/tsig_keys.h) as the crypto layer signs with them.
std::vector<crypto::TsigKey> TsigKeysFrom(const Config& config);

class Worker {
 public:
  // `checksum_capable` is shared by all workers (servers known to speak CHECKSUM).
  // `cache` (null: no answer cache) is the process's one LMDB cache; the worker reads it through
  // its own LmdbAnswerStore. `anchors` (shared, read-only) must outlive the worker, and so must
  // `mirrors` (null: no mirrored zones), the live copies the mirror service keeps; `on_notify`
  // answers NOTIFY for them (unset: NOTIFY gets NOTIMP).
  Worker(const Config& config, const Delegation& root_hints, SharedServerFlags* checksum_capable,
         cache::LmdbCache* cache, const TrustAnchorStore& anchors,
         const MirrorSet* mirrors = nullptr, NotifyHandler on_notify = {});
  ~Worker();
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  // Opens the listeners (an error names the address) and starts the thread.
  Result<void, std::string> Start();
  // Stops accepting queries, lets the ones in flight finish, and joins the thread.
  void Stop();
  // Live counters, safe to read from any thread at any time (see WorkerStats). Copy the result
  // for a snapshot; fields read one by one need not agree with each other.
  const WorkerStats& stats() const noexcept { return stats_; }
  // Client queries whose coroutines were still suspended when the loop ended (Stop()); they
  // can never finish. 0 after a clean shutdown.
  size_t stranded_queries() const noexcept { return stranded_; }

  // What the worker's own memory forgets for the control channel (docs/control.md), done on
  // the worker's loop thread between queries; the futures give the number of entries that went,
  // or stay unready when the worker has stopped. Bogus: the validator's bogus answers and
  // chain-of-trust verdicts (Validator::Forget). Delegations: the zones the iterator learnt
  // (DelegationCache::ForgetZones), so that changed NS sets are fetched again.
  std::future<size_t> ForgetBogus();
  std::future<size_t> ForgetDelegations();

 private:
  void CloseListeners();
  // Queues `task` for the loop thread; false once the worker has stopped.
  bool Post(std::function<void()> task);
  void RunPosted();

  Config config_;
  uv_loop_t loop_{};
  uv_async_t stop_{};
  uv_async_t posted_signal_{};
  std::mutex posted_mutex_;
  std::vector<std::function<void()>> posted_;  // Guarded by posted_mutex_.
  bool accepting_posts_ = false;               // Guarded by posted_mutex_.
  std::stop_source stopping_;  // Requested on the loop thread when the worker stops.
  RealClock clock_;
  WorkerStats stats_;
  DelegationCache cache_;
  std::unique_ptr<AnswerStore> store_;  // LmdbAnswerStore, or NoAnswerStore without a cache.
  NetworkUpstream upstream_;
  Iterator iterator_;
  Forwarder forwarder_;
  // Answers from mirrored zones' copies; a referral below a copy's cut goes to cache_.
  std::unique_ptr<MirrorSource> mirror_source_;
  io::LoopYielder yielder_{&loop_};  // Validation takes turns with other work on the loop.
  // DnssecValidator, or PassThroughValidator with `validation: false`.
  std::unique_ptr<Validator> validator_;
  Pipeline pipeline_;
  Responder responder_;
  // Owns every client query's root task (listeners spawn them here), so Stop() knows whether
  // any is left. Heap-held: a scope with stranded tasks is released rather than destroyed
  // (destroying it would abort; the stranded frames are unreachable either way).
  std::unique_ptr<TaskScope> client_tasks_ = std::make_unique<TaskScope>();
  size_t stranded_ = 0;
  std::vector<std::unique_ptr<io::UdpListener>> udp_;
  std::vector<std::unique_ptr<io::TcpListener>> tcp_;
  std::thread thread_;
};

}  // namespace redoubt::resolver
