// One worker thread: its own libuv loop, its own listeners on every configured address
// (SO_REUSEPORT lets the kernel spread clients across workers), its own iterator state and pipeline. Workers
// share nothing (design guide section 4) but the set of servers known to speak CHECKSUM (a
// mutex-guarded set), the LMDB cache and the read-only configuration and trust anchors.
//
// The query path built from the configuration is the worker's engine (worker_engine.h); a
// reload swaps in a new one (SwapEngine) while the loop, listeners, counters and learnt
// delegations stay. Each client query keeps the engine it started on until it finishes.
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
#include "net/base/task_scope.h"
#include "net/io/listener.h"
#include "net/io/loop_yielder.h"
#include "cache/lmdb_cache.h"
#include "resolver/config/config.h"
#include "resolver/daemon/worker_engine.h"

namespace redoubt::resolver {

class Worker {
 public:
  // `checksum_capable` is shared by all workers (servers known to speak CHECKSUM).
  // `cache` (null: no answer cache) is the process's one LMDB cache; the worker reads it through
  // its own LmdbAnswerStore. `anchors` (shared, read-only) is kept by the first engine; `mirrors`
  // (null: no mirrored zones), the live copies the mirror service keeps, must outlive the worker;
  // `on_notify` answers NOTIFY for them (unset: NOTIFY gets NOTIMP). The listen addresses are
  // taken from `config` once: a reload does not change them.
  Worker(std::shared_ptr<const Config> config, const Delegation& root_hints, SharedServerFlags* checksum_capable,
         cache::LmdbCache* cache, std::shared_ptr<const TrustAnchorStore> anchors,
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

  // `question` resolved by the current engine's pipeline as for a client that sets DO and CD
  // (RFC 4035 sections 3.2.1, 3.2.2: the RRSIGs kept, nothing withheld as bogus, the cache
  // used): how the RFC 5011 refresher (anchor_refresher.h) fetches a trust point's DNSKEY RRset
  // to judge it itself. Counted in that engine's queries in flight, so a reload's drain waits
  // for it. The future reports a broken promise when the worker stops first.
  std::future<Resolution> Fetch(dns::Question question);

  // Reload (docs/operations.md "Reloading"): on the loop thread, builds an engine from `config`
  // and `anchors`, sets the delegations' root from `root_hints`, and makes the new engine answer
  // every query received from then on. Queries in flight finish on the old engine, which is
  // shut down (GSS-TSIG contexts deleted, pooled TCP connections closed) and deleted once the
  // last of them ends. The future is ready once the swap is done; it reports a broken promise
  // when the worker has stopped (nothing swapped). Listen addresses are not changed.
  std::future<void> SwapEngine(std::shared_ptr<const Config> config, std::shared_ptr<const TrustAnchorStore> anchors,
                               Delegation root_hints);
  // Ready once no swapped-out engine has a client query in flight any more (at once when none
  // has): from then on nothing the old settings resolved can reach the cache. Reports a broken
  // promise when the worker stops first.
  std::future<void> WhenDrained();
  // Engines swapped out that still have client queries in flight (0 once they have finished).
  // Read on the loop thread only, or after Stop(); for tests.
  size_t draining_engines() const noexcept { return draining_.size(); }

 private:
  void CloseListeners();
  // The stop signal on the loop thread: no more posts or queries, exchanges end, upstreams close.
  void OnStop();
  // Queues `task` for the loop thread; false once the worker has stopped.
  bool Post(std::function<void()> task);
  void RunPosted();
  // A client query on the engine current when it arrived; keeps that engine alive until the
  // query ends, and retires the engine if it was the last query of a swapped-out one.
  Task<std::vector<uint8_t>> AnswerOn(std::shared_ptr<WorkerEngine> engine, std::vector<uint8_t> query,
                                      io::QueryContext context);
  // Shuts a swapped-out engine down once idle (TKEY deletes, TCP pool closed) and deletes it on a
  // later loop turn, outside the callbacks that used it.
  Task<void> Retire(std::shared_ptr<WorkerEngine> engine);
  // Fetch()'s resolution on `engine`, its result into `done`.
  Task<void> FetchOn(std::shared_ptr<WorkerEngine> engine, dns::Question question,
                     std::shared_ptr<std::promise<Resolution>> done);
  // A query on `engine` ended: retires a swapped-out engine after its last one, and tells
  // WhenDrained()'s waiters once none is left.
  void QueryEnded(const std::shared_ptr<WorkerEngine>& engine);
  EngineSurroundings Surroundings();
  void WriteResolvedAnswers();

  std::vector<Endpoint> listen_;
  SharedServerFlags* checksum_capable_;
  cache::LmdbCache* answer_cache_;
  const MirrorSet* mirrors_;
  NotifyHandler on_notify_;
  uv_loop_t loop_{};
  uv_async_t stop_{};
  uv_async_t posted_signal_{};
  // At the end of every loop turn: the engines' answer stores write what that turn resolved, in
  // one LMDB transaction each (AnswerStore::DeferWrites).
  uv_prepare_t turn_end_{};
  std::mutex posted_mutex_;
  std::vector<std::function<void()>> posted_;  // Guarded by posted_mutex_.
  bool accepting_posts_ = false;               // Guarded by posted_mutex_.
  std::stop_source stopping_;  // Requested on the loop thread when the worker stops.
  RealClock clock_;
  WorkerStats stats_;
  DelegationCache cache_;
  io::LoopYielder yielder_{&loop_};  // Validation takes turns with other work on the loop.
  // The engine new queries go to (loop thread only after Start()), and swapped-out engines
  // whose queries are still in flight.
  std::shared_ptr<WorkerEngine> engine_;
  std::vector<std::shared_ptr<WorkerEngine>> draining_;
  std::vector<std::promise<void>> drained_waiters_;  // WhenDrained(), told when draining_ empties.
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
