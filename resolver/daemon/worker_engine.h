// The part of a worker built from the configuration (issue #16, reload): the answer store's
// view of the cache, the upstream, the iterator, the forwarder, the mirrors' local answers, the
// validator, the pipeline and the responder, bound to each other by reference, with the
// configuration and trust anchors they read. A reload builds a new engine on the worker's loop
// thread and swaps it in (Worker::SwapEngine); the old one finishes the queries it has in
// flight and is then shut down and deleted (docs/operations.md "Reloading").
//
// What stays with the worker across reloads is passed in as EngineSurroundings: the loop, the
// clock, the counters, the learnt delegations, the yielder and the stop token.
#pragma once

#include <uv.h>

#include <cstddef>
#include <memory>
#include <stop_token>
#include <vector>

#include "cache/lmdb_cache.h"
#include "net/base/clock.h"
#include "net/io/listener.h"
#include "net/io/loop_yielder.h"
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

// Everything a worker counts. Only the worker's thread writes it; any thread may read it, or
// copy it for a snapshot, while the worker runs (each field is a net/base/counter.h Counter).
// Readers sum across workers. It outlives the worker's engines: reloads keep the counts.
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

// What an engine uses but does not own; all of it must outlive the engine. `cache` (null: no
// answer cache), `checksum_capable` (shared by all workers), `mirrors` (null: no mirrored
// zones) and `on_notify` (unset: NOTIFY gets NOTIMP) are the process's, the rest the worker's.
struct EngineSurroundings {
  uv_loop_t* loop = nullptr;
  const Clock* clock = nullptr;
  WorkerStats* stats = nullptr;
  DelegationCache* delegations = nullptr;
  io::LoopYielder* yielder = nullptr;
  std::stop_token stopping;
  cache::LmdbCache* cache = nullptr;
  SharedServerFlags* checksum_capable = nullptr;
  const MirrorSet* mirrors = nullptr;
  NotifyHandler on_notify;
};

// One generation of a worker's query path. Built and used on the worker's loop thread only;
// `in_flight` counts the client queries answered by it that have not finished.
struct WorkerEngine {
  // `config` and `anchors` are shared with the daemon's live settings (resolver/daemon/
  // live_settings.h) and kept alive by the engine as long as it exists.
  WorkerEngine(std::shared_ptr<const Config> config, std::shared_ptr<const TrustAnchorStore> anchors,
               const EngineSurroundings& around);
  WorkerEngine(const WorkerEngine&) = delete;
  WorkerEngine& operator=(const WorkerEngine&) = delete;

  std::shared_ptr<const Config> config;
  std::shared_ptr<const TrustAnchorStore> anchors;
  std::unique_ptr<AnswerStore> store;  // LmdbAnswerStore, or NoAnswerStore without a cache.
  NetworkUpstream upstream;
  Iterator iterator;
  Forwarder forwarder;
  // Answers from mirrored zones' copies; a referral below a copy's cut goes to the delegations.
  std::unique_ptr<MirrorSource> mirror_source;
  // DnssecValidator, or PassThroughValidator with `validation: false`.
  std::unique_ptr<Validator> validator;
  Pipeline pipeline;
  Responder responder;
  size_t in_flight = 0;
};

}  // namespace redoubt::resolver
