// What the metrics exporter reads (docs/metrics.md): every worker's counters, the shared LMDB
// cache's, and the mirror service's. Plain pointers to live stats, not the Worker class, so that
// tests feed known values and the daemon passes what it already has.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "cache/lmdb_cache.h"
#include "net/base/counter.h"
#include "net/io/listener.h"
#include "resolver/cache_store/lmdb_answer_store.h"
#include "resolver/mirror/mirror_service.h"
#include "resolver/mirror/mirror_set.h"
#include "resolver/pipeline/pipeline.h"
#include "resolver/server/responder.h"
#include "resolver/upstream/upstream.h"
#include "resolver/validator/dnssec_validator.h"

namespace redoubt::resolver {

// One worker's stats structs (resolver/daemon/worker.h WorkerStats, field by field). Every
// pointer must be set and outlive the exporter that reads it; only the worker writes them
// (net/base/counter.h), the exporter reads them from its own thread without a lock.
struct WorkerCounters {
  const io::ListenerStats* listener = nullptr;
  const UpstreamStats* upstream = nullptr;
  const ResponderStats* responder = nullptr;
  const PipelineStats* pipeline = nullptr;
  const AnswerStoreStats* store = nullptr;
  const ValidatorStats* validator = nullptr;
  const LocalZoneStats* local_zones = nullptr;
};

// The counters of any struct with WorkerStats' member names (the daemon's WorkerStats, a test's
// own), without this room depending on the daemon: `CountersOf(worker->stats())`.
template <class Stats>
WorkerCounters CountersOf(const Stats& stats) {
  return {&stats.listener, &stats.upstream,  &stats.responder,  &stats.pipeline,
          &stats.store,    &stats.validator, &stats.local_zones};
}

// The cache's size as LMDB reports it at the moment of a scrape.
struct CacheSize {
  uint64_t entries = 0;
  uint64_t used_bytes = 0;      // Live pages (LmdbCache::UsedBytes).
  uint64_t capacity_bytes = 0;  // The map size (cache.max-size).
};

// A reader of `cache`'s size for MetricsSources::cache_size (a short LMDB read transaction on
// the scraping thread). `cache` must outlive the reader.
std::function<CacheSize()> CacheSizeReader(cache::LmdbCache& cache);

// Reloads asked for (redoubt-control reload, SIGHUP) by their result. Written by whichever
// thread reloads, one reload at a time under the reloader's mutex (which orders the writes), so
// each counter still has one writer at a time (net/base/counter.h).
struct ReloadStats {
  Counter ok;       // Applied.
  Counter refused;  // A changed setting needs a restart: nothing applied.
  Counter failed;   // No configuration file, or an error in it or a file it names.
};

// RFC 5011 refreshes of managed trust points (managed-trust-anchors) by their result, and the
// swaps of the anchors they caused. Written by the main thread's AnchorRefresher alone.
struct AnchorRefreshStats {
  Counter validated;  // A DNSKEY RRset signed by a trusted key was accepted (RFC 5011 section 2.2).
  Counter refused;    // A set came that no trusted key signed, or an older one (a replay).
  Counter failed;     // No set came (timeout, SERVFAIL, none in the answer).
  Counter swaps;      // The trusted keys changed and the anchors were swapped in.
};

// Everything one scrape reads. Null pointers and empty functions mean "not configured": the
// families that read them are left out of the exposition (docs/metrics.md says which).
struct MetricsSources {
  std::vector<WorkerCounters> workers;
  const cache::CacheStats* cache = nullptr;  // The shared cache's atomics (evictions, damage).
  std::function<CacheSize()> cache_size;     // Gauges; called at each scrape.
  const MirrorStats* mirror = nullptr;       // The mirror service's transfers (mirror-zones).
  const ReloadStats* reloads = nullptr;      // Reloads by result (the daemon's Reloader).
  const AnchorRefreshStats* anchor_refreshes = nullptr;  // RFC 5011 (managed-trust-anchors).
  double start_time_seconds = 0;             // Unix time the daemon started.
};

}  // namespace redoubt::resolver
