// Known counters for the exporter's tests and redoubt-metrics-sample: two workers, the cache
// and the mirror service, with the values sample_sources.cc lists (tests check them exactly).
#pragma once

#include <array>

#include "resolver/metrics/metrics_source.h"

namespace redoubt::resolver::metrics_testing {

// A worker's stats, as resolver/daemon/worker.h WorkerStats holds them.
struct SampleWorker {
  io::ListenerStats listener;
  UpstreamStats upstream;
  ResponderStats responder;
  PipelineStats pipeline;
  AnswerStoreStats store;
  ValidatorStats validator;
  LocalZoneStats local_zones;
};

// The sample: filled by the constructor; Sources() points at it (keep it alive while they are
// read). Not copyable (the cache's atomics).
struct SampleStats {
  SampleStats();
  // Both workers, the cache counters, a fixed cache size, the mirror service, reloads, a start time.
  MetricsSources Sources() const;

  std::array<SampleWorker, 2> workers;
  cache::CacheStats cache;
  MirrorStats mirror;
  ReloadStats reloads;
  AnchorRefreshStats anchor_refreshes;
};

// What SampleStats::Sources() gives as the cache size.
inline constexpr CacheSize kSampleCacheSize{42, 8192, 1u << 20};
inline constexpr double kSampleStartTime = 1700000000;

}  // namespace redoubt::resolver::metrics_testing
