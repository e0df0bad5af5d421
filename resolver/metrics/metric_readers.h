// Internal to resolver/metrics: the readers metric table rows point at, and the row groups
// defined in metric_table_resolution.cc. Not for other rooms.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <optional>
#include <vector>

#include "resolver/metrics/metric_table.h"

namespace redoubt::resolver::metric_readers {

using W = WorkerCounters;

// Readers of one counter of every worker: Read<&W::part, &Part::field> (and one level deeper
// for GSS-TSIG). Function templates, so a table row holds a plain function pointer.
template <auto Part, auto Field>
uint64_t Read(const W& w) {
  return ((*(w.*Part)).*Field).load();
}
template <auto Part, auto Sub, auto Field>
uint64_t Read(const W& w) {
  return (((*(w.*Part)).*Sub).*Field).load();
}

template <std::atomic<uint64_t> cache::CacheStats::*Field>
std::optional<double> CacheCounter(const MetricsSources& s) {
  if (s.cache == nullptr) return std::nullopt;
  return static_cast<double>((s.cache->*Field).load(std::memory_order_relaxed));
}

template <uint64_t CacheSize::*Field>
std::optional<double> CacheGauge(const MetricsSources& s) {
  if (!s.cache_size) return std::nullopt;
  return static_cast<double>(s.cache_size().*Field);
}

template <Counter MirrorStats::*Field>
std::optional<double> MirrorCounter(const MetricsSources& s) {
  if (s.mirror == nullptr) return std::nullopt;
  return static_cast<double>((s.mirror->*Field).load());
}

template <Counter ReloadStats::*Field>
std::optional<double> ReloadCounter(const MetricsSources& s) {
  if (s.reloads == nullptr) return std::nullopt;
  return static_cast<double>((s.reloads->*Field).load());
}

template <Counter AnchorRefreshStats::*Field>
std::optional<double> AnchorRefreshCounter(const MetricsSources& s) {
  if (s.anchor_refreshes == nullptr) return std::nullopt;
  return static_cast<double>((s.anchor_refreshes->*Field).load());
}

inline std::optional<double> StartTime(const MetricsSources& s) { return s.start_time_seconds; }

// A high-water mark: the most of any worker, not their sum.
inline std::optional<double> MostSignatureChecks(const MetricsSources& s) {
  uint64_t most = 0;
  for (const W& w : s.workers) most = std::max(most, w.validator->most_checks.load());
  return static_cast<double>(most);
}

inline const LatencyHistogram* ResponseDuration(const W& w) { return &w.responder->duration; }
inline const LatencyHistogram* UpstreamRtt(const W& w) { return &w.upstream->rtt; }

// The pipeline, cache, DNSSEC and mirror rows (metric_table_resolution.cc).
std::vector<MetricDefinition> ResolutionMetrics();

}  // namespace redoubt::resolver::metric_readers
